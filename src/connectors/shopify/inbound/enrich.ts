import { PermanentError } from '../../../runtime/errors.ts';
import { SHOPIFY_SYSTEM } from '../client.ts';
import type { ShopifyGraphQLClient } from '../client.ts';
import type { ShopifyReferences } from '../references.ts';

/**
 * What some webhook payloads lack and the canonical model needs, read back over GraphQL:
 * inventory levels carry only ids and `available`; fulfilments carry a location id and line
 * item ids but not the location code or the lines' positions in the order.
 */
export interface EnrichDeps {
  client: ShopifyGraphQLClient;
  references: ShopifyReferences;
}

const LEVEL_QUERY = `query InventoryLevelForWebhook($id: ID!) {
  inventoryLevel(id: $id) {
    quantities(names: ["available", "on_hand", "reserved"]) { name quantity }
    item { id sku }
    location { id name }
  }
}`;

const ORDER_LINES_QUERY = `query OrderLinePositions($id: ID!) { order(id: $id) { lineItems(first: 250) { nodes { id } } } }`;
const SHOP_CURRENCY_QUERY = 'query ShopCurrency { shop { currencyCode } }';
const REFUND_ORDER_QUERY = `query RefundedOrder($id: ID!) { shop { currencyCode } order(id: $id) { name lineItems(first: 250) { nodes { id } } } }`;

function unmapped(message: string): PermanentError {
  return new PermanentError(message, { system: SHOPIFY_SYSTEM, code: 'UNMAPPED_WEBHOOK' });
}

/** The record the inventory-level mapping reads: `{ webhook, quantities, sku, locationCode }`. */
export async function inventoryLevelRecord(payload: Record<string, unknown>, deps: EnrichDeps): Promise<Record<string, unknown>> {
  const levelId = String(payload.admin_graphql_api_id ?? '');
  const data = await deps.client.request<{
    inventoryLevel: { quantities: { name: string; quantity: number }[]; item: { id: string; sku: string | null } | null; location: { id: string; name: string } | null } | null;
  }>(LEVEL_QUERY, { variables: { id: levelId } });
  const level = data.inventoryLevel;
  if (level?.item?.sku) deps.references.remember(level.item.sku, level.item.id);
  const sku = level?.item?.sku ?? (await deps.references.skuOf(`gid://shopify/InventoryItem/${String(payload.inventory_item_id)}`, {}));
  const locationId = level?.location?.id ?? `gid://shopify/Location/${String(payload.location_id)}`;
  const locationCode = await deps.references.locationCode(locationId, {});
  if (!sku) throw unmapped(`inventory level ${levelId}: the inventory item has no SKU`);
  if (!locationCode) throw unmapped(`inventory level ${levelId}: no location code for ${locationId}`);
  const quantities = Object.fromEntries((level?.quantities ?? []).map((entry) => [entry.name, entry.quantity]));
  return { webhook: payload, quantities, sku, locationCode };
}

/** Bindings of the shipment mapping: `$locationCode` and `$lineNumbers` (line item id → position). */
export async function shipmentBindings(payload: Record<string, unknown>, deps: EnrichDeps): Promise<Record<string, unknown>> {
  const locationId = `gid://shopify/Location/${String(payload.location_id)}`;
  const locationCode = await deps.references.locationCode(locationId, {});
  if (!locationCode) throw unmapped(`fulfillment ${String(payload.id)}: no location code for ${locationId}`);
  const data = await deps.client.request<{ order: { lineItems: { nodes: { id: string }[] } } | null }>(ORDER_LINES_QUERY, {
    variables: { id: `gid://shopify/Order/${String(payload.order_id)}` },
  });
  const lineNumbers = Object.fromEntries((data.order?.lineItems.nodes ?? []).map((node, index) => [node.id.split('/').pop(), index + 1]));
  return { locationCode, lineNumbers };
}

const shopCurrencies = new WeakMap<ShopifyGraphQLClient, string>();

/** The shop's currency, for refunds without a money transaction (restock-only). */
export async function shopCurrency(deps: EnrichDeps): Promise<string> {
  const known = shopCurrencies.get(deps.client);
  if (known) return known;
  const data = await deps.client.request<{ shop: { currencyCode: string } }>(SHOP_CURRENCY_QUERY);
  shopCurrencies.set(deps.client, data.shop.currencyCode);
  return data.shop.currencyCode;
}

/**
 * Bindings of the refund mapping: `$shopCurrency`, `$orderName` (e.g. "#1001", the refund webhook
 * carries only the order's numeric id) and `$lineNumbers` (line item id → position), one query.
 */
export async function refundBindings(payload: Record<string, unknown>, deps: EnrichDeps): Promise<Record<string, unknown>> {
  const data = await deps.client.request<{ shop: { currencyCode: string }; order: { name: string; lineItems: { nodes: { id: string }[] } } | null }>(REFUND_ORDER_QUERY, {
    variables: { id: `gid://shopify/Order/${String(payload.order_id)}` },
  });
  shopCurrencies.set(deps.client, data.shop.currencyCode);
  const lineNumbers = Object.fromEntries((data.order?.lineItems.nodes ?? []).map((node, index) => [node.id.split('/').pop(), index + 1]));
  return { shopCurrency: data.shop.currencyCode, ...(data.order && { orderName: data.order.name }), lineNumbers };
}
