import { afterEach, describe, expect, it } from 'vitest';
import { samplePrice, sampleProduct } from '../../canonical/fixtures.ts';
import type { Price } from '../../canonical/price.ts';
import type { ItemOutcome } from '../../runtime/delivery/target.ts';
import { PermanentError, TransientError } from '../../runtime/errors.ts';
import type { SalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import { deliveryItem, recordingContext } from '../conformance/harness.ts';
import { createSalesforceConnector, type SalesforceConnector } from './index.ts';
import { connectedSandbox, records } from './test-support.ts';

let sandbox: SalesforceSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function open(connectorOptions: Parameters<typeof connectedSandbox>[1] = {}): Promise<SalesforceConnector> {
  const opened = await connectedSandbox({}, connectorOptions);
  sandbox = opened.sandbox;
  return opened.connector;
}

function priceItem(sku: string, amount: string, overrides: Partial<Price> = {}) {
  const price = samplePrice({ sku, amount, priceList: 'BASE-USD', currency: 'USD', ...overrides });
  const key = `${price.priceList}/${sku}`;
  return deliveryItem({ target: 'crm', kind: 'state', key, operation: 'upsertPrice', payload: price, idempotencyKey: `upsertPrice:${key}:${amount}` });
}

async function withProducts(connector: SalesforceConnector, skus: string[]): Promise<void> {
  const items = skus.map((sku) => deliveryItem({ target: 'crm', kind: 'state', key: sku, operation: 'upsertProduct', payload: sampleProduct({ sku, name: `Product ${sku}` }), idempotencyKey: `upsertProduct:${sku}` }));
  const outcomes = await connector.deliver(items, recordingContext());
  expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
}

/** Standard price book entries by SKU, read in process. */
function standardPrices(box: SalesforceSandbox): Map<string, Record<string, unknown>[]> {
  return pricesIn(box, box.org.standardPricebookId);
}

/** A price book's entries by SKU, read in process. */
function pricesIn(box: SalesforceSandbox, pricebookId: string): Map<string, Record<string, unknown>[]> {
  const productSku = new Map(records(box, 'Product2').map((product) => [product.Id, String(product.External_Id__c)]));
  const bySku = new Map<string, Record<string, unknown>[]>();
  for (const entry of records(box, 'PricebookEntry').filter((candidate) => candidate.Pricebook2Id === pricebookId)) {
    const sku = productSku.get(entry.Product2Id) ?? '?';
    bySku.set(sku, [...(bySku.get(sku) ?? []), entry]);
  }
  return bySku;
}

const requestsDuring = async (connector: SalesforceConnector, work: () => Promise<ItemOutcome[]>) => {
  const before = connector.client.calls.requests;
  const outcomes = await work();
  return { outcomes, requests: connector.client.calls.requests - before };
};

describe('Salesforce connector: upsertPrice (price book entries)', () => {
  it('lists upsertPrice among its operations, but not among those it bulk-loads', async () => {
    const connector = await open();
    expect(connector.operations).toContain('upsertPrice');
    expect(connector.bulkOperations).not.toContain('upsertPrice');
    expect(connector.bulkOperations).toContain('upsertProduct');
  });

  it('creates, then updates, one active entry per product; an unchanged price is not written again', async () => {
    const connector = await open();
    await withProducts(connector, ['TEE-1', 'CAP-1', 'SOCK-1']);

    const created = await requestsDuring(connector, () => connector.deliver([priceItem('TEE-1', '24.00'), priceItem('CAP-1', '19.50'), priceItem('SOCK-1', '15.00')], recordingContext()));
    expect(created.outcomes.map((outcome) => outcome.ok)).toEqual([true, true, true]);
    // One Composite of queries (with the standard price book's Id) and one Collections create.
    expect(created.requests).toBe(2);
    let prices = standardPrices(sandbox!);
    expect(prices.get('TEE-1')).toEqual([expect.objectContaining({ UnitPrice: 24, IsActive: true, ProductCode: 'TEE-1' })]);
    expect(prices.get('CAP-1')).toEqual([expect.objectContaining({ UnitPrice: 19.5, IsActive: true })]);
    expect((created.outcomes[0] as { externalId: string }).externalId).toBe(prices.get('TEE-1')![0]!.Id);

    // A new price for TEE-1, an unchanged one for CAP-1, a first one for a product created since.
    await withProducts(connector, ['HOOD-1']);
    const changed = await requestsDuring(connector, () => connector.deliver([priceItem('TEE-1', '21.00'), priceItem('CAP-1', '19.50'), priceItem('HOOD-1', '68.00')], recordingContext()));
    expect(changed.outcomes.map((outcome) => outcome.ok)).toEqual([true, true, true]);
    // The read, then one Composite carrying the create and the update (one API call).
    expect(changed.requests).toBe(2);
    prices = standardPrices(sandbox!);
    expect(prices.get('TEE-1')).toEqual([expect.objectContaining({ UnitPrice: 21 })]);
    expect(prices.get('HOOD-1')).toEqual([expect.objectContaining({ UnitPrice: 68 })]);
    expect([...prices.values()].every((entries) => entries.length === 1)).toBe(true);

    // The same prices again (a redelivery, a backfill run twice): answered from the read alone.
    const stamps = records(sandbox!, 'PricebookEntry').map((entry) => entry.SystemModstamp);
    const again = await requestsDuring(connector, () => connector.deliver([priceItem('TEE-1', '21.00'), priceItem('CAP-1', '19.50'), priceItem('HOOD-1', '68.00')], recordingContext()));
    expect(again.outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(again.requests).toBe(1);
    expect(records(sandbox!, 'PricebookEntry').map((entry) => entry.SystemModstamp)).toEqual(stamps);
    expect(records(sandbox!, 'PricebookEntry')).toHaveLength(4);
  });

  it('updates an entry someone else created (no DUPLICATE_VALUE) and reactivates it', async () => {
    const connector = await open();
    await withProducts(connector, ['TEE-1']);
    const product = records(sandbox!, 'Product2')[0]!;
    const ctx = { userId: sandbox!.org.users[0]!.userId, now: Date.now() };
    sandbox!.org.dml.create(sandbox!.org.dml.object('PricebookEntry'), { Pricebook2Id: sandbox!.org.standardPricebookId, Product2Id: product.Id, UnitPrice: 30, IsActive: false }, ctx);

    const [outcome] = await connector.deliver([priceItem('TEE-1', '26.00')], recordingContext());
    expect(outcome).toMatchObject({ ok: true });
    expect(standardPrices(sandbox!).get('TEE-1')).toEqual([expect.objectContaining({ UnitPrice: 26, IsActive: true })]);
  });

  it('fails a price whose product is not in Salesforce with PRODUCT_NOT_FOUND naming the SKU, and writes the others', async () => {
    const connector = await open();
    await withProducts(connector, ['TEE-1']);
    const outcomes = await connector.deliver([priceItem('GHOST-9', '5.00'), priceItem('TEE-1', '24.00')], recordingContext());
    expect(outcomes[1]).toMatchObject({ ok: true });
    const error = (outcomes[0] as { ok: false; error: unknown }).error;
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'PRODUCT_NOT_FOUND', field: 'sku', system: 'salesforce', retryable: false });
    expect((error as Error).message).toContain('GHOST-9');
    expect((error as Error).message).toMatch(/load the products first/);
    expect(standardPrices(sandbox!).has('?')).toBe(false);
    expect(records(sandbox!, 'PricebookEntry')).toHaveLength(1);
  });

  it('refuses a tier price (from a quantity above 1) without calling Salesforce', async () => {
    const connector = await open();
    const before = connector.client.calls.requests;
    const [outcome] = await connector.deliver([priceItem('TEE-1', '20.00', { minQuantity: 10 })], recordingContext());
    expect((outcome as { ok: false; error: unknown }).error).toMatchObject({ code: 'TIER_PRICE_UNSUPPORTED', field: 'minQuantity' });
    expect(connector.client.calls.requests).toBe(before);
  });

  it('writes one entry when two price lists of a batch name the same SKU (the later price wins)', async () => {
    const connector = await open();
    await withProducts(connector, ['TEE-1']);
    const outcomes = await connector.deliver([priceItem('TEE-1', '24.00'), priceItem('TEE-1', '22.00', { priceList: 'RETAIL-USD' })], recordingContext());
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true]);
    expect(standardPrices(sandbox!).get('TEE-1')).toEqual([expect.objectContaining({ UnitPrice: 22 })]);
  });

  it('writes a price list named in priceBooks to that price book, after the standard prices of the batch, in the same two calls', async () => {
    const connector = await open({ priceBooks: { 'WHOLESALE-USD': 'Wholesale' } });
    const ctx = { userId: sandbox!.org.users[0]!.userId, now: Date.now() };
    const wholesale = sandbox!.org.dml.create(sandbox!.org.dml.object('Pricebook2'), { Name: 'Wholesale', IsActive: true }, ctx);
    await withProducts(connector, ['TEE-1', 'CAP-1']);

    const first = await requestsDuring(connector, () =>
      connector.deliver([priceItem('TEE-1', '16.00', { priceList: 'WHOLESALE-USD' }), priceItem('TEE-1', '24.00'), priceItem('CAP-1', '19.50')], recordingContext()),
    );
    expect(first.outcomes.map((outcome) => outcome.ok)).toEqual([true, true, true]);
    expect(first.requests).toBe(2);
    expect(pricesIn(sandbox!, wholesale).get('TEE-1')).toEqual([expect.objectContaining({ UnitPrice: 16, IsActive: true })]);
    expect(pricesIn(sandbox!, wholesale).has('CAP-1')).toBe(false);
    expect(standardPrices(sandbox!).get('TEE-1')).toEqual([expect.objectContaining({ UnitPrice: 24 })]);

    // A new wholesale price updates that entry only; the standard price is left as it is.
    const second = await requestsDuring(connector, () => connector.deliver([priceItem('TEE-1', '15.00', { priceList: 'WHOLESALE-USD' })], recordingContext()));
    expect(second.outcomes.map((outcome) => outcome.ok)).toEqual([true]);
    expect(second.requests).toBe(2);
    expect(pricesIn(sandbox!, wholesale).get('TEE-1')).toEqual([expect.objectContaining({ UnitPrice: 15 })]);
    expect(standardPrices(sandbox!).get('TEE-1')).toEqual([expect.objectContaining({ UnitPrice: 24 })]);
  });

  it('retries a custom price whose product has no standard price yet, and fails a price book Salesforce does not have, naming it', async () => {
    const connector = await open({ priceBooks: { 'WHOLESALE-USD': 'Wholesale', 'OUTLET-USD': 'Outlet' } });
    const ctx = { userId: sandbox!.org.users[0]!.userId, now: Date.now() };
    sandbox!.org.dml.create(sandbox!.org.dml.object('Pricebook2'), { Name: 'Wholesale', IsActive: true }, ctx);
    await withProducts(connector, ['CAP-1']);

    const [noStandard, noBook] = await connector.deliver([priceItem('CAP-1', '12.00', { priceList: 'WHOLESALE-USD' }), priceItem('CAP-1', '9.00', { priceList: 'OUTLET-USD' })], recordingContext());
    const retried = (noStandard as { ok: false; error: unknown }).error;
    expect(retried).toBeInstanceOf(TransientError);
    expect(retried).toMatchObject({ code: 'STANDARD_PRICE_NOT_DEFINED', field: 'sku', retryable: true });
    expect((retried as Error).message).toMatch(/load the standard price list first/);
    const refused = (noBook as { ok: false; error: unknown }).error;
    expect(refused).toBeInstanceOf(PermanentError);
    expect(refused).toMatchObject({ code: 'PRICEBOOK_NOT_FOUND', field: 'priceList' });
    expect((refused as Error).message).toContain('no price book named "Outlet"');
    expect(records(sandbox!, 'PricebookEntry')).toHaveLength(0);

    // Once the standard price is in, the retry goes through.
    await connector.deliver([priceItem('CAP-1', '19.50')], recordingContext());
    const [retry] = await connector.deliver([priceItem('CAP-1', '12.00', { priceList: 'WHOLESALE-USD' })], recordingContext());
    expect(retry).toMatchObject({ ok: true });
  });

  it('refuses a priceBooks setting that does not name a price book', () => {
    expect(() => createSalesforceConnector({ loginUrl: 'https://login.salesforce.com', credentials: { flow: 'client-credentials', clientId: 'x', clientSecret: 'y' }, priceBooks: { 'WHOLESALE-USD': ' ' } })).toThrow(
      'priceBooks.WHOLESALE-USD must be the Name of a Salesforce price book, got " "',
    );
  });
});
