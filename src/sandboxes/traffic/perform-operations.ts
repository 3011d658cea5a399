import { ActionKind, ReturnReason, StorefrontReturnPath } from './actions.ts';
import type { CustomerEditAction, ErpOutageAction, Milestone, ReturnAction, ShipmentMilestoneAction, StockMovementAction, StockReceiptAction } from './actions.ts';
import { ActionOutcome } from './counters.ts';
import type { ActionResult } from './counters.ts';
import { graphqlOutcome, outcomeOf, skipped, worst } from './execution.ts';
import type { ExecutionContext, PlacedOrder } from './execution.ts';
import { requestStorefrontReturn } from './perform-return-request.ts';

const NEXT_MILESTONE: Record<string, Milestone | undefined> = {
  received: 'picked',
  picked: 'packed',
  packed: 'shipped',
  partially_shipped: 'shipped',
  shipped: 'delivered',
};
/** Statuses read back from the WMS when the generator knows no open order (the hub released them). */
const OPEN_STATUSES = ['shipped', 'packed', 'picked', 'partially_shipped', 'received'] as const;
const WAREHOUSE_REFRESH_MS = 2_000;

/** Goods arrive at the DC: the WMS books the receipt, the ERP posts it against the purchase order. */
export async function receiveStock(context: ExecutionContext, action: StockReceiptAction): Promise<ActionResult> {
  const wms = outcomeOf('wms', await context.clients.wms('POST', '/v1/stock-adjustments', { sku: action.sku, quantity: action.quantity, reason: 'receipt', note: action.reference }));
  const erp = outcomeOf(
    'netsuite',
    await context.clients.netsuite('POST', '/record/v1/inventoryAdjustment', {
      memo: `Receipt ${action.reference}`,
      adjLocation: { externalId: action.locationCode },
      inventory: { items: [{ item: { externalId: `ITEM-${action.sku}` }, location: { externalId: action.locationCode }, adjustQtyBy: action.quantity }] },
    }),
  );
  return worst(wms, erp);
}

/**
 * Transfers are run from the ERP (an adjustment out of one location and into another); counts,
 * shrinkage and damage are found in the warehouse and booked in the WMS.
 */
export async function moveStock(context: ExecutionContext, action: StockMovementAction): Promise<ActionResult> {
  if (action.movement === 'transfer') {
    const line = (location: string, adjustQtyBy: number) => ({ item: { externalId: `ITEM-${action.sku}` }, location: { externalId: location }, adjustQtyBy });
    return outcomeOf(
      'netsuite',
      await context.clients.netsuite('POST', '/record/v1/inventoryAdjustment', {
        memo: `Transfer ${action.fromLocationCode} → ${action.toLocationCode ?? ''}`,
        inventory: { items: [line(action.fromLocationCode, -action.quantity), line(action.toLocationCode ?? '', action.quantity)] },
      }),
    );
  }
  const reason = action.movement === 'cycle-count' ? 'cycle_count' : action.movement;
  const quantity = action.movement === 'cycle-count' ? action.quantity : -Math.abs(action.quantity);
  return outcomeOf('wms', await context.clients.wms('POST', '/v1/stock-adjustments', { sku: action.sku, quantity, reason }));
}

/** The warehouse reports the next milestone of a released fulfilment order (FIFO, or the given order). */
export async function reportMilestone(context: ExecutionContext, action: ShipmentMilestoneAction): Promise<ActionResult> {
  const target = action.orderRef ? await fulfilmentOrderOf(context, action.orderRef) : await oldestOpenOrder(context);
  if (!target) return skipped('no released fulfilment order to move');
  const milestone = action.milestone ?? NEXT_MILESTONE[target.status];
  if (!milestone) return skipped(`fulfilment order is ${target.status}`);
  const body = milestone === 'shipped' ? { type: milestone, carrier: action.carrier, trackingNumber: action.trackingNumber } : { type: milestone };
  const reply = await context.clients.wms('POST', `/v1/fulfillment-orders/${encodeURIComponent(target.id)}/events`, body);
  const result = outcomeOf('wms', reply);
  const status = (reply.body as { status?: string } | null)?.status;
  if (result.outcome === ActionOutcome.ok) {
    if (status === 'delivered' || milestone === 'delivered') context.warehouse.open.delete(target.id);
    else context.warehouse.open.set(target.id, status ?? milestone);
  } else if (result.outcome === ActionOutcome.rejected) {
    // The order cannot move (held, short of stock): stop picking it first.
    context.warehouse.open.delete(target.id);
  }
  return result;
}

async function fulfilmentOrderOf(context: ExecutionContext, orderRef: string): Promise<{ id: string; status: string } | undefined> {
  const placed = context.orders.get(orderRef);
  const id = placed?.fulfilmentOrderId;
  if (id) return { id, status: context.warehouse.open.get(id) ?? 'delivered' };
  const reply = await context.clients.wms('GET', `/v1/fulfillment-orders?externalOrderId=${encodeURIComponent(placed?.orderNumber ?? `${orderRef}${context.runTag}`)}`);
  const found = (reply.body as { data?: { id: string; status: string }[] } | null)?.data?.[0];
  return found ? { id: found.id, status: found.status } : undefined;
}

async function oldestOpenOrder(context: ExecutionContext): Promise<{ id: string; status: string } | undefined> {
  const first = (await openFulfilmentOrders(context)).entries().next().value;
  return first ? { id: first[0], status: first[1] } : undefined;
}

/**
 * The released fulfilment orders the run knows open, id → status, in the order the warehouse
 * works them; read from the WMS when none are known, or on `readNew` (at most every 2 s).
 */
export async function openFulfilmentOrders(context: ExecutionContext, options: { readNew?: boolean } = {}): Promise<Map<string, string>> {
  const { warehouse } = context;
  if ((warehouse.open.size === 0 || options.readNew) && context.clock() - warehouse.refreshedAt >= WAREHOUSE_REFRESH_MS) {
    warehouse.refreshedAt = context.clock();
    for (const status of OPEN_STATUSES) {
      const reply = await context.clients.wms('GET', `/v1/fulfillment-orders?status=${status}&limit=100`);
      for (const order of (reply.body as { data?: { id: string; status: string }[] } | null)?.data ?? []) warehouse.open.set(order.id, order.status);
    }
  }
  return warehouse.open;
}

const CASE_REASON: Record<ReturnReason, string> = {
  [ReturnReason.damaged]: 'Damaged Item',
  [ReturnReason.wrongItem]: 'Wrong Item',
  [ReturnReason.doesNotFit]: 'Refund',
  [ReturnReason.changedMind]: 'Refund',
  [ReturnReason.lateDelivery]: 'Delivery',
};

/**
 * The order number the hub knows an order by: a storefront order by Shopify's own number
 * (`SHOP-1001`, the order mapping's rule); a till sale or a B2B order by the number the
 * generator gave it.
 */
export function hubOrderNumber(order: PlacedOrder): string {
  return order.shopify?.orderNumber !== undefined ? `SHOP-${order.shopify.orderNumber}` : order.orderNumber;
}

function returnedOrder(context: ExecutionContext, action: ReturnAction, kind: PlacedOrder['kind'] | 'any'): PlacedOrder | undefined {
  if (action.orderRef) return context.orders.get(action.orderRef);
  return [...context.orders.values()].reverse().find((order) => kind === 'any' || order.kind === kind);
}

/**
 * A storefront return: most are the shopper's request through the Returns API (the merchant
 * approves or declines it); the others the merchant takes back and refunds at once.
 */
export async function returnToStorefront(context: ExecutionContext, action: ReturnAction): Promise<ActionResult> {
  const order = returnedOrder(context, action, ActionKind.storefrontOrder);
  return action.via === StorefrontReturnPath.returnRequest ? requestStorefrontReturn(context, action, order) : refundStorefrontReturn(context, action, order);
}

/** A storefront return the merchant refunds in Shopify with the reason, restocked at the order's location. */
async function refundStorefrontReturn(context: ExecutionContext, action: ReturnAction, order: PlacedOrder | undefined): Promise<ActionResult> {
  const line = order?.shopify?.lineItems[0];
  if (!order?.shopify || !line) return skipped('the returned order was not placed in Shopify');
  const ids = await context.lookups.shopifyIds();
  const quantity = Math.min(action.quantity, order.lines[0]?.quantity ?? 1);
  const amount = (Number(line.unitPrice) * quantity).toFixed(2);
  const locationId = ids.locationIdByCode.get(order.locationCode);
  const reply = await context.clients.shopifyGraphql(
    `mutation Refund($input: RefundInput!, $key: String!) {
      refundCreate(input: $input) @idempotent(key: $key) { refund { id } userErrors { field message } }
    }`,
    {
      key: `return-${order.orderNumber}-${action.sequence}`,
      input: {
        orderId: order.shopify.orderGid,
        note: `Return: ${action.reason}`,
        refundLineItems: [{ lineItemId: line.gid, quantity, restockType: locationId ? 'RETURN' : 'NO_RESTOCK', ...(locationId ? { locationId } : {}) }],
        transactions: [{ orderId: order.shopify.orderGid, amount, kind: 'REFUND', gateway: 'shopify_payments' }],
      },
    },
  );
  return graphqlOutcome(reply, 'refundCreate').result;
}

/** A return a customer asks customer service for: a Salesforce Case with the reason. */
export async function openReturnCase(context: ExecutionContext, action: ReturnAction): Promise<ActionResult> {
  const ids = await context.lookups.salesforceIds();
  const order = returnedOrder(context, action, 'any');
  const reference = order ? hubOrderNumber(order) : `${action.orderRef ?? 'no-order'}${context.runTag}`;
  const reply = await context.clients.salesforce('POST', '/sobjects/Case', {
    AccountId: ids.accountIdByCustomerNumber.get(action.customerNumber),
    Subject: `Return request for order ${reference}`,
    Description: `Customer wants to return ${action.quantity} unit(s); reason: ${action.reason}.`,
    Origin: 'Phone',
    Reason: CASE_REASON[action.reason],
    Status: 'New',
    External_Id__c: `CASE-${reference}-${action.sequence}`,
  });
  return outcomeOf('salesforce', reply);
}

/** A profile change made in one system, as its own users would make it there. */
export async function editCustomer(context: ExecutionContext, action: CustomerEditAction): Promise<ActionResult> {
  const { changes } = action;
  if (action.system === 'salesforce') {
    const id = (await context.lookups.salesforceIds()).accountIdByCustomerNumber.get(action.customerNumber);
    if (!id) return skipped(`no Salesforce account ${action.customerNumber}`);
    const fields = {
      ...(changes.phone ? { PersonMobilePhone: changes.phone } : {}),
      ...(changes.city ? { BillingCity: changes.city } : {}),
      ...(changes.marketingOptIn !== undefined ? { PersonHasOptedOutOfEmail: !changes.marketingOptIn } : {}),
      ...(changes.note ? { Description: changes.note } : {}),
    };
    return outcomeOf('salesforce', await context.clients.salesforce('PATCH', `/sobjects/Account/${id}`, fields));
  }
  if (action.system === 'shopify') {
    const customer = context.catalogue.customers.find((c) => c.customerNumber === action.customerNumber);
    const id = customer ? (await context.lookups.shopifyIds()).customerIdByEmail.get(customer.email.toLowerCase()) : undefined;
    if (!id) return skipped(`no Shopify customer for ${action.customerNumber}`);
    // The sandbox's CustomerInput has no addresses or consent fields: a move and a consent change are recorded as note and tags.
    const input = {
      id,
      ...(changes.phone ? { phone: changes.phone } : {}),
      ...(changes.note ? { note: changes.note } : {}),
      ...(changes.city ? { note: `Moved to ${changes.city}` } : {}),
      ...(changes.marketingOptIn !== undefined ? { tags: [changes.marketingOptIn ? 'newsletter' : 'no-newsletter'] } : {}),
    };
    const reply = await context.clients.shopifyGraphql(
      'mutation Edit($input: CustomerInput!) { customerUpdate(input: $input) { customer { id } userErrors { field message } } }',
      { input },
    );
    return graphqlOutcome(reply, 'customerUpdate').result;
  }
  const fields = {
    ...(changes.phone ? { phone: changes.phone } : {}),
    ...(changes.city ? { addressBook: { items: [{ defaultBilling: true, defaultShipping: true, addressBookAddress: { city: changes.city } }] } } : {}),
    // Global subscription status: 1 soft opt-in, 2 soft opt-out.
    ...(changes.marketingOptIn !== undefined ? { globalSubscriptionStatus: { id: changes.marketingOptIn ? '1' : '2' } } : {}),
    ...(changes.note ? { comments: changes.note } : {}),
  };
  return outcomeOf('netsuite', await context.clients.netsuite('PATCH', `/record/v1/customer/eid:${encodeURIComponent(action.customerNumber)}`, fields));
}

/** The ERP goes down: a downtime window on the NetSuite sandbox, from now for the outage's length. */
export async function startErpOutage(context: ExecutionContext, action: ErpOutageAction): Promise<ActionResult> {
  const from = context.clock();
  const reply = await context.clients.updateFaults('netsuite', (faults) => ({
    ...faults,
    downtime: [...((faults.downtime as unknown[] | undefined) ?? []), { from, to: from + action.durationMs }],
  }));
  return outcomeOf('netsuite', reply);
}
