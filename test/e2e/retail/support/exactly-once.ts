import type { InvariantResult } from '../../../../src/flows/invariants.ts';
import { HUB_REFUND_NOTE } from '../../../../src/flows/returns/recognise.ts';
import type { RunningSandboxes } from '../../../../src/sandboxes/run-all.ts';

const EXAMPLES_SHOWN = 5;

/** Keys seen more than once, as `key (n×)`. */
function repeated(keys: Iterable<string | undefined>): string[] {
  const counts = new Map<string, number>();
  for (const key of keys) if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts].filter(([, count]) => count > 1).map(([key, count]) => `${key} (${count}x)`);
}

function verdict(checked: number, duplicates: string[]): InvariantResult {
  return { ok: duplicates.length === 0, details: { checked, duplicates: duplicates.length, examples: duplicates.slice(0, EXAMPLES_SHOWN) } };
}

const idOf = (reference: unknown) => (reference && typeof reference === 'object' && 'id' in reference ? String((reference as { id: unknown }).id) : undefined);

/**
 * Exactly-once effects, read from the systems themselves whatever flows are registered: no
 * order booked twice in the ERP (by channel order id); no return credited twice (credit memos
 * per return authorization); no refund paid twice (ERP customer refunds per credit memo, payment
 * refunds per hub refund id and per RMA, storefront refunds the hub issued per RMA in their
 * note); no parcel announced twice in the storefront (fulfilments per order and tracking
 * number); no order projected twice into Salesforce (Orders per external id). The sandboxes
 * refuse a second record with the same external id, so a duplicate would carry a new one: these
 * checks group by the business key.
 */
export async function exactlyOnceEffects(sandboxes: RunningSandboxes): Promise<Record<string, InvariantResult>> {
  const netsuite = sandboxes.netsuite.records.store;
  const salesOrders = netsuite.list('salesOrder');
  const creditMemos = netsuite.list('creditMemo');
  const customerRefunds = netsuite.list('customerRefund');
  const response = await fetch(`${sandboxes.payments.url}/__sandbox/state`);
  if (!response.ok) throw new Error(`reading the payments sandbox state failed: ${response.status}`);
  const ledger = (await response.json()) as { refunds?: { status: string; metadata?: Record<string, string> }[] };
  const refunds = (ledger.refunds ?? []).filter((refund) => refund.status !== 'failed' && refund.status !== 'canceled');
  const storefrontRefunds = [...sandboxes.shopify.store.refunds.values()].filter((refund) => refund.note?.startsWith(`${HUB_REFUND_NOTE} `));
  const fulfilments = [...sandboxes.shopify.store.fulfillments.values()].filter((fulfilment) => fulfilment.status === 'SUCCESS');
  const crmOrders = sandboxes.salesforce.org.snapshot().records.Order ?? [];
  return {
    'effects.erpOrderOncePerChannelOrder': verdict(
      salesOrders.length,
      repeated(salesOrders.map((order) => (typeof order.fields.otherRefNum === 'string' ? order.fields.otherRefNum : order.externalId))),
    ),
    'effects.creditMemoOncePerReturn': verdict(creditMemos.length, repeated(creditMemos.map((memo) => idOf(memo.fields.createdFrom)))),
    'effects.erpRefundOncePerCreditMemo': verdict(
      customerRefunds.length,
      repeated(customerRefunds.flatMap((refund) => ((refund.fields.apply as { items?: { doc?: unknown }[] } | undefined)?.items ?? []).map((line) => idOf(line.doc)))),
    ),
    'effects.refundOncePerReturn': verdict(refunds.length, [
      ...repeated(refunds.map((refund) => refund.metadata?.crossdock_refund_id)),
      ...repeated(refunds.map((refund) => refund.metadata?.rma_number)),
    ]),
    'effects.storefrontRefundOncePerReturn': verdict(storefrontRefunds.length, repeated(storefrontRefunds.map((refund) => refund.note ?? undefined))),
    'effects.storefrontFulfilmentOncePerParcel': verdict(
      fulfilments.length,
      repeated(fulfilments.flatMap((fulfilment) => fulfilment.trackingInfo.map((info) => (info.number ? `${String(fulfilment.orderId)}/${info.number}` : undefined)))),
    ),
    'effects.crmOrderOncePerOrder': verdict(crmOrders.length, repeated(crmOrders.map((order) => (typeof order.External_Id__c === 'string' ? order.External_Id__c : undefined)))),
  };
}

/** The names and details of the failed checks: what a test asserts is empty. */
export function failedChecks(results: Readonly<Record<string, InvariantResult>>): { name: string; details: unknown }[] {
  return Object.entries(results)
    .filter(([, result]) => !result.ok)
    .map(([name, result]) => ({ name, details: result.details }));
}
