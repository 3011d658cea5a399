import { ReturnReason } from './actions.ts';
import type { ReturnAction } from './actions.ts';
import { ActionOutcome } from './counters.ts';
import type { ActionResult } from './counters.ts';
import { graphqlOutcome, skipped } from './execution.ts';
import type { ExecutionContext, PlacedOrder } from './execution.ts';

/** Shopify's `ReturnReason` for the generator's reasons (what the shopper picks in the return form). */
const SHOPIFY_RETURN_REASON: Record<ReturnReason, string> = {
  [ReturnReason.damaged]: 'DEFECTIVE',
  [ReturnReason.wrongItem]: 'WRONG_ITEM',
  [ReturnReason.doesNotFit]: 'SIZE_TOO_SMALL',
  [ReturnReason.changedMind]: 'UNWANTED',
  [ReturnReason.lateDelivery]: 'OTHER',
};

/**
 * What Shopify fulfilled of an order. Page sizes are kept small: Shopify charges a query its
 * page sizes multiplied out (5 parcels × 10 lines ≈ 113 points, where 20 × 50 would be over
 * 2,000 and never fit the bucket the hub shares).
 */
const FULFILLED_LINES = `query FulfilledLines($id: ID!) {
  order(id: $id) { fulfillments(first: 5) { fulfillmentLineItems(first: 10) { nodes { id quantity lineItem { id } } } } }
}`;

/** The newest orders Shopify has fulfilled: a shopper asks to return what has arrived. */
const RECENTLY_FULFILLED = `query RecentlyFulfilled {
  orders(first: 10, sortKey: UPDATED_AT, reverse: true, query: "fulfillment_status:fulfilled") { nodes { id } }
}`;

const RETURN_REQUEST = `mutation RequestReturn($input: ReturnRequestInput!) {
  returnRequest(input: $input) { return { id status } userErrors { field message } }
}`;

interface FulfilledLine {
  id: string;
  quantity: number;
  lineItem: { id: string } | null;
}

/**
 * A shopper asks for a return in the storefront: the Returns API's `returnRequest` for the
 * order's first line, on what Shopify has fulfilled of it (a return names fulfillment line
 * items). Only a shopper whose parcel arrived asks, so when the planned order is not fulfilled
 * yet the newest fulfilled storefront order of this run not returned yet is taken instead;
 * without one the action is skipped. Shopify fires returns/request; the merchant (the hub)
 * approves or declines it.
 */
export async function requestStorefrontReturn(context: ExecutionContext, action: ReturnAction, planned: PlacedOrder | undefined): Promise<ActionResult> {
  const notAsked = (order: PlacedOrder) => !context.returnsRequested.has(order.orderRef);
  if (planned?.shopify && notAsked(planned)) {
    const outcome = await requestOnFulfilledLine(context, action, planned);
    if (outcome) return outcome;
  }
  // Only when the planned order cannot be returned: one more read, of the recently fulfilled.
  for (const order of (await recentlyFulfilled(context)).filter((candidate) => candidate !== planned && notAsked(candidate))) {
    const outcome = await requestOnFulfilledLine(context, action, order);
    if (outcome) return outcome;
  }
  if (!planned?.shopify) return skipped('the returned order was not placed in Shopify, and Shopify has fulfilled no other order of this run');
  return skipped(`Shopify has not fulfilled ${planned.shopify.lineItems[0]?.sku ?? 'the first line'} of order ${planned.orderNumber} yet, nor another order of this run not returned yet: nothing to return`);
}

/** The return request on what Shopify fulfilled of the order's first line; undefined when it has fulfilled none of it. */
async function requestOnFulfilledLine(context: ExecutionContext, action: ReturnAction, order: PlacedOrder): Promise<ActionResult | undefined> {
  const line = order.shopify?.lineItems[0];
  if (!order.shopify || !line) return undefined;
  const read = graphqlOutcome(await context.clients.shopifyGraphql(FULFILLED_LINES, { id: order.shopify.orderGid }), 'order');
  if (read.result.outcome !== ActionOutcome.ok) return read.result;
  const fulfillments = (read.data as { fulfillments?: { fulfillmentLineItems: { nodes: FulfilledLine[] } }[] } | undefined)?.fulfillments ?? [];
  const fulfilled = fulfillments.flatMap((fulfillment) => fulfillment.fulfillmentLineItems.nodes).find((candidate) => candidate.lineItem?.id === line.gid);
  if (!fulfilled) return undefined;
  context.returnsRequested.add(order.orderRef);
  const reply = await context.clients.shopifyGraphql(RETURN_REQUEST, {
    input: {
      orderId: order.shopify.orderGid,
      returnLineItems: [
        {
          fulfillmentLineItemId: fulfilled.id,
          quantity: Math.min(action.quantity, fulfilled.quantity),
          returnReason: SHOPIFY_RETURN_REASON[action.reason],
          customerNote: `Return: ${action.reason}`,
        },
      ],
    },
  });
  return graphqlOutcome(reply, 'returnRequest').result;
}

/** This run's storefront orders among the newest Shopify has fulfilled, newest first. */
async function recentlyFulfilled(context: ExecutionContext): Promise<PlacedOrder[]> {
  const read = graphqlOutcome(await context.clients.shopifyGraphql(RECENTLY_FULFILLED), 'orders');
  const ids = ((read.data as { nodes?: { id: string }[] } | undefined)?.nodes ?? []).map((node) => node.id);
  const byGid = new Map([...context.orders.values()].flatMap((order) => (order.shopify ? [[order.shopify.orderGid, order] as const] : [])));
  return ids.flatMap((id) => byGid.get(id) ?? []);
}
