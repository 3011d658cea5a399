import { eventually } from '../../../../src/ports/conformance/harness.ts';
import type { RunningSandboxes } from '../../../../src/sandboxes/run-all.ts';
import type { DemoCustomer, DemoProduct } from '../../../../src/sandboxes/traffic/index.ts';

/**
 * Returns as they happen outside the hub, for the returns crash proof: till sales paid by card
 * and storefront checkouts, the warehouse shipping and delivering, customer service opening a
 * return case, the dock receiving the parcel. Everything goes through the systems' own APIs (and
 * the hub's `POST /events`, as the till does), never through the hub's database.
 */

const cents = (amount: string) => Math.round(Number(amount) * 100);
const decimal = (minor: number) => (minor / 100).toFixed(2);

/** An order the proof returns: one line of it, how it was paid, and the case that asks for it back. */
export interface ReturnableOrder {
  orderNumber: string;
  /** `store`: a till sale paid by card (refunded through the payment system); `storefront`: a Shopify checkout (refunded in Shopify). */
  channel: 'store' | 'storefront';
  customer: DemoCustomer;
  /** The returned line and units: the first line of the order. */
  sku: string;
  unitPrice: string;
  returnedUnits: number;
  /** The till's captured card payment (store sales). */
  paymentIntent?: string;
}

/** What the return of an order is called: the case customer service opens, and the RMA the hub makes of it. */
export function returnOf(order: ReturnableOrder): { caseNumber: string; rmaNumber: string; amount: string } {
  const caseNumber = `CASE-${order.orderNumber}`;
  return { caseNumber, rmaNumber: `RMA-${caseNumber}`, amount: decimal(cents(order.unitPrice) * order.returnedUnits) };
}

/** Asks again after a 429 (the systems' limits are shared with the hub); any other answer is returned. */
async function served(what: string, send: () => Promise<Response>): Promise<Response> {
  return eventually(async () => {
    const response = await send();
    if (response.status !== 429) return response;
    await response.arrayBuffer();
    return undefined;
  }, `${what} past the rate limit`, 30_000);
}

async function answer<T>(what: string, send: () => Promise<Response>): Promise<T> {
  const response = await served(what, send);
  const text = await response.text();
  if (!response.ok) throw new Error(`${what} answered ${response.status}: ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

function postToHub(hubUrl: string, event: Record<string, unknown>): Promise<unknown> {
  return answer(`POST /events ${String(event.type)}`, () => fetch(`${hubUrl}/events`, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(event) }));
}

/**
 * A till sale at a store, paid by card: the POS posts `retail.order.placed.v1` to the hub, the
 * card is charged at the payment provider (Stripe API, idempotency key per sale), and the till
 * reports the capture as `retail.payment.captured.v1` (as the traffic's `store-order` and
 * `payment-capture` do).
 */
export async function sellAtTill(options: { sandboxes: RunningSandboxes; hubUrl: string; orderNumber: string; customer: DemoCustomer; lines: { product: DemoProduct; quantity: number }[]; locationCode: string; returnedUnits: number }): Promise<ReturnableOrder> {
  const { orderNumber, customer } = options;
  const now = new Date().toISOString();
  const lines = options.lines.map(({ product, quantity }, index) => ({
    lineNumber: index + 1, sku: product.sku, name: product.name, quantity, unitPrice: product.listPrice, discounts: [], tax: { amount: '0.00' }, lineTotal: decimal(cents(product.listPrice) * quantity),
  }));
  const total = options.lines.reduce((sum, { product, quantity }) => sum + cents(product.listPrice) * quantity, 0);
  const currency = options.sandboxes.directory.catalogue.currency;
  await postToHub(options.hubUrl, {
    specversion: '1.0', id: `pos-${orderNumber}`, source: `/pos/${options.locationCode.toLowerCase()}`, type: 'retail.order.placed.v1', subject: orderNumber, time: now, datacontenttype: 'application/json',
    data: {
      hubId: `ord_${orderNumber}`, externalIds: { pos: orderNumber }, sourceSystem: 'pos', sourceTimestamp: now, version: 1, schemaVersion: 1,
      orderNumber, channel: 'store', channelOrderId: orderNumber, placedAt: now,
      customer: { name: `${customer.firstName ?? ''} ${customer.lastName ?? ''}`.trim(), email: customer.email },
      currency, pricesIncludeTax: false, lines,
      totals: { subtotal: decimal(total), discountTotal: '0.00', shippingTotal: '0.00', taxTotal: '0.00', grandTotal: decimal(total) },
      paymentStatus: 'paid', fulfilment: { method: 'pickup', locationCode: options.locationCode }, status: 'placed', returnEligibility: { eligible: true },
    },
  });
  const { url, secretKey } = options.sandboxes.directory.payments;
  const key = `payment-${orderNumber}`;
  const form = { amount: String(total), currency: currency.toLowerCase(), payment_method: 'pm_card_visa', confirm: 'true', 'metadata[order_number]': orderNumber };
  const intent = await answer<{ id: string }>(`payment intent of ${orderNumber}`, () =>
    fetch(`${url}/v1/payment_intents`, { method: 'POST', headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': key }, body: new URLSearchParams(form).toString() }),
  );
  await postToHub(options.hubUrl, {
    specversion: '1.0', id: `captured-${intent.id}`, source: '/pos/payments', type: 'retail.payment.captured.v1', subject: `pay_${intent.id}`, time: now, datacontenttype: 'application/json',
    data: {
      hubId: `pay_${intent.id}`, externalIds: { stripe: intent.id }, sourceSystem: 'stripe', sourceTimestamp: now, version: 1, schemaVersion: 1,
      orderNumber, amount: decimal(total), currency, method: 'card', status: 'captured', processor: { name: 'stripe', reference: intent.id }, idempotencyKey: key, capturedAt: now,
    },
  });
  const first = options.lines[0]!;
  return { orderNumber, channel: 'store', customer, sku: first.product.sku, unitPrice: first.product.listPrice, returnedUnits: options.returnedUnits, paymentIntent: intent.id };
}

/** A storefront checkout shipped from the DC (the Shopify sandbox's checkout route fires `orders/create`); the hub calls it `SHOP-<n>`. */
export async function checkOutInStorefront(options: { sandboxes: RunningSandboxes; customer: DemoCustomer; lines: { product: DemoProduct; quantity: number }[]; locationCode: string; returnedUnits: number }): Promise<ReturnableOrder> {
  const { store, url } = options.sandboxes.shopify;
  const location = [...store.locations.values()].find((candidate) => candidate.name.split(' ')[0] === options.locationCode);
  const customer = [...store.customers.values()].find((candidate) => candidate.email === options.customer.email);
  const placed = await answer<{ order: { order_number: number } }>('the storefront checkout', () =>
    fetch(`${url}/__sandbox/shopify/orders`, {
      method: 'POST',
      ...json({
        email: options.customer.email, customerId: customer?.id ?? null, locationId: location?.id ?? null, shippingPrice: '4.95',
        lineItems: options.lines.map(({ product, quantity }) => ({ sku: product.sku, quantity, price: product.listPrice })),
      }),
    }),
  );
  const first = options.lines[0]!;
  return { orderNumber: `SHOP-${placed.order.order_number}`, channel: 'storefront', customer: options.customer, sku: first.product.sku, unitPrice: first.product.listPrice, returnedUnits: options.returnedUnits };
}

/** The WMS sandbox's whole state (never faulted, not rate-limited): fulfilment orders and return receipts. */
export async function wmsState(sandboxes: RunningSandboxes): Promise<{
  fulfillmentOrders: { id: string; externalOrderId: string; status: string }[];
  returnReceipts: { id: string; rmaNumber: string; status: string; lines: { sku: string; quantityExpected: number; quantityReceived: number }[] }[];
}> {
  return answer('the WMS sandbox state', () => fetch(`${sandboxes.wms.url}/__sandbox/state`));
}

async function wms(sandboxes: RunningSandboxes, path: string, body: unknown): Promise<unknown> {
  const { url, apiKey } = sandboxes.directory.wms;
  return answer(`WMS POST ${path}`, () => fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }));
}

/**
 * The warehouse ships the orders the hub released to it and the carrier delivers them: picked,
 * packed, shipped (with a tracking number) and delivered on each fulfilment order (WMS API), as
 * the traffic's `shipment-milestone` reports them. Waits for every order's release first.
 */
export async function shipAndDeliver(sandboxes: RunningSandboxes, orderNumbers: readonly string[], timeoutMs: number): Promise<void> {
  const released = await eventually(async () => {
    const { fulfillmentOrders } = await wmsState(sandboxes);
    const found = orderNumbers.map((number) => fulfillmentOrders.find((order) => order.externalOrderId === number));
    return found.every((order) => order !== undefined) ? (found as { id: string; externalOrderId: string }[]) : undefined;
  }, `${orderNumbers.length} orders released to the WMS`, timeoutMs);
  for (const order of released) {
    for (const type of ['picked', 'packed', 'shipped', 'delivered'] as const) {
      await wms(sandboxes, `/v1/fulfillment-orders/${encodeURIComponent(order.id)}/events`, { type, ...(type === 'shipped' && { carrier: 'UPS', trackingNumber: `1Z${order.externalOrderId.replace(/\W/g, '')}` }) });
    }
  }
}

async function salesforce<T>(sandboxes: RunningSandboxes, method: string, path: string, body?: unknown): Promise<T> {
  const token = sandboxes.salesforce.createSession();
  const base = `${sandboxes.salesforce.url}/services/data/v${sandboxes.directory.salesforce.apiVersion}`;
  return answer(`Salesforce ${method} ${path}`, () => fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) }, ...(body !== undefined && { body: JSON.stringify(body) }) }));
}

/**
 * Customer service opens a return case per order in Salesforce, as the traffic's
 * `service-return-case` does ("Return request for order <number>"), naming the units and the
 * SKU; `External_Id__c` is the case number the hub's RMA is named after.
 */
export async function openReturnCases(sandboxes: RunningSandboxes, orders: readonly ReturnableOrder[]): Promise<void> {
  const accounts = await salesforce<{ records: { Id: string; External_Id__c: string }[] }>(sandboxes, 'GET', `/query?q=${encodeURIComponent('SELECT Id, External_Id__c FROM Account WHERE External_Id__c != null')}`);
  for (const order of orders) {
    await salesforce(sandboxes, 'POST', '/sobjects/Case', {
      AccountId: accounts.records.find((account) => account.External_Id__c === order.customer.customerNumber)?.Id,
      Subject: `Return request for order ${order.orderNumber}`,
      Description: `Customer wants to return ${order.returnedUnits} unit(s) of sku: ${order.sku}; reason: does-not-fit.`,
      Origin: 'Phone',
      Reason: 'Refund',
      Status: 'New',
      External_Id__c: returnOf(order).caseNumber,
    });
  }
}

/** The dock receives every expected parcel of these RMAs, all units in the given condition (WMS API); answers how many. */
export async function receiveParcels(sandboxes: RunningSandboxes, rmaNumbers: ReadonlySet<string>, condition: string): Promise<number> {
  const expected = (await wmsState(sandboxes)).returnReceipts.filter((receipt) => receipt.status === 'expected' && rmaNumbers.has(receipt.rmaNumber));
  for (const receipt of expected) {
    const lines = receipt.lines.map((line) => ({ sku: line.sku, quantity: line.quantityExpected, condition }));
    await wms(sandboxes, `/v1/return-receipts/${encodeURIComponent(receipt.id)}/receive`, { lines });
  }
  return expected.length;
}

/** The payment provider's ledger (payments sandbox state). */
export async function paymentsLedger(sandboxes: RunningSandboxes): Promise<{
  refunds: { id: string; amount: number; status: string; payment_intent: string; metadata: Record<string, string> }[];
  charges: { id: string; payment_intent: string; amount_captured: number; amount_refunded: number }[];
  idempotencyKeys: number;
}> {
  return answer('the payments sandbox state', () => fetch(`${sandboxes.payments.url}/__sandbox/state`));
}

/** How far the returns have got in each system, for the report of a kill: documents counted where they are. */
export async function returnsFootprint(sandboxes: RunningSandboxes, rmaNumbers: ReadonlySet<string>): Promise<Record<string, number>> {
  const netsuite = sandboxes.netsuite.records.store;
  const rmaIds = new Set(netsuite.list('returnAuthorization').filter((rma) => rma.externalId !== undefined && rmaNumbers.has(rma.externalId)).map((rma) => rma.id));
  const from = (type: 'itemReceipt' | 'creditMemo') => netsuite.list(type).filter((record) => rmaIds.has(String((record.fields.createdFrom as { id?: unknown } | undefined)?.id))).length;
  const [wmsNow, ledger] = await Promise.all([wmsState(sandboxes), paymentsLedger(sandboxes)]);
  const receipts = wmsNow.returnReceipts.filter((receipt) => rmaNumbers.has(receipt.rmaNumber));
  return {
    returnAuthorizations: rmaIds.size,
    expectedAtWms: receipts.filter((receipt) => receipt.status === 'expected').length,
    receivedAtWms: receipts.filter((receipt) => receipt.status === 'received').length,
    itemReceipts: from('itemReceipt'),
    creditMemos: from('creditMemo'),
    customerRefunds: netsuite.list('customerRefund').length,
    paymentRefunds: ledger.refunds.filter((refund) => rmaNumbers.has(refund.metadata.rma_number ?? '')).length,
    storefrontRefunds: [...sandboxes.shopify.store.refunds.values()].filter((refund) => refund.note?.startsWith('Crossdock return ')).length,
  };
}
