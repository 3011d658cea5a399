import type { EnrichDeps } from './enrich.ts';

const RETURN_ORDER_QUERY = `query ReturnedOrder($id: ID!) { order(id: $id) { name lineItems(first: 250) { nodes { id sku } } } }`;

/** The order a returns/* body names: `order_id`, or `order.id` as some payload versions nest it. */
export function returnOrderId(payload: Record<string, unknown>): string {
  const nested = (payload.order as { id?: unknown } | null | undefined)?.id;
  return String(payload.order_id ?? nested ?? '');
}

/**
 * Bindings of the return mapping, one query: `$orderName` ("#1001"; the body names the order by
 * id only) and `$lines` (order line item id → its 1-based position and SKU: the body names each
 * returned unit by fulfilment line item and line item id, without the SKU).
 */
export async function returnBindings(payload: Record<string, unknown>, deps: EnrichDeps): Promise<Record<string, unknown>> {
  const data = await deps.client.request<{ order: { name: string; lineItems: { nodes: { id: string; sku: string | null }[] } } | null }>(RETURN_ORDER_QUERY, {
    variables: { id: `gid://shopify/Order/${returnOrderId(payload)}` },
  });
  const lines = Object.fromEntries((data.order?.lineItems.nodes ?? []).map((node, index) => [node.id.split('/').pop(), { lineNumber: index + 1, sku: node.sku }]));
  return { ...(data.order && { orderName: data.order.name }), lines };
}
