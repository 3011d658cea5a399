import type { DeliveryItem } from '../../../ports/storage.ts';
import type { ItemOutcome } from '../../../runtime/delivery/target.ts';
import type { ShopifyGraphQLClient } from '../client.ts';
import { refusedLocally, userErrorFailure } from '../failures.ts';
import type { ShopifyUserError } from '../failures.ts';
import type { CallOptions } from '../references.ts';
import { commandKey } from './inventory.ts';

/** Shopify's gid for an order given as a gid or as its numeric (legacy) id. */
export function orderGid(id: string | number): string {
  return String(id).startsWith('gid://') ? String(id) : `gid://shopify/Order/${id}`;
}

// ── refunds ──────────────────────────────────────────────────────────────────────────────

/** The payload of `issueRefund`. Line items by Shopify id or by SKU (resolved on the order). */
export interface RefundRequest {
  /** The Shopify order (gid or numeric id), i.e. the order's `channelOrderId`. */
  orderId: string;
  /** Money to give back, a decimal string in the order's currency, e.g. "10.00". */
  amount?: string;
  /** The payment gateway of the order's sale (default `shopify_payments`). */
  gateway?: string;
  /** The sale transaction refunded, when known. */
  parentTransactionId?: string;
  note?: string;
  lines?: { lineItemId?: string; sku?: string; quantity: number; restock?: boolean; locationId?: string }[];
  shipping?: { amount?: string; fullRefund?: boolean };
  /** Notify the customer by email (Shopify default: false for API refunds). */
  notify?: boolean;
}

const REFUND_CREATE = `mutation IssueRefund($input: RefundInput!, $key: String!) {
  refundCreate(input: $input) @idempotent(key: $key) {
    refund { id totalRefundedSet { shopMoney { amount currencyCode } } }
    userErrors { field message }
  }
}`;

const ORDER_LINE_ITEMS = `query OrderLineItems($id: ID!) {
  order(id: $id) { id lineItems(first: 100) { nodes { id sku } } }
}`;

/**
 * `refundCreate` with `@idempotent(key: <delivery item's idempotency key>)`: a redelivery after
 * a crash or a lost answer returns the first refund and moves money once
 * (https://shopify.dev/docs/api/admin-graphql/latest/mutations/refundCreate).
 */
export async function issueRefund(options: { item: DeliveryItem; client: ShopifyGraphQLClient; call: CallOptions }): Promise<ItemOutcome> {
  const { item, client, call } = options;
  const request = item.payload as Partial<RefundRequest> | null;
  if (!request || (typeof request.orderId !== 'string' && typeof request.orderId !== 'number')) {
    return { ok: false, error: refusedLocally({ code: 'INVALID_PAYLOAD', field: 'orderId', message: `issueRefund ${item.key}: needs the Shopify orderId` }) };
  }
  const orderId = orderGid(request.orderId);
  let lines = request.lines ?? [];
  if (lines.some((line) => !line.lineItemId)) {
    const data = await client.request<{ order: { lineItems: { nodes: { id: string; sku: string | null }[] } } | null }>(ORDER_LINE_ITEMS, { ...call, variables: { id: orderId } });
    if (!data.order) return { ok: false, error: refusedLocally({ code: 'ORDER_NOT_FOUND', field: 'orderId', message: `Shopify has no order ${orderId}` }) };
    const bySku = new Map(data.order.lineItems.nodes.map((node) => [node.sku, node.id]));
    const unknown = lines.find((line) => !line.lineItemId && !bySku.has(line.sku ?? null));
    if (unknown) return { ok: false, error: refusedLocally({ code: 'UNKNOWN_LINE', field: 'lines.sku', message: `order ${orderId} has no line with SKU ${unknown.sku}` }) };
    lines = lines.map((line) => ({ ...line, lineItemId: line.lineItemId ?? bySku.get(line.sku ?? null) }));
  }
  const input = {
    orderId,
    ...(request.note !== undefined && { note: request.note }),
    notify: request.notify ?? false,
    refundLineItems: lines.map((line) => ({
      lineItemId: line.lineItemId,
      quantity: line.quantity,
      restockType: line.restock ? 'RETURN' : 'NO_RESTOCK',
      ...(line.locationId !== undefined && { locationId: line.locationId }),
    })),
    ...(request.shipping && { shipping: { ...(request.shipping.amount !== undefined && { amount: request.shipping.amount }), ...(request.shipping.fullRefund && { fullRefund: true }) } }),
    transactions:
      request.amount === undefined
        ? []
        : [
            {
              orderId,
              amount: request.amount,
              gateway: request.gateway ?? 'shopify_payments',
              kind: 'REFUND',
              ...(request.parentTransactionId !== undefined && { parentId: request.parentTransactionId }),
            },
          ],
  };
  const data = await client.request<{ refundCreate: { refund: { id: string } | null; userErrors: ShopifyUserError[] } }>(REFUND_CREATE, {
    ...call,
    variables: { input, key: commandKey(item) },
  });
  const [userError] = data.refundCreate.userErrors;
  if (userError) return { ok: false, error: userErrorFailure(userError, { operation: 'refundCreate', businessKey: item.key }) };
  return data.refundCreate.refund ? { ok: true, externalId: data.refundCreate.refund.id } : { ok: true };
}

// ── fulfilments ──────────────────────────────────────────────────────────────────────────

/** The payload of `createFulfillment`: ship the order's open fulfilment order(s), with tracking. */
export interface FulfillmentRequest {
  orderId: string;
  tracking: { company?: string; number?: string; url?: string };
  /** Ship only these units; all remaining units when absent. */
  lines?: { sku: string; quantity: number }[];
  notifyCustomer?: boolean;
}

interface FulfillmentOrderNode {
  id: string;
  status: string;
  lineItems: { nodes: { id: string; remainingQuantity: number; sku: string | null }[] };
}

const ORDER_FULFILLMENT_STATE = `query FulfillmentState($id: ID!) {
  order(id: $id) {
    id
    fulfillmentOrders(first: 5) { nodes { id status lineItems(first: 50) { nodes { id remainingQuantity sku } } } }
    fulfillments(first: 10) { id trackingInfo(first: 1) { number } }
  }
}`;

const FULFILLMENT_CREATE = `mutation CreateFulfillment($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) { fulfillment { id status } userErrors { field message } }
}`;

const OPEN_STATUSES = new Set(['OPEN', 'IN_PROGRESS']);

/**
 * `fulfillmentCreate` against the order's open fulfilment orders, with tracking company,
 * number and URL (https://shopify.dev/docs/api/admin-graphql/latest/mutations/fulfillmentCreate).
 * The mutation takes no idempotency key, so the order is read first: a fulfilment with the
 * same tracking number already there means an earlier attempt landed, and its id is returned.
 */
export async function createFulfillment(options: { item: DeliveryItem; client: ShopifyGraphQLClient; call: CallOptions }): Promise<ItemOutcome> {
  const { item, client, call } = options;
  const request = item.payload as Partial<FulfillmentRequest> | null;
  if (!request || typeof request.orderId !== 'string' || !request.tracking) {
    return { ok: false, error: refusedLocally({ code: 'INVALID_PAYLOAD', message: `createFulfillment ${item.key}: needs orderId and tracking` }) };
  }
  const orderId = orderGid(request.orderId);
  const state = await client.request<{ order: { fulfillmentOrders: { nodes: FulfillmentOrderNode[] }; fulfillments: { id: string; trackingInfo: { number: string | null }[] }[] } | null }>(
    ORDER_FULFILLMENT_STATE,
    { ...call, variables: { id: orderId } },
  );
  if (!state.order) return { ok: false, error: refusedLocally({ code: 'ORDER_NOT_FOUND', field: 'orderId', message: `Shopify has no order ${orderId}` }) };
  const trackingNumber = request.tracking.number;
  const earlier = trackingNumber ? state.order.fulfillments.find((fulfillment) => fulfillment.trackingInfo.some((info) => info.number === trackingNumber)) : undefined;
  if (earlier) return { ok: true, externalId: earlier.id };
  const open = state.order.fulfillmentOrders.nodes.filter((node) => OPEN_STATUSES.has(node.status));
  if (open.length === 0) {
    return { ok: false, error: refusedLocally({ code: 'NO_OPEN_FULFILLMENT_ORDER', field: 'orderId', message: `order ${orderId} has no open fulfillment order left to ship` }) };
  }
  const groups = request.lines ? pickLines(open, request.lines) : open.map((node) => ({ fulfillmentOrderId: node.id }));
  if ('error' in groups) return { ok: false, error: groups.error };
  const fulfillment = {
    lineItemsByFulfillmentOrder: groups,
    notifyCustomer: request.notifyCustomer ?? false,
    trackingInfo: {
      ...(request.tracking.company !== undefined && { company: request.tracking.company }),
      ...(request.tracking.number !== undefined && { number: request.tracking.number }),
      ...(request.tracking.url !== undefined && { url: request.tracking.url }),
    },
  };
  const data = await client.request<{ fulfillmentCreate: { fulfillment: { id: string } | null; userErrors: ShopifyUserError[] } }>(FULFILLMENT_CREATE, {
    ...call,
    variables: { fulfillment },
  });
  const [userError] = data.fulfillmentCreate.userErrors;
  if (userError) return { ok: false, error: userErrorFailure(userError, { operation: 'fulfillmentCreate', businessKey: item.key }) };
  return data.fulfillmentCreate.fulfillment ? { ok: true, externalId: data.fulfillmentCreate.fulfillment.id } : { ok: true };
}

type LineGroup = { fulfillmentOrderId: string; fulfillmentOrderLineItems: { id: string; quantity: number }[] };

function pickLines(open: FulfillmentOrderNode[], lines: { sku: string; quantity: number }[]): LineGroup[] | { error: Error } {
  const groups = new Map<string, LineGroup>();
  for (const line of lines) {
    let missing = line.quantity;
    for (const node of open) {
      for (const candidate of node.lineItems.nodes) {
        if (missing === 0 || candidate.sku !== line.sku || candidate.remainingQuantity === 0) continue;
        const quantity = Math.min(missing, candidate.remainingQuantity);
        const group = groups.get(node.id) ?? { fulfillmentOrderId: node.id, fulfillmentOrderLineItems: [] };
        group.fulfillmentOrderLineItems.push({ id: candidate.id, quantity });
        groups.set(node.id, group);
        missing -= quantity;
      }
    }
    if (missing > 0) return { error: refusedLocally({ code: 'QUANTITY_NOT_FULFILLABLE', field: 'lines.quantity', message: `${missing} unit(s) of ${line.sku} are not open for fulfilment` }) };
  }
  return [...groups.values()];
}
