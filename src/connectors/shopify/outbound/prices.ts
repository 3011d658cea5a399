import type { Price } from '../../../canonical/price.ts';
import type { DeliveryItem } from '../../../ports/storage.ts';
import type { ItemOutcome } from '../../../runtime/delivery/target.ts';
import { TransientError } from '../../../runtime/errors.ts';
import type { ShopifyGraphQLClient } from '../client.ts';
import { SHOPIFY_SYSTEM } from '../client.ts';
import { refusedLocally, userErrorFailure, type ShopifyUserError } from '../failures.ts';
import { QUERY_COST } from '../limits.ts';
import type { CallOptions, ShopifyReferences } from '../references.ts';

interface BulkUpdateResult {
  productVariants: { id: string; price: string }[] | null;
  userErrors: ShopifyUserError[];
}

/** The price of one variant in the batch and the items it answers for (several price lists may name one SKU). */
interface VariantPrice {
  sku: string;
  variantId: string;
  indexes: number[];
  input: { id: string; price: string; compareAtPrice?: string };
}

/**
 * Codes that mean the cached variant or product id is stale (the product was deleted or the
 * variant moved): the id is forgotten and the price retried, which looks the SKU up again.
 */
const STALE_REFERENCE_CODES = new Set(['PRODUCT_DOES_NOT_EXIST', 'PRODUCT_VARIANT_DOES_NOT_EXIST', 'MUST_BE_FOR_THIS_PRODUCT']);

/**
 * The points a batch of prices will need: the lookups of SKUs not known yet (and the shop's
 * currency once), and one mutation per product (a SKU not looked up yet counts one product).
 */
export function priceCost(batch: readonly DeliveryItem[], references: ShopifyReferences): number {
  const skus = batch.map((item) => (item.payload as { sku?: unknown } | null)?.sku).filter((sku): sku is string => typeof sku === 'string');
  return references.variantLookupCost(skus) + references.productCount(skus) * QUERY_COST.mutation;
}

/** A decimal amount as Shopify's Money input: `19.500000` → `19.50` (zeros past the cents dropped). */
export function moneyInput(amount: string): string {
  const [whole, fraction] = amount.split('.');
  if (fraction === undefined) return amount;
  const significant = fraction.replace(/0+$/, '');
  return `${whole}.${significant.padEnd(2, '0')}`;
}

/**
 * `upsertPrice`: each canonical Price becomes the price of the variant with its SKU, in two
 * requests per batch at most: the variants' ids (aliased `productVariants` lookups, kept for the
 * connector's life; the first also reads the shop's currency), then one request of aliased
 * `productVariantsBulkUpdate(productId, variants, allowPartialUpdates: true)` mutations, one per
 * product, so each variant lands or fails on its own. `compareAtAmount` sets the compare-at price
 * when given; without it the compare-at price is left as it is. Variant prices are in the shop's
 * currency: a price in another currency is refused (CURRENCY_MISMATCH, field `currency`), as are
 * tier prices (a variant has one price) and SKUs the shop does not have (UNKNOWN_SKU).
 * https://shopify.dev/docs/api/admin-graphql/latest/mutations/productVariantsBulkUpdate
 */
export async function upsertPrices(options: { batch: readonly DeliveryItem[]; client: ShopifyGraphQLClient; references: ShopifyReferences; call: CallOptions }): Promise<ItemOutcome[]> {
  const { batch, client, references, call } = options;
  const outcomes: (ItemOutcome | undefined)[] = new Array(batch.length).fill(undefined);
  const prices = new Map<number, Price>();
  for (const [index, item] of batch.entries()) {
    const price = item.payload as Partial<Price> | null;
    const refuse = (field: string, message: string, code = 'INVALID_PAYLOAD') => (outcomes[index] = { ok: false, error: refusedLocally({ code, field, message: `price ${item.key}: ${message}` }) });
    if (!price || typeof price.sku !== 'string' || price.sku === '') refuse('sku', 'the price has no sku');
    else if (typeof price.amount !== 'string' || price.amount === '') refuse('amount', 'the price has no amount');
    else if (typeof price.currency !== 'string') refuse('currency', 'the price has no currency');
    else if (price.minQuantity !== undefined && price.minQuantity > 1) {
      refuse('minQuantity', `a price from quantity ${price.minQuantity} is a tier price; a Shopify variant has one price, so only prices from quantity 1 can be written`, 'TIER_PRICE_UNSUPPORTED');
    } else prices.set(index, price as Price);
  }
  if (prices.size === 0) return outcomes.map((outcome) => outcome ?? noResult());

  const variants = await references.variants([...prices.values()].map((price) => price.sku), call);
  const shopCurrency = await references.shopCurrency(call);
  // productId → variantId → the variant's price (the later item of a SKU wins).
  const byProduct = new Map<string, Map<string, VariantPrice>>();
  for (const [index, price] of prices) {
    const key = batch[index]!.key;
    if (price.currency !== shopCurrency) {
      outcomes[index] = {
        ok: false,
        error: refusedLocally({
          code: 'CURRENCY_MISMATCH',
          field: 'currency',
          message: `price ${key}: currency ${price.currency} is not the shop's currency ${shopCurrency}; Shopify variant prices are in the shop's currency, so send this store the price list in ${shopCurrency}`,
        }),
      };
      continue;
    }
    const reference = variants.get(price.sku);
    if (!reference) {
      outcomes[index] = { ok: false, error: refusedLocally({ code: 'UNKNOWN_SKU', field: 'sku', message: `price ${key}: Shopify has no product variant with SKU ${price.sku}; load the products first, then replay this price` }) };
      continue;
    }
    const productVariants = byProduct.get(reference.productId) ?? new Map<string, VariantPrice>();
    byProduct.set(reference.productId, productVariants);
    const input = { id: reference.variantId, price: moneyInput(price.amount), ...(price.compareAtAmount !== undefined && { compareAtPrice: moneyInput(price.compareAtAmount) }) };
    const known = productVariants.get(reference.variantId);
    productVariants.set(reference.variantId, { sku: price.sku, variantId: reference.variantId, indexes: [...(known?.indexes ?? []), index], input });
  }
  if (byProduct.size === 0) return outcomes.map((outcome) => outcome ?? noResult());

  const groups = [...byProduct.entries()].map(([productId, entries]) => ({ productId, variants: [...entries.values()] }));
  const variables: Record<string, unknown> = {};
  const declarations: string[] = [];
  const fields: string[] = [];
  groups.forEach((group, position) => {
    variables[`product${position}`] = group.productId;
    variables[`variants${position}`] = group.variants.map((variant) => variant.input);
    declarations.push(`$product${position}: ID!`, `$variants${position}: [ProductVariantsBulkInput!]!`);
    fields.push(`p${position}: productVariantsBulkUpdate(productId: $product${position}, variants: $variants${position}, allowPartialUpdates: true) { productVariants { id price } userErrors { field message code } }`);
  });
  const data = await client.request<Record<string, BulkUpdateResult | undefined>>(`mutation SetPrices(${declarations.join(', ')}) { ${fields.join(' ')} }`, { ...call, variables });

  groups.forEach((group, position) => {
    const result = data[`p${position}`];
    const updated = new Set((result?.productVariants ?? []).map((variant) => variant.id));
    // `variants.<index>...` names one variant of the request; an error without an index is about all of them.
    const errorOf = (index: number) => result?.userErrors.find((error) => error.field?.[0] === 'variants' && error.field[1] === String(index)) ?? result?.userErrors.find((error) => error.field?.[0] !== 'variants');
    group.variants.forEach((variant, index) => {
      const userError = errorOf(index);
      let outcome: ItemOutcome;
      if (!userError && updated.has(variant.variantId)) outcome = { ok: true, externalId: variant.variantId };
      else if (userError?.code && STALE_REFERENCE_CODES.has(userError.code)) {
        references.forgetVariant(variant.sku);
        outcome = { ok: false, error: new TransientError(`price of ${variant.sku}: ${userError.message} (${userError.code}); the variant is looked up again on the retry`, { system: SHOPIFY_SYSTEM, code: userError.code }) };
      } else {
        outcome = { ok: false, error: userErrorFailure(userError ?? { message: 'the variant was not updated' }, { operation: 'productVariantsBulkUpdate', businessKey: batch[variant.indexes[0]!]!.key }) };
      }
      for (const item of variant.indexes) outcomes[item] = outcome;
    });
  });
  return outcomes.map((outcome) => outcome ?? noResult());
}

function noResult(): ItemOutcome {
  return { ok: false, error: refusedLocally({ code: 'NO_RESULT', message: 'no result for the price' }) };
}
