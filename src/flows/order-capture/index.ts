import type { RetailFlowDependencies, RetailFlowModule } from '../module.ts';
import { orderCancellationFlow } from './cancellation.ts';
import { orderCaptureFlow } from './flow.ts';
import { awaitingErpBookingPanel, ordersOnHoldPanel } from './panels.ts';
import { captureStates, CaptureStatus, ORDER_CAPTURE_FLOW } from './read-models.ts';

export { HoldCode, OVERRIDABLE_HOLDS } from './checks.ts';
export { AWAITING_ERP_BOOKING, CANCELLED_AFTER_SHIPMENT, findHeldOrder, holdResolution } from './exceptions.ts';
export { OrderEvent } from './flow.ts';
export { orderCaptureInvariants } from './invariants.ts';
export { CaptureEntity, CaptureStatus, ORDER_CAPTURE_FLOW, orderCaptureInstanceId, type CaptureState } from './read-models.ts';

/**
 * Order capture (issue 5, flow 2): validates orders from every channel against the read
 * models, holds the ones that fail for an operator (fix, retry, override or discard from the
 * console), books the rest in the ERP exactly once, projects them into the CRM and releases
 * them to the WMS. See docs/flows/order-capture.md.
 *
 * @example
 * const world = await startRetailWorld({ modules: (deps) => [createReferenceData(deps), createOrderCapture(deps)] });
 */
export function createOrderCapture(deps: RetailFlowDependencies): RetailFlowModule {
  return {
    name: ORDER_CAPTURE_FLOW,
    flows: [orderCaptureFlow(deps), orderCancellationFlow(deps)],
    healthPanels: [awaitingErpBookingPanel(deps.settings), ordersOnHoldPanel()],
    report: () => orderCaptureReport(deps),
  };
}

/**
 * `orders.captured`, `orders.booked`, `orders.rejected` from the capture read model;
 * `orders.exceptions`: open exceptions of order capture (holds, awaiting ERP booking), or, without
 * the exceptions store, the orders on hold.
 */
export async function orderCaptureReport(deps: RetailFlowDependencies): Promise<Record<string, number>> {
  const counts = { captured: 0, booked: 0, rejected: 0, cancelled: 0, onHold: 0 };
  for await (const state of captureStates(deps.records)) {
    counts.captured++;
    if (state.status === CaptureStatus.booked) counts.booked++;
    else if (state.status === CaptureStatus.rejected) counts.rejected++;
    else if (state.status === CaptureStatus.cancelled) counts.cancelled++;
    else if (state.status === CaptureStatus.onHold) counts.onHold++;
  }
  const exceptions = deps.deadLetters ? await deps.deadLetters.count({ status: 'open', kind: 'flow', target: ORDER_CAPTURE_FLOW }) : counts.onHold;
  return {
    'orders.captured': counts.captured,
    'orders.booked': counts.booked,
    'orders.exceptions': exceptions,
    'orders.rejected': counts.rejected,
    'orders.cancelled': counts.cancelled,
  };
}
