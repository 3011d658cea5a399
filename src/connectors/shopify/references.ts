import type { RequestOptions, ShopifyGraphQLClient } from './client.ts';
import { MAX_SINGLE_QUERY_COST, QUERY_COST, SINGLE_NODE_LOOKUP_COST } from './limits.ts';

export type CallOptions = Omit<RequestOptions, 'variables'>;

/** Most SKU lookups one request carries, so its requested cost stays under the single-query maximum. */
const LOOKUPS_PER_REQUEST = Math.floor(MAX_SINGLE_QUERY_COST / SINGLE_NODE_LOOKUP_COST);
/** Locations read in one page; a store has at most a few hundred. */
const LOCATION_PAGE = 250;
/** The requested cost of a lookup `alias: productVariants(first: 1) { nodes { id sku product { id } } }`. */
export const VARIANT_LOOKUP_COST = SINGLE_NODE_LOOKUP_COST + QUERY_COST.object;
/** Variant lookups per request, with room for `shop { currencyCode }`. */
const VARIANT_LOOKUPS_PER_REQUEST = Math.floor((MAX_SINGLE_QUERY_COST - QUERY_COST.object) / VARIANT_LOOKUP_COST);

interface VariantLookup {
  nodes: { id: string; sku: string | null; product: { id: string } }[];
}

/** A SKU's product variant and the product it belongs to (gids). */
export interface VariantReference {
  variantId: string;
  productId: string;
}

export interface ShopifyReferenceOptions {
  /**
   * Location code (as the hub knows it, e.g. `DC-EAST`) → Shopify Location gid. Codes not
   * listed are matched to a location whose name, upper-cased with non-alphanumerics as `-`,
   * equals the code (`Main Warehouse` → `MAIN-WAREHOUSE`), or whose name starts with the code
   * written as its first word (`DC-EAST DC East` → `DC-EAST`).
   */
  locations?: Record<string, string>;
}

/** The code the hub uses for a Shopify location that has no configured code. */
export function locationCodeFromName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/**
 * The code a location's name starts with, when its first word is written as a code (capitals,
 * digits, `-`, `_`) and more words follow: `STORE-001 Downtown` → `STORE-001`. Many retailers
 * name locations this way; `Main Warehouse` has none.
 */
export function locationCodePrefix(name: string): string | undefined {
  return /^([A-Z0-9][A-Z0-9_-]*)\s+\S/.exec(name.trim())?.[1];
}

/**
 * Shopify ids for the hub's business keys, and back: SKU ↔ InventoryItem gid, SKU → variant and
 * product gids, location code ↔ Location gid, and the shop's currency. Looked up once and kept for the connector's life (a SKU's inventory item does
 * not change); lookups of many SKUs share one request through aliases.
 */
export class ShopifyReferences {
  private readonly itemBySku = new Map<string, string>();
  private readonly skuByItem = new Map<string, string>();
  private readonly variantBySku = new Map<string, VariantReference>();
  private currencyCode: string | undefined;
  private locationByCode: Map<string, string> | undefined;
  private codeByLocation: Map<string, string> | undefined;

  constructor(
    private readonly client: ShopifyGraphQLClient,
    private readonly options: ShopifyReferenceOptions = {},
  ) {}

  /** Lookups the next call for these SKUs and codes will need, for the batch's cost estimate. */
  lookupCost(skus: Iterable<string>): number {
    let unknown = 0;
    for (const sku of new Set(skus)) if (!this.itemBySku.has(sku)) unknown++;
    const locations = this.locationByCode || this.options.locations ? 0 : QUERY_COST.connectionOverhead + LOCATION_PAGE * QUERY_COST.object;
    return unknown * SINGLE_NODE_LOOKUP_COST + locations;
  }

  /** Remembers ids the caller already knows (from the payload or the hub's cross-references). */
  remember(sku: string, inventoryItemId: string): void {
    this.itemBySku.set(sku, inventoryItemId);
    this.skuByItem.set(inventoryItemId, sku);
  }

  /** InventoryItem gids by SKU; SKUs Shopify does not know are absent from the map. */
  async inventoryItemIds(skus: Iterable<string>, options: CallOptions): Promise<Map<string, string>> {
    const wanted = [...new Set(skus)];
    const missing = wanted.filter((sku) => !this.itemBySku.has(sku));
    for (let from = 0; from < missing.length; from += LOOKUPS_PER_REQUEST) {
      const chunk = missing.slice(from, from + LOOKUPS_PER_REQUEST);
      const variables: Record<string, string> = {};
      const declarations = chunk.map((_, index) => `$q${index}: String!`).join(', ');
      const selections = chunk.map((sku, index) => {
        variables[`q${index}`] = `sku:"${sku.replace(/["\\]/g, '\\$&')}"`;
        return `i${index}: inventoryItems(first: 1, query: $q${index}) { nodes { id sku } }`;
      });
      const data = await this.client.request<Record<string, { nodes: { id: string; sku: string | null }[] }>>(
        `query InventoryItemsBySku(${declarations}) { ${selections.join(' ')} }`,
        { ...options, variables },
      );
      chunk.forEach((sku, index) => {
        // Shopify's search matches case-insensitively; only an exact SKU counts.
        const node = data[`i${index}`]?.nodes.find((candidate) => candidate.sku === sku);
        if (node) this.remember(sku, node.id);
      });
    }
    const found = new Map<string, string>();
    for (const sku of wanted) {
      const id = this.itemBySku.get(sku);
      if (id) found.set(sku, id);
    }
    return found;
  }

  /** Points the next `variants` call for these SKUs will need: their lookups, and the shop's currency once. */
  variantLookupCost(skus: Iterable<string>): number {
    let unknown = 0;
    for (const sku of new Set(skus)) if (!this.variantBySku.has(sku)) unknown++;
    return unknown * VARIANT_LOOKUP_COST + (this.currencyCode === undefined ? QUERY_COST.object : 0);
  }

  /** Products these SKUs' variants belong to, as far as known: SKUs not looked up yet count one product each. */
  productCount(skus: Iterable<string>): number {
    const products = new Set<string>();
    for (const sku of new Set(skus)) products.add(this.variantBySku.get(sku)?.productId ?? `?${sku}`);
    return products.size;
  }

  /**
   * Product variant and product gids by SKU, looked up once and kept (aliased `productVariants`
   * lookups, several SKUs per request); SKUs Shopify does not know are absent from the map. The
   * first request also reads the shop's currency (see `shopCurrency`).
   */
  async variants(skus: Iterable<string>, options: CallOptions): Promise<Map<string, VariantReference>> {
    const wanted = [...new Set(skus)];
    const missing = wanted.filter((sku) => !this.variantBySku.has(sku));
    for (let from = 0; from < missing.length; from += VARIANT_LOOKUPS_PER_REQUEST) {
      const chunk = missing.slice(from, from + VARIANT_LOOKUPS_PER_REQUEST);
      const variables: Record<string, string> = {};
      const declarations = chunk.map((_, index) => `$q${index}: String!`).join(', ');
      const selections = chunk.map((sku, index) => {
        variables[`q${index}`] = `sku:"${sku.replace(/["\\]/g, '\\$&')}"`;
        return `v${index}: productVariants(first: 1, query: $q${index}) { nodes { id sku product { id } } }`;
      });
      const shop = this.currencyCode === undefined ? 'shop { currencyCode } ' : '';
      const data = await this.client.request<{ shop?: { currencyCode: string } } & Record<`v${number}`, VariantLookup | undefined>>(
        `query VariantsBySku(${declarations}) { ${shop}${selections.join(' ')} }`,
        { ...options, variables },
      );
      if (data.shop) this.currencyCode = data.shop.currencyCode;
      chunk.forEach((sku, index) => {
        // Shopify's search matches case-insensitively; only an exact SKU counts.
        const node = data[`v${index}`]?.nodes.find((candidate) => candidate.sku === sku);
        if (node) this.variantBySku.set(sku, { variantId: node.id, productId: node.product.id });
      });
    }
    const found = new Map<string, VariantReference>();
    for (const sku of wanted) {
      const reference = this.variantBySku.get(sku);
      if (reference) found.set(sku, reference);
    }
    return found;
  }

  /** Drops a SKU's variant that Shopify no longer knows (deleted, or moved to another product), so the next call looks it up again. */
  forgetVariant(sku: string): void {
    this.variantBySku.delete(sku);
  }

  /** The shop's currency (ISO 4217), read once: variant prices are in it. */
  async shopCurrency(options: CallOptions): Promise<string> {
    if (this.currencyCode === undefined) {
      const data = await this.client.request<{ shop: { currencyCode: string } }>('query ShopCurrency { shop { currencyCode } }', options);
      this.currencyCode = data.shop.currencyCode;
    }
    return this.currencyCode;
  }

  /** The SKU of an InventoryItem gid (inbound inventory webhooks carry only the item id). */
  async skuOf(inventoryItemId: string, options: CallOptions): Promise<string | undefined> {
    const known = this.skuByItem.get(inventoryItemId);
    if (known) return known;
    const data = await this.client.request<{ inventoryItem: { id: string; sku: string | null } | null }>(
      'query InventoryItemSku($id: ID!) { inventoryItem(id: $id) { id sku } }',
      { ...options, variables: { id: inventoryItemId } },
    );
    const sku = data.inventoryItem?.sku ?? undefined;
    if (sku) this.remember(sku, inventoryItemId);
    return sku;
  }

  async locationId(code: string, options: CallOptions): Promise<string | undefined> {
    const configured = this.options.locations?.[code];
    if (configured) return configured;
    return (await this.locations(options)).byCode.get(code);
  }

  async locationCode(locationId: string, options: CallOptions): Promise<string | undefined> {
    const configured = Object.entries(this.options.locations ?? {}).find(([, id]) => id === locationId);
    if (configured) return configured[0];
    return (await this.locations(options)).byLocation.get(locationId);
  }

  private async locations(options: CallOptions): Promise<{ byCode: Map<string, string>; byLocation: Map<string, string> }> {
    if (!this.locationByCode || !this.codeByLocation) {
      const data = await this.client.request<{ locations: { nodes: { id: string; name: string }[] } }>(
        `query Locations { locations(first: ${LOCATION_PAGE}) { nodes { id name } } }`,
        options,
      );
      const byCode = new Map<string, string>();
      const byLocation = new Map<string, string>();
      for (const location of data.locations.nodes) {
        const code = locationCodeFromName(location.name);
        byCode.set(code, location.id);
        byLocation.set(location.id, code);
      }
      // A code the name starts with names the location too (and is its code going back),
      // unless another location's whole name is that code.
      for (const location of data.locations.nodes) {
        const prefix = locationCodePrefix(location.name);
        if (prefix === undefined || byCode.has(prefix)) continue;
        byCode.set(prefix, location.id);
        byLocation.set(location.id, prefix);
      }
      // Configured codes win over derived names.
      for (const [code, id] of Object.entries(this.options.locations ?? {})) {
        byCode.set(code, id);
        byLocation.set(id, code);
      }
      this.locationByCode = byCode;
      this.codeByLocation = byLocation;
    }
    return { byCode: this.locationByCode, byLocation: this.codeByLocation };
  }
}
