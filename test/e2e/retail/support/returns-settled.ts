import { RefundRoute, type ReturnRecord } from '../../../../src/flows/returns/record.ts';
import { HUB_REFUND_NOTE } from '../../../../src/flows/returns/recognise.ts';
import { refundIdOf } from '../../../../src/flows/returns/refund.ts';
import type { RunningSandboxes } from '../../../../src/sandboxes/run-all.ts';
import { paymentsLedger, returnOf, wmsState, type ReturnableOrder } from './returns.ts';

const idOf = (reference: unknown) => (reference && typeof reference === 'object' && 'id' in reference ? String((reference as { id: unknown }).id) : undefined);
const toCents = (amount: string) => Math.round(Number(amount) * 100);

/** The refund route a return of this order must take: a till sale paid by card through the payment system, a storefront order in the storefront. */
export function expectedRoute(order: ReturnableOrder): RefundRoute {
  return order.channel === 'store' ? RefundRoute.payments : RefundRoute.commerce;
}

/**
 * Everything wrong with each return, read from every system once the hub is quiet; empty when each
 * is settled exactly once everywhere:
 * - the hub: its return record is done and refunded, by the expected route, for the amount of the returned units;
 * - NetSuite: one return authorization (Refunded), one item receipt and one credit memo made from it (for the
 *   amount), and one customer refund applying that memo;
 * - the WMS: one return receipt for the RMA, received;
 * - the payment provider: for a till sale, one refund for the RMA (under the hub's refund id, against the sale's
 *   payment intent, for the amount) and nothing else refunded on that charge; for a storefront order none;
 * - Shopify: for a storefront order, one refund the hub asked for ("Crossdock return <RMA>"), for the amount; else none;
 * - Salesforce: one case, Closed, its timeline ending with the refund; one Return__c, Refunded.
 * Each problem names the RMA and what was found.
 */
export async function unsettledReturns(options: { sandboxes: RunningSandboxes; orders: readonly ReturnableOrder[]; records: ReadonlyMap<string, ReturnRecord> }): Promise<string[]> {
  const { sandboxes } = options;
  const netsuite = sandboxes.netsuite.records.store;
  const [ledger, wms] = await Promise.all([paymentsLedger(sandboxes), wmsState(sandboxes)]);
  const shopifyRefunds = [...sandboxes.shopify.store.refunds.values()];
  const crm = sandboxes.salesforce.org.snapshot().records;
  const problems: string[] = [];
  for (const order of options.orders) {
    const { caseNumber, rmaNumber, amount } = returnOf(order);
    const cents = toCents(amount);
    const problem = (what: string) => problems.push(`${rmaNumber} (${order.orderNumber}): ${what}`);
    const count = (what: string, found: number, expected: number) => found !== expected && problem(`${found} ${what}, expected ${expected}`);

    const record = options.records.get(rmaNumber);
    if (!record) problem('no return record in the hub');
    else if (record.stage !== 'done' || record.return.status !== 'refunded' || record.refund?.route !== expectedRoute(order) || record.refund.amount !== amount) {
      problem(`hub record at stage ${record.stage}, status ${record.return.status}, refund ${JSON.stringify(record.refund ?? null)}${record.outcome ? `, outcome ${record.outcome.code}` : ''}; expected done, refunded via ${expectedRoute(order)} for ${amount}`);
    }

    const rmas = netsuite.list('returnAuthorization').filter((rma) => rma.externalId === rmaNumber);
    count('return authorizations in NetSuite', rmas.length, 1);
    const rma = rmas[0];
    if (rma && (rma.fields.status as { refName?: string } | undefined)?.refName !== 'Refunded') problem(`return authorization ${rma.id} is ${JSON.stringify(rma.fields.status)}, expected Refunded`);
    const madeFrom = (type: 'itemReceipt' | 'creditMemo') => netsuite.list(type).filter((record) => rma !== undefined && idOf(record.fields.createdFrom) === rma.id);
    count('item receipts', madeFrom('itemReceipt').length, 1);
    const memos = madeFrom('creditMemo');
    count('credit memos', memos.length, 1);
    for (const memo of memos) if (Number(memo.fields.total) !== Number(amount)) problem(`credit memo ${memo.id} totals ${String(memo.fields.total)}, expected ${amount}`);
    const memoIds = new Set(memos.map((memo) => memo.id));
    const customerRefunds = netsuite.list('customerRefund').filter((refund) => ((refund.fields.apply as { items?: { doc?: unknown }[] } | undefined)?.items ?? []).some((line) => memoIds.has(idOf(line.doc) ?? '')));
    count('customer refunds applying the credit memo', customerRefunds.length, memos.length === 0 ? 0 : 1);

    const receipts = wms.returnReceipts.filter((receipt) => receipt.rmaNumber === rmaNumber);
    count('return receipts in the WMS', receipts.length, 1);
    if (receipts[0] && receipts[0].status !== 'received') problem(`return receipt ${receipts[0].id} is ${receipts[0].status}`);

    const refunds = ledger.refunds.filter((refund) => refund.metadata.rma_number === rmaNumber || refund.metadata.crossdock_refund_id === refundIdOf(rmaNumber));
    const hubRefunds = shopifyRefunds.filter((refund) => refund.note === `${HUB_REFUND_NOTE} ${rmaNumber}`);
    if (order.channel === 'store') {
      count('payment refunds', refunds.length, 1);
      for (const refund of refunds) {
        const wrong = refund.status !== 'succeeded' || refund.amount !== cents || refund.payment_intent !== order.paymentIntent || refund.metadata.crossdock_refund_id !== refundIdOf(rmaNumber);
        if (wrong) problem(`payment refund ${refund.id}: ${refund.status}, ${refund.amount} on ${refund.payment_intent}, refund id ${refund.metadata.crossdock_refund_id}; expected succeeded, ${cents} on ${order.paymentIntent}, ${refundIdOf(rmaNumber)}`);
      }
      const charge = ledger.charges.find((candidate) => candidate.payment_intent === order.paymentIntent);
      if (charge?.amount_refunded !== cents) problem(`charge ${charge?.id ?? '(none)'} of ${order.paymentIntent} has ${charge?.amount_refunded ?? 0} refunded, expected ${cents}`);
      count('storefront refunds', hubRefunds.length, 0);
    } else {
      count('payment refunds', refunds.length, 0);
      count(`storefront refunds noted "${HUB_REFUND_NOTE} ${rmaNumber}"`, hubRefunds.length, 1);
      for (const refund of hubRefunds) if (refund.amountCents !== cents) problem(`storefront refund ${refund.id} is ${refund.amountCents} cents, expected ${cents}`);
    }

    const cases = (crm.Case ?? []).filter((record) => record.External_Id__c === caseNumber);
    count('Salesforce cases', cases.length, 1);
    const description = String(cases[0]?.Description ?? '');
    if (cases[0] && (cases[0].Status !== 'Closed' || !description.endsWith(`refunded to the original payment: ${amount} USD`))) {
      problem(`case ${caseNumber} is ${String(cases[0].Status)}, its timeline ends "${description.split('\n').pop() ?? ''}"; expected Closed, ending with the refund of ${amount} USD`);
    }
    const crmReturns = (crm.Return__c ?? []).filter((record) => record.External_Id__c === rmaNumber);
    count('Salesforce Return__c records', crmReturns.length, 1);
    if (crmReturns[0] && crmReturns[0].Status__c !== 'Refunded') problem(`Return__c is ${String(crmReturns[0].Status__c)}, expected Refunded`);
  }
  return problems;
}
