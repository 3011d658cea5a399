import { fileURLToPath } from 'node:url';
import { loadMapping, type Mapping, type MappingOverride } from '../mapping/mapping.ts';

/**
 * The Shopify connector's field mappings, one YAML file each in `mappings/`. An installation
 * changes them through `mappingOverrides` (keys below) without forking: e.g. a metafield, a
 * different order-number prefix, or tags derived from the loyalty tier.
 */
export const SHOPIFY_MAPPING_FILES = {
  /** order webhook (REST shape) → canonical Order */
  order: 'order.to-canonical.yaml',
  /** customer webhook → canonical Customer */
  customer: 'customer.to-canonical.yaml',
  /** inventory_levels/update webhook, enriched with quantities, SKU and location code → canonical InventoryLevel */
  inventoryLevel: 'inventory-level.to-canonical.yaml',
  /** refunds/create webhook → canonical Refund */
  refund: 'refund.to-canonical.yaml',
  /** fulfillments/create webhook, with location code and order line numbers → canonical Shipment */
  shipment: 'shipment.to-canonical.yaml',
  /** returns/request webhook, with the order's name and its lines' positions and SKUs → canonical Return (requested) */
  return: 'return.to-canonical.yaml',
  /** canonical Customer → CustomerInput of customerCreate / customerUpdate */
  customerInput: 'customer.from-canonical.yaml',
  /** canonical Product → ProductSetInput of productSet */
  productInput: 'product.from-canonical.yaml',
} as const;
export type ShopifyMappingName = keyof typeof SHOPIFY_MAPPING_FILES;

export type ShopifyMappingOverrides = Partial<Record<ShopifyMappingName, MappingOverride>>;
export type ShopifyMappings = Record<ShopifyMappingName, Mapping>;

/** Loads the shipped mappings and applies the installation's overrides; a bad override fails here, at start. */
export function loadShopifyMappings(overrides: ShopifyMappingOverrides = {}): ShopifyMappings {
  for (const name of Object.keys(overrides)) {
    if (!(name in SHOPIFY_MAPPING_FILES)) {
      throw new Error(`mappingOverrides.${name}: the Shopify connector has no such mapping (mappings: ${Object.keys(SHOPIFY_MAPPING_FILES).join(', ')})`);
    }
  }
  const entries = Object.entries(SHOPIFY_MAPPING_FILES).map(([name, file]) => {
    const shipped = loadMapping(fileURLToPath(new URL(`./mappings/${file}`, import.meta.url)));
    return [name, shipped.withOverride(overrides[name as ShopifyMappingName])] as const;
  });
  return Object.fromEntries(entries) as ShopifyMappings;
}
