import type { RecordStore } from '../../ports/storage.ts';
import { defineFlow, type FlowDefinition } from '../../runtime/flows/definition.ts';
import { RecordEntity } from '../reference/records.ts';
import { ReturnEvent, ReturnException, ReturnFlow } from './names.ts';
import type { ReturnRecord } from './record.ts';

/**
 * Goods the return flow will not credit, raised for an operator (a new RMA, or sending the
 * parcel back):
 * - goods that reach the warehouse after their RMA expired (the RMA is closed, the flow ended);
 * - a further receipt after the one the return was credited on (a second parcel): the first
 *   receipt settles a return, later ones are not credited automatically.
 * A receipt of an RMA still waiting for its goods is the return flow's own business.
 */
export function lateReceiptFlow(records: RecordStore): FlowDefinition {
  return defineFlow({
    name: ReturnFlow.lateReceipts,
    durable: false,
    startsOn: [ReturnEvent.received],
    async run(ctx, event) {
      const rma = event.subject;
      if (!rma) return;
      const stored = await records.get<ReturnRecord>(RecordEntity.return, rma);
      if (!stored) return;
      const record = stored.data;
      const context = { entity: 'return', businessKey: rma, orderNumber: record.return.orderNumber, ...(record.return.caseNumber !== undefined && { caseNumber: record.return.caseNumber }) };
      if (record.reached.expired !== undefined) {
        await ctx.raise('late-receipt', {
          code: ReturnException.receiptAfterExpiry,
          message: `goods for ${rma} arrived after the RMA expired; nothing is credited: open a new return or send the parcel back`,
          context,
        });
      } else if (record.receiptEventId !== undefined && record.receiptEventId !== event.id) {
        await ctx.raise('further-receipt', {
          code: ReturnException.furtherReceipt,
          message: `more goods arrived for ${rma} after it was received and credited on an earlier receipt; they are not credited automatically: open a new return for them`,
          context,
        });
      }
    },
  });
}
