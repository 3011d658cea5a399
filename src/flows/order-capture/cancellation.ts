import { defineFlow, type FlowDefinition } from '../../runtime/flows/definition.ts';
import { OperatorDecision } from '../../runtime/flows/operator.ts';
import type { RetailFlowDependencies } from '../module.ts';
import type { Order } from '../../canonical/order.ts';
import { RecordEntity } from '../reference/records.ts';
import { cancelBookedOrder, planBookedCancellation } from './cancel-booked.ts';
import { holdResolution, openHolds } from './exceptions.ts';
import { exceptionContext, OrderEvent } from './flow.ts';
import { CaptureEntity, CaptureStatus, ORDER_CAPTURE_FLOW, type CancellationMark, type CaptureState } from './read-models.ts';

/**
 * An order cancelled in its channel before it was booked stops its capture cleanly. The
 * cancellation is recorded (it may arrive before the order itself: webhooks are not ordered),
 * and the capture checks for it before every validation round and after the booking; a capture
 * held for an operator is woken with a "discard" decision. An order already booked is cancelled
 * in every system (docs/flows/order-capture.md, "Cancellations"): the warehouse's fulfilment
 * order, the ERP sales order's lines closed, the CRM's order marked cancelled; one whose parcels
 * have left the warehouse is an exception (CANCELLED_AFTER_SHIPMENT). An order still on its way
 * to the ERP is cancelled by its capture once booked, which checks for the mark then.
 */
export function orderCancellationFlow(deps: RetailFlowDependencies): FlowDefinition {
  return defineFlow({
    name: `${ORDER_CAPTURE_FLOW}.cancellation`,
    durable: false,
    startsOn: [OrderEvent.cancelled],
    async run(ctx, event) {
      const orderNumber = event.subject ?? '';
      if (orderNumber === '') return;
      const given = (event.data as Partial<Order> | undefined)?.statusReason;
      const mark: CancellationMark = {
        orderNumber,
        cancelledAt: event.time ?? new Date(deps.clock()).toISOString(),
        source: event.source,
        ...(given && { reason: `${given.code}: ${given.message}`.slice(0, 500) }),
      };
      // Version 1: the first cancellation recorded stays (a duplicate changes nothing).
      await deps.records.put({ entity: CaptureEntity.cancellation, key: orderNumber, data: mark, version: 1 }, deps.clock());
      // Read after the mark is written: a capture booking the order now either sees the mark or
      // has already marked the order booked here (see captureOrder), so one of them cancels it.
      const capture = (await deps.records.get<CaptureState>(CaptureEntity.capture, orderNumber))?.data;
      if (capture?.status === CaptureStatus.booked || capture?.cancelledAfterBooking) {
        const plan = await planBookedCancellation(deps, { orderNumber, mark });
        const stored = (await deps.records.get<Order>(RecordEntity.order, orderNumber))?.data;
        await cancelBookedOrder(ctx, { plan, orderNumber, context: exceptionContext(stored, orderNumber) });
        return;
      }
      if (!deps.deadLetters) return;
      for (const held of await openHolds(deps.deadLetters, orderNumber)) {
        // The capture closes the exception itself when it wakes with this decision.
        await ctx.emit(
          `discard-hold-${held.id}`,
          holdResolution({ orderNumber, deadLetterId: held.id, decision: OperatorDecision.discard, actor: ORDER_CAPTURE_FLOW, reason: `order cancelled in its channel (${event.source})` }),
        );
      }
    },
  });
}
