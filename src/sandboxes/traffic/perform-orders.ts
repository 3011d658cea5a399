import { ActionKind, BadData } from './actions.ts';
import type { OrderAction, PaymentAction } from './actions.ts';
import { ActionOutcome } from './counters.ts';
import type { ActionResult } from './counters.ts';
import { displayName } from './demo-data.ts';
import type { DemoCustomer } from './demo-data.ts';
import { outcomeOf, skipped, worst } from './execution.ts';
import type { ExecutionContext, PlacedOrder } from './execution.ts';

const cents = (price: string) => Math.round(Number(price) * 100);
const money = (minor: number) => (minor / 100).toFixed(2);

function customerOf(context: ExecutionContext, customerNumber: string): DemoCustomer | undefined {
  return context.catalogue.customers.find((customer) => customer.customerNumber === customerNumber);
}

function remember(context: ExecutionContext, action: OrderAction, extra: Partial<PlacedOrder>): PlacedOrder {
  const placed: PlacedOrder = {
    kind: action.kind, orderRef: action.orderRef, orderNumber: `${action.orderRef}${context.runTag}`,
    customerNumber: action.customerNumber, locationCode: action.locationCode, lines: action.lines, ...extra,
  };
  context.orders.set(action.orderRef, placed);
  return placed;
}

/** Storefront checkout through the Shopify sandbox's admin route: Shopify fires orders/create. */
export async function placeStorefrontOrder(context: ExecutionContext, action: OrderAction): Promise<ActionResult> {
  const ids = await context.lookups.shopifyIds();
  const customer = customerOf(context, action.customerNumber);
  const malformed = action.badData === BadData.malformedPayload;
  const reply = await context.clients.shopifyStorefrontCheckout({
    email: customer?.email ?? null,
    customerId: customer ? (ids.customerIdByEmail.get(customer.email.toLowerCase()) ?? null) : null,
    locationId: ids.locationIdByCode.get(action.locationCode) ?? null,
    // A broken checkout integration: zero quantities.
    lineItems: action.lines.map((line) => ({ sku: line.sku, quantity: malformed ? 0 : line.quantity, price: line.unitPrice })),
    shippingPrice: '4.95',
    note: `Order ${action.orderRef}${context.runTag}`,
    tags: ['crossdock-traffic', ...(action.badData ? [`bad-data:${action.badData}`] : [])],
  });
  const result = outcomeOf('shopify', reply);
  if (result.outcome !== ActionOutcome.ok) return result;
  const order = (reply.body as { order?: { admin_graphql_api_id: string; order_number?: number; line_items: { admin_graphql_api_id: string; sku: string; price: string }[] } }).order;
  const placed = remember(context, action, {
    ...(order
      ? {
          shopify: {
            orderGid: order.admin_graphql_api_id,
            ...(typeof order.order_number === 'number' && { orderNumber: order.order_number }),
            lineItems: order.line_items.map((l) => ({ gid: l.admin_graphql_api_id, sku: l.sku, unitPrice: l.price })),
          },
        }
      : {}),
  });
  return releaseToWarehouse(context, placed, result);
}

/** A till sale: the POS posts `retail.order.placed.v1` in structured mode to the hub. */
export async function postStoreOrder(context: ExecutionContext, action: OrderAction): Promise<ActionResult> {
  if (!context.clients.hub) return skipped('no hub endpoint: POS events need the hub URL');
  const customer = customerOf(context, action.customerNumber);
  const now = new Date(context.clock()).toISOString();
  const orderNumber = `${action.orderRef}${context.runTag}`;
  const event: Record<string, unknown> = {
    specversion: '1.0',
    id: `pos-${action.locationCode}-${orderNumber}`,
    source: `/pos/${action.locationCode.toLowerCase()}`,
    type: 'retail.order.placed.v1',
    subject: orderNumber,
    time: now,
    datacontenttype: 'application/json',
    data: posOrder({ action, orderNumber, customer, now, currency: context.catalogue.currency }),
  };
  // The malformed POS payload of the scenario: an event without its required `type`.
  if (action.badData === BadData.malformedPayload) delete event.type;
  const result = outcomeOf('hub', await context.clients.hubEvent(event));
  if (result.outcome === ActionOutcome.ok) remember(context, action, {});
  return result;
}

function posOrder(args: { action: OrderAction; orderNumber: string; customer: DemoCustomer | undefined; now: string; currency: string }) {
  const { action, orderNumber, customer, now } = args;
  const lines = action.lines.map((line, index) => ({
    lineNumber: index + 1, sku: line.sku, name: line.sku, quantity: line.quantity, unitPrice: line.unitPrice,
    discounts: [], tax: { amount: '0.00' }, lineTotal: money(cents(line.unitPrice) * line.quantity),
  }));
  const subtotal = action.lines.reduce((sum, line) => sum + cents(line.unitPrice) * line.quantity, 0);
  return {
    hubId: `ord_${orderNumber}`,
    externalIds: { pos: orderNumber },
    sourceSystem: 'pos',
    sourceTimestamp: now,
    version: 1,
    schemaVersion: 1,
    orderNumber,
    channel: 'store',
    channelOrderId: orderNumber,
    placedAt: now,
    customer: customer ? { name: displayName(customer), email: customer.email } : {},
    currency: args.currency,
    pricesIncludeTax: false,
    lines,
    totals: { subtotal: money(subtotal), discountTotal: '0.00', shippingTotal: '0.00', taxTotal: '0.00', grandTotal: money(subtotal) },
    paymentStatus: 'paid',
    fulfilment: { method: 'pickup', locationCode: action.locationCode },
    status: 'placed',
    returnEligibility: { eligible: true },
  };
}

/**
 * A B2B order keyed in Salesforce: one Composite request (one API call) creating the Order in
 * the standard price book, its order products, and activating it.
 */
export async function placeB2bOrder(context: ExecutionContext, action: OrderAction): Promise<ActionResult> {
  const ids = await context.lookups.salesforceIds();
  const base = `/services/data/v${context.clients.directory.salesforce.apiVersion}/sobjects`;
  const orderNumber = `${action.orderRef}${context.runTag}`;
  const order: Record<string, unknown> = {
    AccountId: ids.accountIdByCustomerNumber.get(action.customerNumber),
    EffectiveDate: new Date(context.clock()).toISOString().slice(0, 10),
    Status: 'Draft',
    Pricebook2Id: context.clients.directory.salesforce.standardPricebookId,
    Type: 'B2B',
    PoNumber: `PO-${orderNumber}`,
    External_Id__c: orderNumber,
  };
  // A malformed portal payload: the order date is missing (REQUIRED_FIELD_MISSING).
  if (action.badData === BadData.malformedPayload) delete order.EffectiveDate;
  const compositeRequest = [
    { method: 'POST', url: `${base}/Order`, referenceId: 'newOrder', body: order },
    ...action.lines.map((line, index) => ({
      method: 'POST', url: `${base}/OrderItem`, referenceId: `line${index + 1}`,
      // An unknown SKU has no price book entry: the id is missing and Salesforce refuses the line.
      body: { OrderId: '@{newOrder.id}', Quantity: line.quantity, UnitPrice: Number(line.unitPrice), ...pricebookEntry(ids.pricebookEntryIdBySku.get(line.sku)) },
    })),
    { method: 'PATCH', url: `${base}/Order/@{newOrder.id}`, referenceId: 'activate', body: { Status: 'Activated' } },
  ];
  const reply = await context.clients.salesforce('POST', '/composite', { allOrNone: true, compositeRequest });
  const result = outcomeOf('salesforce', reply);
  if (result.outcome !== ActionOutcome.ok) return result;
  const responses = (reply.body as { compositeResponse?: { httpStatusCode: number; body: unknown; referenceId: string }[] }).compositeResponse ?? [];
  const failedPart = responses.find((part) => part.httpStatusCode >= 400);
  if (failedPart) return { ...outcomeOf('salesforce', { status: failedPart.httpStatusCode, body: failedPart.body }), detail: `${failedPart.referenceId}: ${JSON.stringify(failedPart.body).slice(0, 160)}` };
  const orderId = (responses.find((part) => part.referenceId === 'newOrder')?.body as { id?: string } | undefined)?.id;
  const placed = remember(context, action, orderId ? { salesforceOrderId: orderId } : {});
  return releaseToWarehouse(context, placed, result);
}

const pricebookEntry = (id: string | undefined) => (id ? { PricebookEntryId: id } : {});

/** The card payment of a till sale, captured at the payment provider with an idempotency key. */
export async function capturePayment(context: ExecutionContext, action: PaymentAction): Promise<ActionResult> {
  const orderNumber = `${action.orderRef}${context.runTag}`;
  // One key per payment (an order may be paid with a card and a gift card); a retry reuses it.
  const key = `payment-${orderNumber}-${action.sequence}`;
  const reply = await context.clients.payments(
    '/v1/payment_intents',
    {
      amount: String(action.amountMinor),
      currency: context.catalogue.currency.toLowerCase(),
      payment_method: 'pm_card_visa',
      confirm: 'true',
      'metadata[order_number]': orderNumber,
      'metadata[tender]': action.method,
    },
    key,
  );
  const captured = outcomeOf('payments', reply);
  const intentId = (reply.body as { id?: unknown } | null)?.id;
  if (captured.outcome !== ActionOutcome.ok || typeof intentId !== 'string' || !context.clients.hub) return captured;
  // The till reports the capture to the hub as it reports the sale: the refund of a return needs it.
  const now = new Date(context.clock()).toISOString();
  const reported = outcomeOf(
    'hub',
    await context.clients.hubEvent({
      specversion: '1.0',
      id: `captured-${intentId}`,
      source: '/pos/payments',
      type: 'retail.payment.captured.v1',
      subject: `pay_${intentId}`,
      time: now,
      datacontenttype: 'application/json',
      data: {
        hubId: `pay_${intentId}`,
        externalIds: { stripe: intentId },
        sourceSystem: 'stripe',
        sourceTimestamp: now,
        version: 1,
        schemaVersion: 1,
        orderNumber,
        amount: money(action.amountMinor),
        currency: context.catalogue.currency,
        method: PAYMENT_METHOD[action.method],
        status: 'captured',
        processor: { name: 'stripe', reference: intentId },
        idempotencyKey: key,
        capturedAt: now,
      },
    }),
  );
  return worst(captured, reported);
}

/** The tender of the till → canonical payment method. */
const PAYMENT_METHOD: Record<PaymentAction['method'], string> = { card: 'card', gift_card: 'gift-card', paypal: 'wallet' };

/**
 * Standing in for the hub when asked to: releases a shipped-from-DC order to the WMS as a
 * fulfilment order, so shipment milestones have something to move.
 */
async function releaseToWarehouse(context: ExecutionContext, placed: PlacedOrder, placedResult: ActionResult): Promise<ActionResult> {
  if (!context.releaseOrdersToWarehouse || placed.kind === ActionKind.storeOrder) return placedResult;
  const customer = customerOf(context, placed.customerNumber);
  const reply = await context.clients.wms('POST', '/v1/fulfillment-orders', {
    externalOrderId: placed.orderNumber,
    shippingMethod: placed.kind === ActionKind.b2bOrder ? 'freight' : 'ground',
    shipTo: {
      name: customer ? displayName(customer) : 'Guest',
      address1: customer?.address.line1 ?? 'Unknown',
      city: customer?.address.city ?? 'Unknown',
      region: customer?.address.region ?? '',
      postalCode: customer?.address.postalCode ?? '00000',
      country: customer?.address.country ?? 'US',
    },
    lines: placed.lines.map((line) => ({ sku: line.sku, quantity: line.quantity })),
  });
  const result = outcomeOf('wms', reply);
  const id = (reply.body as { id?: string } | null)?.id;
  if (result.outcome === ActionOutcome.ok && id) {
    placed.fulfilmentOrderId = id;
    context.warehouse.open.set(id, 'received');
  }
  return result.outcome === ActionOutcome.ok ? placedResult : result;
}
