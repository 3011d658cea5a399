import { afterEach, describe, expect, it } from 'vitest';
import { samplePrice, sampleProduct } from '../../../canonical/fixtures.ts';
import type { Price } from '../../../canonical/price.ts';
import type { ItemOutcome } from '../../../runtime/delivery/target.ts';
import { PermanentError, TransientError } from '../../../runtime/errors.ts';
import type { RunningShopifySandbox } from '../../../sandboxes/shopify/index.ts';
import { deliveryItem } from '../../conformance/harness.ts';
import type { ShopifyConnector } from '../index.ts';
import { connectedSandbox } from '../testing.ts';
import { moneyInput } from './prices.ts';

let sandbox: RunningShopifySandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const context = { signal: new AbortController().signal, reportQuota: () => undefined };

async function open(): Promise<ShopifyConnector> {
  const opened = await connectedSandbox();
  sandbox = opened.sandbox;
  return opened.connector;
}

function priceItem(sku: string, amount: string, overrides: Partial<Price> = {}) {
  const { compareAtAmount: _compareAt, validTo: _validTo, ...base } = samplePrice({ sku, amount, priceList: 'BASE-USD', currency: 'USD' });
  const price = { ...base, ...overrides };
  const key = `${price.priceList}/${sku}`;
  return deliveryItem({ target: 'commerce', kind: 'state', key, operation: 'upsertPrice', payload: price, idempotencyKey: `upsertPrice:${key}:${amount}` });
}

function productItem(sku: string) {
  return deliveryItem({ target: 'commerce', kind: 'state', key: sku, operation: 'upsertProduct', payload: sampleProduct({ sku, name: `Product ${sku}`, hubId: `prd_${sku}` }), idempotencyKey: `upsertProduct:${sku}` });
}

const errorOf = (outcome: ItemOutcome | undefined) => (outcome && !outcome.ok ? outcome.error : undefined);
const priceOf = (sku: string) => sandbox!.store.variantBySku(sku)?.priceCents;

describe('Shopify connector: upsertPrice (productVariantsBulkUpdate)', () => {
  it('lists upsertPrice, batches 25 a request and asks for the lookups, the currency and a mutation per product', async () => {
    const connector = await open();
    expect(connector.operations).toContain('upsertPrice');
    expect(connector.budget.maxBatchSizeByOperation).toMatchObject({ upsertPrice: 25 });
    // Two SKUs not looked up yet: 2 × (connection 2 + variant 1 + product 1) + shop 1 + 2 × 10.
    expect(connector.cost!([priceItem('TEE-BLK-M', '20.00'), priceItem('CAP-NVY', '9.00')])).toBe(2 * 4 + 1 + 2 * 10);
    await connector.deliver([priceItem('TEE-BLK-M', '20.00'), priceItem('CAP-NVY', '9.00')], context);
    // Known now: only the two mutations.
    expect(connector.cost!([priceItem('TEE-BLK-M', '21.00'), priceItem('CAP-NVY', '9.50')])).toBe(2 * 10);
  });

  it('sets the price of a new product, updates it, and a second write of the same price changes nothing', async () => {
    const connector = await open();
    await connector.deliver([productItem('NEW-1')], context);
    const variantsBefore = sandbox!.store.variants.size;
    const before = { ...connector.calls };

    const first = await connector.deliver([priceItem('NEW-1', '49.00'), priceItem('TEE-BLK-M', '21.500000')], context);
    expect(first.map((outcome) => outcome.ok)).toEqual([true, true]);
    expect(first[0]).toEqual({ ok: true, externalId: `gid://shopify/ProductVariant/${sandbox!.store.variantBySku('NEW-1')!.id}` });
    expect(priceOf('NEW-1')).toBe(4900);
    expect(priceOf('TEE-BLK-M')).toBe(2150);
    // One lookup (with the shop's currency) and one request of two aliased mutations.
    expect(connector.calls.query - before.query).toBe(1);
    expect(connector.calls.mutation - before.mutation).toBe(1);

    const updated = await connector.deliver([priceItem('NEW-1', '44.00', { compareAtAmount: '49.00' })], context);
    expect(updated[0]).toMatchObject({ ok: true });
    expect(sandbox!.store.variantBySku('NEW-1')).toMatchObject({ priceCents: 4400, compareAtPriceCents: 4900 });
    // The variant is known: no lookup this time.
    expect(connector.calls.query - before.query).toBe(1);

    const again = await connector.deliver([priceItem('NEW-1', '44.00')], context);
    expect(again[0]).toMatchObject({ ok: true });
    // Without a compare-at amount the compare-at price is left alone.
    expect(sandbox!.store.variantBySku('NEW-1')).toMatchObject({ priceCents: 4400, compareAtPriceCents: 4900 });
    expect(sandbox!.store.variants.size).toBe(variantsBefore);
  });

  it('refuses a price in another currency than the shop\'s, naming the field, and writes the others', async () => {
    const connector = await open();
    const outcomes = await connector.deliver([priceItem('TEE-BLK-M', '19.00', { currency: 'EUR', priceList: 'BASE-EUR' }), priceItem('CAP-NVY', '18.00')], context);
    const error = errorOf(outcomes[0]);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'CURRENCY_MISMATCH', field: 'currency', system: 'shopify' });
    expect((error as Error).message).toMatch(/EUR is not the shop's currency USD/);
    expect(outcomes[1]).toMatchObject({ ok: true });
    expect(priceOf('TEE-BLK-M')).toBe(2400);
    expect(priceOf('CAP-NVY')).toBe(1800);
  });

  it('fails a SKU the shop does not have with UNKNOWN_SKU, telling to load the products first', async () => {
    const connector = await open();
    const [outcome] = await connector.deliver([priceItem('GHOST-9', '5.00')], context);
    const error = errorOf(outcome);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'UNKNOWN_SKU', field: 'sku' });
    expect((error as Error).message).toMatch(/GHOST-9.*load the products first/);
    expect(connector.calls.mutation).toBe(0);
  });

  it('retries a price whose remembered variant is gone, and finds the SKU\'s new variant then', async () => {
    const connector = await open();
    await connector.deliver([productItem('NEW-2')], context);
    expect((await connector.deliver([priceItem('NEW-2', '10.00')], context))[0]).toMatchObject({ ok: true });
    // The merchant deletes the product and creates it again: same SKU, new ids.
    const old = sandbox!.store.variantBySku('NEW-2')!;
    sandbox!.store.variants.delete(old.id);
    sandbox!.store.products.delete(old.productId);
    await connector.deliver([productItem('NEW-2')], context);

    const [stale] = await connector.deliver([priceItem('NEW-2', '12.00')], context);
    expect(errorOf(stale)).toBeInstanceOf(TransientError);
    expect(errorOf(stale)).toMatchObject({ code: 'PRODUCT_DOES_NOT_EXIST' });
    const [retried] = await connector.deliver([priceItem('NEW-2', '12.00')], context);
    expect(retried).toEqual({ ok: true, externalId: `gid://shopify/ProductVariant/${sandbox!.store.variantBySku('NEW-2')!.id}` });
    expect(priceOf('NEW-2')).toBe(1200);
  });

  it('refuses tier prices, and writes one price when two price lists of a batch name the same SKU', async () => {
    const connector = await open();
    const outcomes = await connector.deliver([priceItem('CAP-NVY', '5.00', { minQuantity: 12 }), priceItem('SOCK-3PK', '14.00'), priceItem('SOCK-3PK', '13.00', { priceList: 'RETAIL-USD' })], context);
    expect(errorOf(outcomes[0])).toMatchObject({ code: 'TIER_PRICE_UNSUPPORTED', field: 'minQuantity' });
    expect(outcomes.slice(1).map((outcome) => outcome.ok)).toEqual([true, true]);
    expect(priceOf('SOCK-3PK')).toBe(1300);
    expect(priceOf('CAP-NVY')).toBe(1950);
  });

  it('writes amounts as Shopify money: zeros past the cents dropped', () => {
    expect(moneyInput('19.500000')).toBe('19.50');
    expect(moneyInput('19.5')).toBe('19.50');
    expect(moneyInput('7')).toBe('7');
    expect(moneyInput('0.125')).toBe('0.125');
  });
});
