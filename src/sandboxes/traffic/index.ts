// The traffic generator: plays a retail day (or replays order history) against the sandboxes.
export { ActionKind, BadData, ParcelCondition, ReturnReason, countByKind } from './actions.ts';
export type { TrafficAction, OrderAction, OrderLineSpec, CustomerSystem, Milestone, BackorderShipmentAction, StoreStockOutAction, CustomerSignupAction } from './actions.ts';
export { planRetailDay, DEFAULT_BURST, DEFAULT_MIX, DEFAULT_BAD_DATA_SHARE, InvalidScenarioError } from './planner.ts';
export type { RetailDayOptions, BurstWindow, OutageWindow, DrawnKind } from './planner.ts';
export { TrafficExecutor, playTraffic } from './executor.ts';
export type { TrafficExecutorOptions, PlayTrafficOptions, TrafficRunSummary } from './executor.ts';
export { ActionOutcome, TrafficCounters } from './counters.ts';
export type { ActionResult, TrafficCountersSnapshot, OutcomeCounts } from './counters.ts';
export type { HubEndpoint } from './clients.ts';
export { readOrderHistory, ORDER_HISTORY_COLUMNS } from './order-history.ts';
export type { OrderHistory, OrderHistoryRow, OrderHistoryProblem } from './order-history.ts';
export { replayOrderHistory } from './replay.ts';
export type { ReplayOptions } from './replay.ts';
export { DEMO_SEED, UNKNOWN_SKUS } from './demo-data.ts';
export type { DemoSeed, DemoProduct, DemoLocation, DemoCustomer } from './demo-data.ts';
