import { ReturnReason } from './actions.ts';
import type { ReturnAction } from './actions.ts';
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

const FULFILLED_LINES = `query FulfilledLines($id: ID!) {
  order(id: $id) { fulfillments(first: 20) { fulfillmentLineItems(first: 50) { nodes { id quantity lineItem { id } } } } }
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
 * items, so an order Shopify has not fulfilled yet cannot be returned: skipped). Shopify fires
 * returns/request; the merchant (the hub) approves or declines it.
 */
export async function requestStorefrontReturn(context: ExecutionContext, action: ReturnAction, order: PlacedOrder | undefined): Promise<ActionResult> {
  const line = order?.shopify?.lineItems[0];
  if (!order?.shopify || !line) return skipped('the returned order was not placed in Shopify');
  const read = graphqlOutcome(await context.clients.shopifyGraphql(FULFILLED_LINES, { id: order.shopify.orderGid }), 'order');
  if (!read.data) return read.result.outcome === 'ok' ? skipped(`Shopify has no order ${order.orderNumber}`) : read.result;
  const fulfillments = (read.data as { fulfillments?: { fulfillmentLineItems: { nodes: FulfilledLine[] } }[] }).fulfillments ?? [];
  const fulfilled = fulfillments.flatMap((fulfillment) => fulfillment.fulfillmentLineItems.nodes).find((candidate) => candidate.lineItem?.id === line.gid);
  if (!fulfilled) return skipped(`Shopify has not fulfilled ${line.sku} of order ${order.orderNumber} yet: nothing to return`);
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
