export { DeliveryEngine, type DeliveryEngineOptions, type TargetStatus } from './engine.ts';
export { RateBudget, type BudgetSnapshot, type DeliveryBudget, type QuotaSignal } from './budget.ts';
export { RetryPolicy, defaultRetryOptions, type RetryOptions } from './retry-policy.ts';
export type { CircuitOptions, CircuitStateName } from './dispatcher.ts';
export type { DeliveryContext, DeliveryTarget, ItemOutcome } from './target.ts';
