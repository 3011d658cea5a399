import { defineFlow, type FlowDefinition } from '../../runtime/flows/definition.ts';
import { OperatorDecision } from '../../runtime/flows/operator.ts';
import type { RetailFlowDependencies } from '../module.ts';
import { holdResolution, openHolds } from './exceptions.ts';
import { OrderEvent } from './flow.ts';
import { CaptureEntity, ORDER_CAPTURE_FLOW, type CancellationMark } from './read-models.ts';

/**
 * An order cancelled in its channel before it was booked stops its capture cleanly. The
 * cancellation is recorded (it may arrive before the order itself: webhooks are not ordered),
 * and the capture checks for it before every validation round and after the booking; a capture
 * held for an operator is woken with a "discard" decision. A cancellation after the order was
 * sent to the ERP is raised by the capture as CANCELLED_AFTER_BOOKING instead: the ERP owns a
 * booked order.
 */
export function orderCancellationFlow(deps: RetailFlowDependencies): FlowDefinition {
  return defineFlow({
    name: `${ORDER_CAPTURE_FLOW}.cancellation`,
    durable: false,
    startsOn: [OrderEvent.cancelled],
    async run(ctx, event) {
      const orderNumber = event.subject ?? '';
      if (orderNumber === '') return;
      const mark: CancellationMark = { orderNumber, cancelledAt: event.time ?? new Date(deps.clock()).toISOString(), source: event.source };
      // Version 1: the first cancellation recorded stays (a duplicate changes nothing).
      await deps.records.put({ entity: CaptureEntity.cancellation, key: orderNumber, data: mark, version: 1 }, deps.clock());
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
