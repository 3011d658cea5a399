import type { Outcome } from './orders.ts';
import type { ShopifyStore } from './store.ts';
import { toCents } from './store.ts';
import type { Product, ProductVariant, UserError } from './types.ts';

/** `productSet`'s input, as far as this sandbox models it: single-variant products. */
export interface ProductSetInput {
  title?: string;
  handle?: string;
  status?: string;
  vendor?: string | null;
  productType?: string | null;
  descriptionHtml?: string | null;
  variants?: { sku?: string | null; price?: string | number | null; barcode?: string | null }[];
}

const STATUSES = ['ACTIVE', 'ARCHIVED', 'DRAFT'] as const;

/** `Organic Tee / Black` → `organic-tee-black`, as Shopify derives a handle from a title. */
export function handleOf(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'product';
}

/**
 * Creates or updates a product with its one variant, as `productSet` does: by `identifier.id`
 * (the product must exist), by `identifier.handle` (updated when found, created otherwise), or
 * created when no identifier is given (a taken handle gets `-1`, `-2`... as on Shopify). Fields
 * left out are kept on update; a variant's inventory item follows its SKU.
 * https://shopify.dev/docs/api/admin-graphql/latest/mutations/productSet
 */
export function setProduct(store: ShopifyStore, args: { identifier?: { id?: number | null; handle?: string | null }; input: ProductSetInput }): Outcome<{ product: Product; variant: ProductVariant }> {
  const { input } = args;
  const errors: UserError[] = [];
  if (input.status !== undefined && !(STATUSES as readonly string[]).includes(input.status)) {
    errors.push({ field: ['input', 'status'], message: `Status must be one of ${STATUSES.join(', ')}.`, code: 'INVALID' });
  }
  if ((input.variants?.length ?? 0) > 1) {
    errors.push({ field: ['input', 'variants'], message: 'This sandbox models single-variant products only.', code: 'INVALID' });
  }
  const variantInput = input.variants?.[0];
  let priceCents: number | undefined;
  if (variantInput?.price !== undefined && variantInput.price !== null) {
    try {
      priceCents = toCents(variantInput.price);
    } catch {
      errors.push({ field: ['input', 'variants', '0', 'price'], message: 'Price must be a non-negative amount.', code: 'INVALID' });
    }
  }
  let existing: Product | undefined;
  if (args.identifier?.id !== undefined && args.identifier.id !== null) {
    existing = productRecord(store, args.identifier.id);
    if (!existing) errors.push({ field: ['identifier', 'id'], message: 'Product does not exist', code: 'PRODUCT_DOES_NOT_EXIST' });
  } else if (args.identifier?.handle) {
    existing = [...store.products.values()].find((product) => product.handle === args.identifier?.handle);
  }
  if (!existing && (input.title === undefined || input.title.trim() === '')) {
    errors.push({ field: ['input', 'title'], message: "Title can't be blank", code: 'BLANK' });
  }
  if (errors.length > 0) return { ok: false, userErrors: errors };

  const now = store.now();
  const product = existing ?? createProduct(store, { title: input.title ?? '', handle: args.identifier?.handle ?? input.handle ?? handleOf(input.title ?? ''), now });
  if (input.title !== undefined) product.title = input.title;
  if (input.status !== undefined) product.status = input.status as Product['status'];
  if (input.vendor !== undefined) product.vendor = input.vendor;
  if (input.productType !== undefined) product.productType = input.productType;
  if (input.descriptionHtml !== undefined) product.descriptionHtml = input.descriptionHtml;
  product.updatedAt = now;

  const variant = variantOf(store, product.id) ?? createVariant(store, product, now);
  variant.productTitle = product.title;
  if (variantInput?.sku !== undefined && variantInput.sku !== null) {
    variant.sku = variantInput.sku;
    const item = store.inventoryItems.get(variant.inventoryItemId);
    if (item) {
      item.sku = variantInput.sku;
      item.updatedAt = now;
    }
  }
  if (priceCents !== undefined) variant.priceCents = priceCents;
  variant.updatedAt = now;
  return { ok: true, value: { product, variant } };
}

/** The product's record; a seeded catalogue entry gets one on first write (its variant holds the title). */
function productRecord(store: ShopifyStore, id: number): Product | undefined {
  const known = store.products.get(id);
  if (known) return known;
  const variant = variantOf(store, id);
  if (!variant) return undefined;
  const product: Product = { id, handle: uniqueHandle(store, handleOf(variant.productTitle)), title: variant.productTitle, status: 'ACTIVE', vendor: null, productType: null, descriptionHtml: null, createdAt: variant.createdAt, updatedAt: variant.updatedAt };
  store.products.set(id, product);
  return product;
}

function variantOf(store: ShopifyStore, productId: number): ProductVariant | undefined {
  for (const variant of store.variants.values()) if (variant.productId === productId) return variant;
  return undefined;
}

function uniqueHandle(store: ShopifyStore, wanted: string): string {
  const taken = new Set([...store.products.values()].map((product) => product.handle));
  if (!taken.has(wanted)) return wanted;
  for (let suffix = 1; ; suffix++) if (!taken.has(`${wanted}-${suffix}`)) return `${wanted}-${suffix}`;
}

function createProduct(store: ShopifyStore, args: { title: string; handle: string; now: string }): Product {
  const id = store.newId();
  const product: Product = { id, handle: uniqueHandle(store, args.handle), title: args.title, status: 'ACTIVE', vendor: null, productType: null, descriptionHtml: null, createdAt: args.now, updatedAt: args.now };
  store.products.set(id, product);
  return product;
}

/** A new product's default variant, tracked, with an empty inventory level at every location. */
function createVariant(store: ShopifyStore, product: Product, now: string): ProductVariant {
  const variantId = store.newId();
  const inventoryItemId = store.newId();
  const variant: ProductVariant = { id: variantId, productId: product.id, productTitle: product.title, title: 'Default Title', sku: '', priceCents: 0, inventoryItemId, createdAt: now, updatedAt: now };
  store.variants.set(variantId, variant);
  store.inventoryItems.set(inventoryItemId, { id: inventoryItemId, sku: '', variantId, tracked: true, createdAt: now, updatedAt: now });
  for (const location of store.locations.values()) {
    store.inventoryLevels.set(store.levelKey(inventoryItemId, location.id), {
      id: store.newId(),
      inventoryItemId,
      locationId: location.id,
      quantities: { available: 0, committed: 0, reserved: 0, damaged: 0, safety_stock: 0, quality_control: 0, incoming: 0 },
      updatedAt: now,
    });
  }
  return variant;
}

/** One entry of `productVariantsBulkUpdate`'s `variants`: the variant's numeric id (undefined when not given) and the input as sent. */
export interface VariantBulkInput {
  id: number | null | undefined;
  input: Record<string, unknown>;
}

/** What this sandbox models of `ProductVariantsBulkInput`. */
const BULK_VARIANT_FIELDS = new Set(['id', 'price', 'compareAtPrice']);

/** A Money input in cents, or the user error it earns (`price`, `compareAtPrice`). */
function moneyInput(value: unknown, field: string[], label: string): { cents: number | null } | UserError {
  if (value === null) return label === 'Price' ? { field, message: "Price can't be blank", code: 'BLANK' } : { cents: null };
  if (/^\s*-/.test(String(value))) return { field, message: `${label} must be greater than or equal to 0`, code: 'GREATER_THAN_OR_EQUAL_TO' };
  try {
    return { cents: toCents(value as string | number) };
  } catch {
    return { field, message: `${label} is invalid`, code: 'INVALID_INPUT' };
  }
}

/**
 * `productVariantsBulkUpdate(productId, variants, allowPartialUpdates)`: updates variants of one
 * product (here their price and compare-at price). Each variant must name its id and belong to
 * the product. Without `allowPartialUpdates` (default false, as on Shopify since 2023-04) one
 * refused variant leaves every variant unchanged; with it, the valid ones are updated and the
 * others reported. User error fields are `variants.<index>.<field>`.
 * https://shopify.dev/docs/api/admin-graphql/latest/mutations/productVariantsBulkUpdate
 */
export function updateVariants(
  store: ShopifyStore,
  args: { productId: number | null; variants: readonly VariantBulkInput[]; allowPartialUpdates: boolean },
): { product: Product | undefined; updated: ProductVariant[]; userErrors: UserError[] } {
  const product = args.productId === null ? undefined : productRecord(store, args.productId);
  if (!product) return { product: undefined, updated: [], userErrors: [{ field: ['productId'], message: 'Product does not exist', code: 'PRODUCT_DOES_NOT_EXIST' }] };
  const userErrors: UserError[] = [];
  const changes: { variant: ProductVariant; priceCents?: number; compareAtPriceCents?: number | null }[] = [];
  args.variants.forEach(({ id, input }, index) => {
    const at = (name: string) => ['variants', String(index), name];
    const unmodelled = Object.keys(input).find((name) => !BULK_VARIANT_FIELDS.has(name));
    if (unmodelled !== undefined) {
      userErrors.push({ field: at(unmodelled), message: 'This sandbox models the id, price and compareAtPrice of a variant only.', code: 'INVALID_INPUT' });
      return;
    }
    if (id === undefined) {
      userErrors.push({ field: at('id'), message: 'Product variant is missing ID attribute', code: 'PRODUCT_VARIANT_ID_MISSING' });
      return;
    }
    const variant = id === null ? undefined : store.variants.get(id);
    if (!variant) {
      userErrors.push({ field: at('id'), message: 'Product variant does not exist', code: 'PRODUCT_VARIANT_DOES_NOT_EXIST' });
      return;
    }
    if (variant.productId !== product.id) {
      userErrors.push({ field: at('id'), message: 'Product variant does not belong to this product', code: 'MUST_BE_FOR_THIS_PRODUCT' });
      return;
    }
    const change: (typeof changes)[number] = { variant };
    for (const [name, label] of [['price', 'Price'], ['compareAtPrice', 'Compare at price']] as const) {
      if (!(name in input)) continue;
      const money = moneyInput(input[name], at(name), label);
      if ('message' in money) {
        userErrors.push(money);
        return;
      }
      if (name === 'price') change.priceCents = money.cents ?? 0;
      else change.compareAtPriceCents = money.cents;
    }
    changes.push(change);
  });
  if (userErrors.length > 0 && !args.allowPartialUpdates) return { product, updated: [], userErrors };
  const now = store.now();
  for (const change of changes) {
    if (change.priceCents !== undefined) change.variant.priceCents = change.priceCents;
    if (change.compareAtPriceCents !== undefined) change.variant.compareAtPriceCents = change.compareAtPriceCents;
    change.variant.updatedAt = now;
  }
  if (changes.length > 0) product.updatedAt = now;
  return { product, updated: changes.map((change) => change.variant), userErrors };
}
