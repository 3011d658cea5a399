import type { Order } from '../../canonical/order.ts';
import type { BusinessContext } from '../../ports/storage.ts';
import type { FlowContext } from '../../runtime/flows/definition.ts';
import type { RetailFlowDependencies } from '../module.ts';
import { RecordEntity } from '../reference/records.ts';
import type { OrderFulfilment } from '../shipments/records.ts';
import { CANCELLED_AFTER_SHIPMENT } from './exceptions.ts';
import { CaptureStatus, saveCaptureState, saveOrder, Stage, type CancellationMark } from './read-models.ts';

/** Milestones after which the warehouse can no longer hold the order back. */
const LEFT_WAREHOUSE = new Set(['shipped', 'delivered', 'returned']);

/** What `planBookedCancellation` decided, journaled by the caller's step. */
export type BookedCancellation =
  /** `reason`: the channel's, for the ERP memo and the warehouse. */
  | { outcome: 'cancelling'; order: Order; releasedToWms: boolean; reason: string }
  | { outcome: 'shipped'; shipments: string[] }
  /** Nothing to do: the hub has no record of the order, or its CANCELLED_AFTER_SHIPMENT is open already. */
  | { outcome: 'nothing' };

/**
 * Decides how to cancel an order its channel cancelled after it was booked in the ERP, and
 * records it in the read models. Parcels that already left the warehouse cannot be called back
 * by the hub: that is an operator's case (recall the parcel or take it back as a return), and
 * the ERP order stays open so the shipped units are still fulfilled and billed there.
 */
export async function planBookedCancellation(deps: RetailFlowDependencies, args: { orderNumber: string; mark: CancellationMark }): Promise<BookedCancellation> {
  const stored = (await deps.records.get<Order>(RecordEntity.order, args.orderNumber))?.data;
  if (!stored) return { outcome: 'nothing' };
  const releasedToWms = deps.settings.orders.wmsLocations.includes(stored.fulfilment.locationCode ?? '');
  const reason = args.mark.reason ?? `cancelled in its channel (${args.mark.source})`;
  // Planned before (a duplicate cancellation, or the capture and this flow both): the same plan,
  // whose deliveries the targets' idempotency keys make one.
  if (stored.status === 'cancelled') return { outcome: 'cancelling', order: stored, releasedToWms, reason };
  const fulfilment = (await deps.records.get<OrderFulfilment>(RecordEntity.orderFulfilment, args.orderNumber))?.data;
  const shipments = Object.values(fulfilment?.shipments ?? {}).filter((shipment) => LEFT_WAREHOUSE.has(shipment.stage));
  if (shipments.length > 0) {
    // Raised once per order: a cancellation reported twice (a redelivered webhook, the poller and
    // the webhook both) or seen by the capture and this flow both must not open a second case.
    const raised = await deps.deadLetters?.count({ key: args.orderNumber, kind: 'flow', errorCode: CANCELLED_AFTER_SHIPMENT, status: 'open' });
    if (raised) return { outcome: 'nothing' };
    return { outcome: 'shipped', shipments: shipments.map((shipment) => shipment.shipmentNumber) };
  }

  const order: Order = {
    ...stored,
    status: 'cancelled',
    statusReason: { code: 'CANCELLED', message: `${reason} (${args.mark.source}, ${args.mark.cancelledAt}), after it was booked`.slice(0, 1000) },
  };
  const now = deps.clock();
  await saveOrder(deps.records, order, { now, stage: Stage.closed });
  await saveCaptureState(
    deps.records,
    {
      orderNumber: order.orderNumber,
      status: CaptureStatus.cancelled,
      channel: order.channel,
      ...(order.customer.customerId !== undefined && { customerId: order.customer.customerId }),
      grandTotal: order.totals.grandTotal,
      currency: order.currency,
      ...(order.erpOrderId !== undefined && { erpOrderId: order.erpOrderId }),
      cancelledAfterBooking: true,
    },
    { now, stage: Stage.closed },
  );
  return { outcome: 'cancelling', order, releasedToWms, reason };
}

/**
 * Carries out the plan: the warehouse first (so nothing more is picked), then the ERP order's
 * lines are closed (its committed stock comes free), and agents see the cancellation in the CRM.
 * Each write has one idempotency key per order and target, so the capture and the cancellation
 * flow both reaching this point, or a cancellation reported twice, write once. The capture's
 * check after releasing the order to the warehouse is the exception (`afterRelease`): a cancel
 * the cancellation flow sent while the release was on its way found nothing to cancel yet.
 */
export async function cancelBookedOrder(ctx: FlowContext, args: { plan: BookedCancellation; orderNumber: string; context: BusinessContext; afterRelease?: boolean }): Promise<void> {
  const { plan, orderNumber, context } = args;
  if (plan.outcome === 'nothing') return;
  if (plan.outcome === 'shipped') {
    await ctx.raise('cancelled-after-shipment', {
      code: CANCELLED_AFTER_SHIPMENT,
      message: `order ${orderNumber} was cancelled in its channel after the warehouse shipped ${plan.shipments.join(', ')}: recall the parcel or take it back as a return; the ERP order stays open`,
      context,
    });
    return;
  }
  const { order, reason } = plan;
  const send = (target: string, operation: string, payload: unknown, keySuffix = '') => ({
    target,
    kind: 'command' as const,
    key: orderNumber,
    operation,
    payload,
    idempotencyKey: `order-cancellation/${orderNumber}/${target}${keySuffix}`,
    context: { ...context, operation },
  });
  if (plan.releasedToWms) await ctx.deliver('wms-cancel', send('wms', 'cancelFulfillmentOrder', { orderNumber, reason }, args.afterRelease ? '/after-release' : ''));
  await ctx.deliver('erp-cancel', send('erp', 'cancelOrder', { orderNumber, ...(order.erpOrderId !== undefined && { erpOrderId: order.erpOrderId }), statusReason: { code: 'CANCELLED', message: reason } }));
  await ctx.deliver('crm-cancelled', send('crm', 'projectOrder', order));
}
