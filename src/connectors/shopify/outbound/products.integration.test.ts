import { afterEach, describe, expect, it } from 'vitest';
import { sampleProduct } from '../../../canonical/fixtures.ts';
import type { RunningShopifySandbox } from '../../../sandboxes/shopify/index.ts';
import { deliveryItem } from '../../conformance/harness.ts';
import { connectedSandbox } from '../testing.ts';

let sandbox: RunningShopifySandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const context = { signal: new AbortController().signal, reportQuota: () => undefined };

function productItem(sku: string, name: string, active = true) {
  const product = sampleProduct({ sku, name, active, hubId: `prd_${sku}` });
  return deliveryItem({ target: 'commerce', kind: 'state', key: sku, operation: 'upsertProduct', payload: product, idempotencyKey: `upsertProduct:${sku}:${name}` });
}

describe('Shopify connector: upsertProduct (productSet, batched)', () => {
  it('creates new SKUs and updates existing ones in two requests, and a redelivery creates no twin', async () => {
    const opened = await connectedSandbox();
    sandbox = opened.sandbox;
    const { connector } = opened;
    const variantsBefore = sandbox.store.variants.size;
    const batch = [productItem('NEW-1', 'Trail runner'), productItem('NEW-2', 'Rain jacket', false), productItem('TEE-BLK-M', 'Organic Tee Black M')];
    const outcomes = await connector.deliver(batch, context);
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true, true]);
    expect(connector.calls).toMatchObject({ query: 1, mutation: 1 });
    expect(sandbox.store.variants.size).toBe(variantsBefore + 2);
    const jacket = sandbox.store.variantBySku('NEW-2')!;
    expect(sandbox.store.products.get(jacket.productId)).toMatchObject({ title: 'Rain jacket', status: 'DRAFT', handle: 'new-2' });
    expect(sandbox.store.variantBySku('TEE-BLK-M')!.productTitle).toBe('Organic Tee Black M');

    const again = await connector.deliver([productItem('NEW-1', 'Trail runner v2')], context);
    expect(again[0]).toEqual({ ok: true, externalId: `gid://shopify/Product/${sandbox.store.variantBySku('NEW-1')!.productId}` });
    expect(sandbox.store.variants.size).toBe(variantsBefore + 2);
    expect(sandbox.store.variantBySku('NEW-1')!.productTitle).toBe('Trail runner v2');
  });

  it('asks the budget for the points of a lookup and a mutation per product, 25 products a request', () => {
    return connectedSandbox().then(({ sandbox: opened, connector }) => {
      sandbox = opened;
      expect(connector.budget.maxBatchSizeByOperation).toMatchObject({ upsertProduct: 25 });
      expect(connector.cost!([productItem('A', 'a'), productItem('B', 'b')])).toBe(2 * (3 + 1 + 10));
    });
  });
});
