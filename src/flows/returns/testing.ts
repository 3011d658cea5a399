import type { CloudEvent } from '../../canonical/cloudevent.ts';
import { createRetailEvent } from '../../canonical/events/create-event.ts';
import { fromMinorUnits, multiplyAmount, sumAmounts, toMinorUnits } from '../../canonical/money.ts';
import type { Order } from '../../canonical/order.ts';
import type { Payment } from '../../canonical/payment.ts';
import { eventually } from '../../ports/conformance/harness.ts';
import { signWebhookBody } from '../../sandboxes/shopify/index.ts';
import { returnPayload } from '../../sandboxes/shopify/webhooks/return-payloads.ts';
import type { RetailWorld } from '../testing/world.ts';

/**
 * Test support for the returns flows' end-to-end tests (not part of the module): orders that
 * exist in every system the way the upstream flows and systems would have made them, created
 * through the systems' own APIs and the real connectors, and readers of the sandboxes' state.
 */

const SALESFORCE_API = 'v62.0';

/**
 * The `flows:` settings for a test world: the given ones, with pending commands looked at every
 * half second at most (the default backs off to a minute, which would make waiting tests slow),
 * and an order and its ERP booking looked for every half second for up to 30 s (the default waits
 * minutes; the NetSuite poller reports a booking once the change has settled, about 5 s).
 */
export function returnsTestSettings(settings: { returns?: Record<string, unknown> } = {}): unknown {
  return { ...settings, returns: { outcomeCheckMaxSeconds: 0.5, orderLookPausesSeconds: Array.from({ length: 60 }, () => 0.5), ...settings.returns } };
}

export interface OrderSpec {
  orderNumber: string;
  /** Default CUST-0001 (a customer every sandbox is seeded with). */
  customerNumber?: string;
  lines: { sku: string; quantity: number }[];
  /** Book it in NetSuite; default true. false: order capture holds it (e.g. a price mismatch), so the ERP never books it. */
  book?: boolean;
  /** Take the card payment (payments sandbox) and report its capture; default true. */
  pay?: boolean;
  /** Ship and deliver through the WMS; default true. A date backdates the delivery. */
  deliver?: boolean | { occurredAt: string };
}

export interface PlacedOrder {
  order: Order;
  paymentIntent?: string;
}

/**
 * An order paid and delivered, as the systems would have it before anyone asks to return it:
 * 1. the checkout posts `retail.order.placed.v1` to the hub's `/events` (as the POS does);
 * 2. the order is booked in NetSuite through the ERP connector (what order capture does) — the
 *    NetSuite poller then reports `retail.order.booked.v1`;
 * 3. the card is charged in the payments sandbox (Stripe API) and the checkout reports the
 *    capture to `/events` as `retail.payment.captured.v1` (no Stripe webhook receiver exists yet);
 * 4. the order is released to the WMS through the WMS connector, and the warehouse reports it
 *    picked, packed, shipped and delivered (WMS API) — its webhooks report the milestones.
 */
export async function placeDeliveredOrder(world: RetailWorld, spec: OrderSpec): Promise<PlacedOrder> {
  const order = orderOf(world, spec);
  await postEvents(world, [createRetailEvent({ type: 'retail.order.placed.v1', data: order, source: 'crossdock://test/checkout', id: `placed-${order.orderNumber}` })]);
  if (spec.book !== false) await bookInNetSuite(world, order);
  let paymentIntent: string | undefined;
  if (spec.pay !== false) paymentIntent = await payFor(world, order);
  if (spec.deliver !== false) await deliver(world, order, spec.deliver === true || spec.deliver === undefined ? undefined : spec.deliver.occurredAt);
  await world.quiet();
  return { order, ...(paymentIntent !== undefined && { paymentIntent }) };
}

function orderOf(world: RetailWorld, spec: OrderSpec): Order {
  const { catalogue } = world.sandboxes.directory;
  const customer = catalogue.customers.find((candidate) => candidate.customerNumber === (spec.customerNumber ?? 'CUST-0001'))!;
  const lines = spec.lines.map((line, index) => {
    const product = catalogue.products.find((candidate) => candidate.sku === line.sku)!;
    const lineTotal = multiplyAmount(product.listPrice, line.quantity);
    return { lineNumber: index + 1, sku: line.sku, name: product.name, quantity: line.quantity, unitPrice: product.listPrice, discounts: [], tax: { amount: '0.00' }, lineTotal };
  });
  const subtotal = sumAmounts(lines.map((line) => line.lineTotal));
  const now = new Date().toISOString();
  return {
    hubId: `ord_${spec.orderNumber}`,
    externalIds: { pos: spec.orderNumber },
    sourceSystem: 'pos',
    sourceTimestamp: now,
    version: 1,
    schemaVersion: 1,
    orderNumber: spec.orderNumber,
    channel: 'web',
    channelOrderId: spec.orderNumber,
    placedAt: now,
    customer: { customerId: customer.customerNumber, email: customer.email },
    currency: catalogue.currency,
    pricesIncludeTax: false,
    lines,
    totals: { subtotal, discountTotal: '0.00', shippingTotal: '0.00', taxTotal: '0.00', grandTotal: subtotal },
    paymentStatus: 'paid',
    fulfilment: {
      method: 'ship',
      locationCode: 'DC-EAST',
      shippingAddress: { recipient: 'Jane Doe', line1: customer.address.line1, city: customer.address.city, region: customer.address.region, postalCode: customer.address.postalCode, country: customer.address.country },
    },
    status: 'placed',
    returnEligibility: { eligible: true },
  };
}

async function payFor(world: RetailWorld, order: Order): Promise<string> {
  const minor = toMinorUnits(order.totals.grandTotal, order.currency);
  const intent = await payments(world, 'POST', '/v1/payment_intents', {
    amount: String(minor),
    currency: order.currency.toLowerCase(),
    payment_method: 'pm_card_visa',
    confirm: 'true',
    'metadata[order_number]': order.orderNumber,
  });
  const id = String(intent.id);
  const payment: Payment = {
    hubId: `pay_${id}`,
    externalIds: { stripe: id },
    sourceSystem: 'stripe',
    sourceTimestamp: new Date().toISOString(),
    version: 1,
    schemaVersion: 1,
    orderNumber: order.orderNumber,
    amount: fromMinorUnits(minor, order.currency),
    currency: order.currency,
    method: 'card',
    status: 'captured',
    processor: { name: 'stripe', reference: id },
    idempotencyKey: `payment-${order.orderNumber}`,
    capturedAt: new Date().toISOString(),
  };
  await postEvents(world, [createRetailEvent({ type: 'retail.payment.captured.v1', data: payment, source: 'crossdock://test/checkout', id: `captured-${id}` })]);
  return id;
}

async function deliver(world: RetailWorld, order: Order, occurredAt: string | undefined): Promise<void> {
  await world.retail.hub.delivery.enqueue([
    { target: 'wms', kind: 'command', key: order.orderNumber, operation: 'releaseFulfillmentOrder', payload: order, idempotencyKey: `test-release-${order.orderNumber}` },
  ]);
  const released = await eventually(async () => {
    const listed = await wms<{ data: { id: string }[] }>(world, 'GET', `/v1/fulfillment-orders?externalOrderId=${encodeURIComponent(order.orderNumber)}`);
    return listed.data[0];
  }, `fulfilment order ${order.orderNumber} in the WMS`, 15_000);
  for (const type of ['picked', 'packed', 'shipped', 'delivered'] as const) {
    const body = { type, ...(type === 'shipped' && { carrier: 'UPS', trackingNumber: `1Z${order.orderNumber.replace(/\W/g, '')}` }), ...(occurredAt !== undefined && { occurredAt }) };
    await wms(world, 'POST', `/v1/fulfillment-orders/${released.id}/events`, body);
  }
}

/** The order booked in NetSuite through the ERP connector (what order capture does); the NetSuite poller then reports `retail.order.booked.v1`. */
export async function bookInNetSuite(world: RetailWorld, order: Order): Promise<void> {
  await world.retail.hub.delivery.enqueue([
    { target: 'erp', kind: 'command', key: order.orderNumber, operation: 'bookOrder', payload: order, idempotencyKey: `test-book-${order.orderNumber}` },
  ]);
  await eventually(() => world.sandboxes.netsuite.records.store.getByExternalId('salesOrder', order.orderNumber), `sales order ${order.orderNumber} in NetSuite`, 15_000);
}

/**
 * A storefront order (Shopify checkout, whose webhook reports it), booked in NetSuite through the
 * ERP connector on a known customer (order capture's job) and delivered through the WMS.
 */
export async function placeDeliveredStorefrontOrder(world: RetailWorld, lines: { sku: string; quantity: number }[]): Promise<{ order: Order; shopifyOrderId: number; lineItemIds: number[] }> {
  const placed = placeStorefrontOrder(world, lines);
  await world.quiet();
  const order = await storefrontOrderPlaced(world, placed.orderNumber);
  await bookStorefrontOrder(world, order);
  await deliverStorefrontOrder(world, order);
  await world.quiet();
  return { order, shopifyOrderId: placed.shopifyOrderId, lineItemIds: placed.lineItemIds };
}

/** An order placed at the Shopify checkout; its orders/create webhook goes to the hub (faults permitting). */
export function placeStorefrontOrder(world: RetailWorld, lines: { sku: string; quantity: number }[]): { orderNumber: string; shopifyOrderId: number; lineItemIds: number[] } {
  const placed = world.sandboxes.shopify.placeOrder({ email: 'jane.doe@example.com', lineItems: lines });
  if (!placed.ok) throw new Error(`the Shopify sandbox refused the order: ${JSON.stringify(placed)}`);
  return { orderNumber: `SHOP-${placed.value.number}`, shopifyOrderId: placed.value.id, lineItemIds: placed.value.lineItems.map((line) => line.id) };
}

/** The storefront order as the hub logged it (`retail.order.placed.v1`), once its webhook came in. */
export async function storefrontOrderPlaced(world: RetailWorld, orderNumber: string): Promise<Order> {
  const logged = await eventually(async () => (await world.adapters.bus.find({ type: 'retail.order.placed.v1', subject: orderNumber, limit: 1 }))[0], `retail.order.placed.v1 for ${orderNumber} in the log`, 15_000);
  return logged.event.data as Order;
}

/** A storefront order as order capture hands it on: on a known customer, fulfilled from the DC. */
function fulfilledAs(order: Order): Order {
  return { ...order, customer: { ...order.customer, customerId: 'CUST-0001' }, fulfilment: { ...order.fulfilment, locationCode: 'DC-EAST', shippingAddress: { line1: '12 Acacia Avenue', city: 'Chicago', region: 'IL', postalCode: '60601', country: 'US' } } };
}

/** A storefront order booked in NetSuite as order capture would (see `placeDeliveredStorefrontOrder`). */
export function bookStorefrontOrder(world: RetailWorld, order: Order): Promise<void> {
  return bookInNetSuite(world, fulfilledAs(order));
}

/** A storefront order delivered through the WMS (released, picked, packed, shipped, delivered), on `occurredAt` if given. */
export function deliverStorefrontOrder(world: RetailWorld, order: Order, occurredAt?: string): Promise<void> {
  return deliver(world, fulfilledAs(order), occurredAt);
}

/**
 * The storefront order marked fulfilled in Shopify (`fulfillmentCreate`, what the shipments flow
 * does once the WMS ships): a customer can ask to return only fulfilled units. Answers the
 * fulfilment line item gid of each SKU.
 */
export async function fulfilInStorefront(world: RetailWorld, shopifyOrderId: number): Promise<Record<string, string>> {
  const orderGid = `gid://shopify/Order/${shopifyOrderId}`;
  const state = await shopifyGraphQL<{ order: { fulfillmentOrders: { nodes: { id: string }[] } } }>(world, `query($id: ID!) { order(id: $id) { fulfillmentOrders(first: 5) { nodes { id } } } }`, { id: orderGid });
  const shipped = await shopifyGraphQL<{ fulfillmentCreate: { fulfillment: { fulfillmentLineItems: { nodes: { id: string; lineItem: { sku: string } }[] } } | null; userErrors: unknown[] } }>(
    world,
    `mutation($f: FulfillmentInput!) { fulfillmentCreate(fulfillment: $f) { fulfillment { fulfillmentLineItems(first: 50) { nodes { id lineItem { sku } } } } userErrors { message } } }`,
    { f: { lineItemsByFulfillmentOrder: state.order.fulfillmentOrders.nodes.map((node) => ({ fulfillmentOrderId: node.id })), trackingInfo: { company: 'UPS', number: `1ZSHOP${shopifyOrderId}` } } },
  );
  if (!shipped.fulfillmentCreate.fulfillment) throw new Error(`Shopify refused the fulfilment: ${JSON.stringify(shipped.fulfillmentCreate.userErrors)}`);
  return Object.fromEntries(shipped.fulfillmentCreate.fulfillment.fulfillmentLineItems.nodes.map((node) => [node.lineItem.sku, node.id]));
}

/**
 * A customer asks to return fulfilled units from their account (Shopify `returnRequest`, status
 * REQUESTED; its returns/request webhook goes to the hub). Answers the Shopify return's gid and
 * the RMA number the hub gives it.
 */
export async function requestReturnInStorefront(
  world: RetailWorld,
  options: { shopifyOrderId: number; lines: { fulfillmentLineItemId: string; quantity: number; returnReason: string; customerNote?: string }[] },
): Promise<{ returnId: string; rmaNumber: string }> {
  const requested = await shopifyGraphQL<{ returnRequest: { return: { id: string } | null; userErrors: unknown[] } }>(
    world,
    `mutation($input: ReturnRequestInput!) { returnRequest(input: $input) { return { id } userErrors { field message code } } }`,
    { input: { orderId: `gid://shopify/Order/${options.shopifyOrderId}`, returnLineItems: options.lines } },
  );
  if (!requested.returnRequest.return) throw new Error(`Shopify refused the return request: ${JSON.stringify(requested.returnRequest.userErrors)}`);
  const returnId = requested.returnRequest.return.id;
  return { returnId, rmaNumber: `RMA-SRQ-${returnId.split('/').pop()}` };
}

/**
 * Sends the hub a returns/request webhook of a Shopify return again, signed as Shopify signs it:
 * under the first delivery's webhook id (a redelivery) or a new one (a second delivery of the
 * same event), with the return as it is now (so possibly already approved: a late duplicate).
 */
export async function resendReturnRequestWebhook(world: RetailWorld, returnId: string, options: { webhookId?: string } = {}): Promise<number> {
  const shopify = world.sandboxes.shopify;
  const record = shopify.store.returns.get(Number(returnId.split('/').pop()));
  const order = record && shopify.store.orders.get(record.orderId);
  if (!record || !order) throw new Error(`the Shopify sandbox has no return ${returnId}`);
  const body = JSON.stringify(returnPayload(record, order));
  const response = await fetch(`${world.baseUrl}/webhooks/commerce`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'X-Shopify-Topic': 'returns/request',
      'X-Shopify-Hmac-Sha256': signWebhookBody(body, shopify.clientSecret),
      'X-Shopify-Shop-Domain': shopify.shopDomain,
      'X-Shopify-API-Version': world.sandboxes.directory.shopify.apiVersion,
      'X-Shopify-Webhook-Id': options.webhookId ?? `resent-${returnId.split('/').pop()}-${Date.now()}`,
      'X-Shopify-Triggered-At': record.createdAt,
    },
    body,
  });
  return response.status;
}

/** The webhook id of the first returns/request delivery the sandbox made for a return (the sandbox's delivery log). */
export function firstReturnRequestWebhookId(world: RetailWorld): string | undefined {
  return world.sandboxes.shopify.webhooks.emitter.deliveries.find((delivery) => delivery.topic === 'returns/request')?.id;
}

/** The Shopify return as the sandbox holds it (status, decline reason and note). */
export function shopifyReturn(world: RetailWorld, returnId: string): { status: string; decline: { reason: string; note: string | null } | null } | undefined {
  return world.sandboxes.shopify.store.returns.get(Number(returnId.split('/').pop()));
}

/** A return taken at the storefront and refunded there (as the traffic generator's `storefront-return`). */
export async function refundInStorefront(world: RetailWorld, options: { shopifyOrderId: number; lineItemId: number; quantity: number; amount: string; note: string; key: string }): Promise<void> {
  const { url, apiVersion, accessToken } = world.sandboxes.directory.shopify;
  const orderGid = `gid://shopify/Order/${options.shopifyOrderId}`;
  const response = await fetch(`${url}/admin/api/${apiVersion}/graphql.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': accessToken },
    body: JSON.stringify({
      query: `mutation Refund($input: RefundInput!, $key: String!) { refundCreate(input: $input) @idempotent(key: $key) { refund { id } userErrors { field message } } }`,
      variables: {
        key: options.key,
        input: {
          orderId: orderGid,
          note: options.note,
          refundLineItems: [{ lineItemId: `gid://shopify/LineItem/${options.lineItemId}`, quantity: options.quantity, restockType: 'NO_RESTOCK' }],
          transactions: [{ orderId: orderGid, amount: options.amount, kind: 'REFUND', gateway: 'shopify_payments' }],
        },
      },
    }),
  });
  const body = (await response.json()) as { data?: { refundCreate?: { refund: { id: string } | null; userErrors: unknown[] } } };
  if (!body.data?.refundCreate?.refund) throw new Error(`Shopify refused the refund: ${JSON.stringify(body)}`);
}

/** A return asked for the way customer service does it: a Salesforce Case (as the traffic generator's `service-return-case`). */
export async function openReturnCase(world: RetailWorld, options: { caseNumber: string; orderNumber: string; description: string; customerNumber?: string }): Promise<void> {
  const account = await salesforce<{ records: { Id: string }[] }>(world, 'GET', `/query?q=${encodeURIComponent(`SELECT Id FROM Account WHERE External_Id__c = '${options.customerNumber ?? 'CUST-0001'}'`)}`);
  await salesforce(world, 'POST', '/sobjects/Case', {
    AccountId: account.records[0]?.Id,
    Subject: `Return request for order ${options.orderNumber}`,
    Description: options.description,
    Origin: 'Phone',
    Reason: 'Refund',
    Status: 'New',
    External_Id__c: options.caseNumber,
  });
  // The Case poller's next run, now rather than on its schedule. A poll refused by an injected
  // throttle is not the test's concern: the scheduled poll runs again.
  await world.pollNow().catch(() => undefined);
}

/** The warehouse receives the returned parcel of an RMA (WMS API); its webhook reports `retail.return.received.v1`. */
export async function receiveAtWarehouse(world: RetailWorld, rmaNumber: string, lines: { sku: string; quantity: number; condition: string }[]): Promise<void> {
  const receipt = await eventually(() => wmsReceipt(world, rmaNumber), `expected receipt ${rmaNumber} in the WMS`, 15_000);
  await wms(world, 'POST', `/v1/return-receipts/${receipt.id}/receive`, { lines });
}

// ── reading the systems ──────────────────────────────────────────────────────────────────

export async function wmsReceipt(world: RetailWorld, rmaNumber: string): Promise<{ id: string; status: string; lines: { sku: string; quantityExpected: number; quantityReceived: number }[] } | undefined> {
  const listed = await wms<{ data: { id: string; rmaNumber: string; status: string; lines: { sku: string; quantityExpected: number; quantityReceived: number }[] }[] }>(world, 'GET', '/v1/return-receipts?limit=100');
  return listed.data.find((receipt) => receipt.rmaNumber === rmaNumber);
}

/** NetSuite documents of an RMA: the return authorization and the receipts, memos and refunds made from it. */
export function netsuiteDocuments(world: RetailWorld, rmaNumber: string) {
  const store = world.sandboxes.netsuite.records.store;
  const rma = store.getByExternalId('returnAuthorization', rmaNumber);
  const from = (type: 'itemReceipt' | 'creditMemo') => store.list(type).filter((record) => rma !== undefined && (record.fields.createdFrom as { id?: string } | undefined)?.id === rma.id);
  const memos = from('creditMemo');
  const customerRefunds = store.list('customerRefund').filter((refund) =>
    ((refund.fields.apply as { items?: { doc?: { id?: string } }[] } | undefined)?.items ?? []).some((line) => memos.some((memo) => memo.id === line.doc?.id)),
  );
  return { rma, receipts: from('itemReceipt'), memos, customerRefunds };
}

export async function paymentRefunds(world: RetailWorld, rmaNumber?: string): Promise<{ id: string; amount: number; status: string; payment_intent: string; metadata: Record<string, string> }[]> {
  const response = await fetch(`${world.sandboxes.payments.url}/__sandbox/state`);
  const state = (await response.json()) as { refunds: { id: string; amount: number; status: string; payment_intent: string; metadata: Record<string, string> }[] };
  return state.refunds.filter((refund) => rmaNumber === undefined || refund.metadata.rma_number === rmaNumber);
}

/** Refunds in the Shopify sandbox, with their note (the hub's own say "Crossdock return <RMA>"). */
export async function shopifyRefunds(world: RetailWorld): Promise<{ id: number; note: string | null; amountCents: number }[]> {
  const response = await fetch(`${world.sandboxes.shopify.url}/__sandbox/state`);
  const state = (await response.json()) as { refunds: { id: number; note: string | null; amountCents: number }[] };
  return state.refunds;
}

export function salesforceRecord(world: RetailWorld, object: 'Case' | 'Return__c', externalId: string): Record<string, unknown> | undefined {
  const records = world.sandboxes.salesforce.org.snapshot().records[object] ?? [];
  return records.find((record) => record.External_Id__c === externalId) as Record<string, unknown> | undefined;
}

// ── calling the systems ──────────────────────────────────────────────────────────────────

async function shopifyGraphQL<T>(world: RetailWorld, query: string, variables: Record<string, unknown>): Promise<T> {
  const { url, apiVersion, accessToken } = world.sandboxes.directory.shopify;
  const response = await politely(() =>
    fetch(`${url}/admin/api/${apiVersion}/graphql.json`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-shopify-access-token': accessToken }, body: JSON.stringify({ query, variables }) }),
  );
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (!response.ok || !body.data) throw new Error(`Shopify answered ${response.status}: ${JSON.stringify(body)}`);
  return body.data;
}

async function postEvents(world: RetailWorld, events: CloudEvent[]): Promise<void> {
  for (const event of events) {
    const response = await fetch(`${world.baseUrl}/events`, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(event) });
    if (response.status !== 202) throw new Error(`POST /events ${event.type} answered ${response.status}: ${await response.text()}`);
  }
}

async function payments(world: RetailWorld, method: string, path: string, form: Record<string, string>): Promise<Record<string, unknown>> {
  const { url, secretKey } = world.sandboxes.directory.payments;
  const response = await politely(() => fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() }));
  const body = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`payments ${method} ${path} answered ${response.status}: ${JSON.stringify(body)}`);
  return body;
}

async function wms<T = unknown>(world: RetailWorld, method: string, path: string, body?: unknown): Promise<T> {
  const { url, apiKey } = world.sandboxes.directory.wms;
  // The WMS allows 10 requests a second per key, shared with the hub's connector.
  const response = await politely(() => fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${apiKey}`, ...(body !== undefined && { 'content-type': 'application/json' }) }, ...(body !== undefined && { body: JSON.stringify(body) }) }));
  const parsed = (await response.json()) as T;
  if (!response.ok) throw new Error(`WMS ${method} ${path} answered ${response.status}: ${JSON.stringify(parsed)}`);
  return parsed;
}

async function salesforce<T = unknown>(world: RetailWorld, method: string, path: string, body?: unknown): Promise<T> {
  const token = world.sandboxes.salesforce.createSession();
  const response = await politely(() =>
    fetch(`${world.sandboxes.salesforce.url}/services/data/${SALESFORCE_API}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    }),
  );
  const parsed = (await response.json()) as T;
  if (!response.ok) throw new Error(`Salesforce ${method} ${path} answered ${response.status}: ${JSON.stringify(parsed)}`);
  return parsed;
}

/** Sends again after a 429, waiting as the answer says (tests share the systems' limits with the hub, and inject 429 storms). */
async function politely(send: () => Promise<Response>): Promise<Response> {
  let response = await send();
  for (let attempt = 0; response.status === 429 && attempt < 20; attempt++) {
    const seconds = Number(response.headers.get('retry-after') ?? '1');
    await new Promise((resolve) => setTimeout(resolve, (Number.isFinite(seconds) ? Math.min(seconds, 2) : 1) * 1_000));
    response = await send();
  }
  return response;
}
