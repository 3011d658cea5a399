import { afterEach, describe, expect, it } from 'vitest';
import { startShopifySandbox } from './index.ts';
import type { RunningShopifySandbox } from './index.ts';
import { clientFor } from './test-support.ts';

let sandbox: RunningShopifySandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const UPDATE = `mutation Prices($productId: ID!, $variants: [ProductVariantsBulkInput!]!, $partial: Boolean) {
  productVariantsBulkUpdate(productId: $productId, variants: $variants, allowPartialUpdates: $partial) {
    product { id }
    productVariants { id price compareAtPrice }
    userErrors { field message code }
  }
}`;

async function start() {
  const s = await startShopifySandbox();
  sandbox = s;
  const tee = s.store.variantBySku('TEE-BLK-M')!;
  const cap = s.store.variantBySku('CAP-NVY')!;
  return { s, client: clientFor(s), tee, cap, product: (id: number) => `gid://shopify/Product/${id}`, variant: (id: number) => `gid://shopify/ProductVariant/${id}` };
}

describe('productVariantsBulkUpdate', () => {
  it('sets the price and compare-at price of a variant, for 10 points', async () => {
    const { s, client, tee, product, variant } = await start();
    const result = await client.request(UPDATE, { variables: { productId: product(tee.productId), variants: [{ id: variant(tee.id), price: '21.00', compareAtPrice: '24.00' }] } });
    expect(result.data.productVariantsBulkUpdate).toEqual({
      product: { id: product(tee.productId) },
      productVariants: [{ id: variant(tee.id), price: '21.00', compareAtPrice: '24.00' }],
      userErrors: [],
    });
    expect(result.extensions?.cost).toMatchObject({ requestedQueryCost: 10, actualQueryCost: 10 });
    expect(s.store.variantBySku('TEE-BLK-M')).toMatchObject({ priceCents: 2100, compareAtPriceCents: 2400 });

    const cleared = await client.request(UPDATE, { variables: { productId: product(tee.productId), variants: [{ id: variant(tee.id), compareAtPrice: null }] } });
    expect(cleared.data.productVariantsBulkUpdate.productVariants).toEqual([{ id: variant(tee.id), price: '21.00', compareAtPrice: null }]);
  });

  it('refuses a variant of another product or an unknown one; without allowPartialUpdates nothing changes', async () => {
    const { s, client, tee, cap, product, variant } = await start();
    const variants = [{ id: variant(tee.id), price: '20.00' }, { id: variant(cap.id), price: '9.00' }, { id: variant(999_999), price: '1.00' }];
    const all = await client.request(UPDATE, { variables: { productId: product(tee.productId), variants } });
    expect(all.data.productVariantsBulkUpdate.productVariants).toBeNull();
    expect(all.data.productVariantsBulkUpdate.userErrors).toEqual([
      { field: ['variants', '1', 'id'], message: 'Product variant does not belong to this product', code: 'MUST_BE_FOR_THIS_PRODUCT' },
      { field: ['variants', '2', 'id'], message: 'Product variant does not exist', code: 'PRODUCT_VARIANT_DOES_NOT_EXIST' },
    ]);
    expect(s.store.variantBySku('TEE-BLK-M')!.priceCents).toBe(2400);

    const partial = await client.request(UPDATE, { variables: { productId: product(tee.productId), variants, partial: true } });
    expect(partial.data.productVariantsBulkUpdate.productVariants).toEqual([{ id: variant(tee.id), price: '20.00', compareAtPrice: null }]);
    expect(partial.data.productVariantsBulkUpdate.userErrors).toHaveLength(2);
    expect(s.store.variantBySku('TEE-BLK-M')!.priceCents).toBe(2000);
    expect(s.store.variantBySku('CAP-NVY')!.priceCents).toBe(1950);
  });

  it('answers PRODUCT_DOES_NOT_EXIST, a missing variant id and a negative price as user errors', async () => {
    const { client, tee, product, variant } = await start();
    const noProduct = await client.request(UPDATE, { variables: { productId: product(424_242), variants: [{ id: variant(tee.id), price: '1.00' }] } });
    expect(noProduct.data.productVariantsBulkUpdate).toMatchObject({ product: null, productVariants: null, userErrors: [{ field: ['productId'], code: 'PRODUCT_DOES_NOT_EXIST' }] });
    const bad = await client.request(UPDATE, { variables: { productId: product(tee.productId), variants: [{ price: '1.00' }, { id: variant(tee.id), price: '-1.00' }] } });
    expect(bad.data.productVariantsBulkUpdate.userErrors).toEqual([
      { field: ['variants', '0', 'id'], message: 'Product variant is missing ID attribute', code: 'PRODUCT_VARIANT_ID_MISSING' },
      { field: ['variants', '1', 'price'], message: 'Price must be greater than or equal to 0', code: 'GREATER_THAN_OR_EQUAL_TO' },
    ]);
  });
});
