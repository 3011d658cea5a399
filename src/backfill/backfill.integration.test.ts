import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../adapters/sqlite/index.ts';
import type { Connector, RecordSource } from '../connectors/connector.ts';
import { startNetSuiteFixture, type NetSuiteFixture } from '../connectors/netsuite/testing.ts';
import type { SalesforceConnector } from '../connectors/salesforce/index.ts';
import { connectedSandbox as salesforceSandbox, records as salesforceRecords } from '../connectors/salesforce/test-support.ts';
import { connectedSandbox as shopifySandbox } from '../connectors/shopify/testing.ts';
import { DAY_MS } from '../connectors/salesforce/limits.ts';
import type { BulkLoadResult } from './bulk-writer.ts';
import { BackfillJobStore, type BackfillJob } from './job.ts';
import { runBackfill } from './runner.ts';
import { basePrices, customerNumber, productSku, seedCustomers, seedProducts } from './testing.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function erp(): Promise<NetSuiteFixture> {
  const fixture = await startNetSuiteFixture({ sandbox: { demoData: false }, connector: { source: { currency: 'USD' } } });
  closers.push(() => fixture.close());
  return fixture;
}

async function storage(): Promise<EmbeddedAdapters> {
  const adapters = await openSqlite({ path: ':memory:' });
  closers.push(() => adapters.close());
  return adapters;
}

async function crm(options: Parameters<typeof salesforceSandbox>[1] = {}) {
  const opened = await salesforceSandbox({}, options);
  closers.push(() => opened.sandbox.close());
  return opened;
}

/** The connector with its bulk jobs recorded (what Salesforce created and updated per job). */
function recordingBulk(connector: SalesforceConnector, onJob?: (result: BulkLoadResult) => void): { connector: Connector; jobs: BulkLoadResult[] } {
  const jobs: BulkLoadResult[] = [];
  return {
    jobs,
    connector: {
      ...connector,
      bulkLoad: async (operation: Parameters<SalesforceConnector['bulkLoad']>[0], payloads: readonly unknown[], options?: { pollIntervalMs?: number }) => {
        const result = await connector.bulkLoad(operation, payloads, options);
        jobs.push(result);
        onJob?.(result);
        return result;
      },
    } as Connector,
  };
}

/** The source with every read's cursor recorded. */
function recordingSource(connector: Connector): { connector: Connector; cursors: (string | undefined)[] } {
  const cursors: (string | undefined)[] = [];
  const inner = connector.source!;
  const source: RecordSource = {
    entities: inner.entities,
    read: (entity, options) => {
      cursors.push(options.cursor);
      return inner.read(entity, options);
    },
  };
  return { cursors, connector: { ...connector, source } };
}

describe('backfill NetSuite → Salesforce (Bulk API 2.0)', () => {
  it('loads 2,100 customers with the right fields, and reports the bad ones with field and reason without stopping', async () => {
    const netsuite = await erp();
    seedCustomers(netsuite.netsuite, 2_100, { invalidEmails: [7, 1_500], longFirstNames: [42] });
    const adapters = await storage();
    const { sandbox, connector } = await crm();
    const bulk = recordingBulk(connector);
    const progress: BackfillJob[] = [];

    const job = await runBackfill({
      storage: adapters.storage, source: netsuite.connector, target: bulk.connector, entity: 'customer',
      pageSize: 500, chunkSize: 1_000, bulkPollIntervalMs: 10, onProgress: (snapshot) => progress.push(snapshot),
    });

    expect(job).toMatchObject({ id: 'customer:erp->crm', status: 'completed', path: 'bulk', operation: 'upsertCustomer', read: 2_100, written: 2_097, failed: 3, estimatedTotal: 2_100, chunks: 3 });
    expect(bulk.jobs.map((result) => result.created + result.updated + result.failed.length)).toEqual([999, 999, 100]);
    const accounts = salesforceRecords(sandbox, 'Account').filter((account) => String(account.External_Id__c).startsWith('CUST-BF-'));
    expect(accounts).toHaveLength(2_097);
    expect(accounts.find((account) => account.External_Id__c === customerNumber(1_234))).toMatchObject({
      IsPersonAccount: true, FirstName: 'Given1234', LastName: 'Family1234', PersonEmail: 'customer1234@example.com',
    });
    expect(accounts.some((account) => account.External_Id__c === customerNumber(7))).toBe(false);

    const failures = await new BackfillJobStore(adapters.storage.records).failures(job, { limit: 100 });
    expect(failures).toHaveLength(3);
    expect(failures.filter((failure) => failure.stage === 'source')).toEqual([
      expect.objectContaining({ field: 'emails[0].address', reason: expect.stringMatching(/emails\[0\]\.address .*e-?mail/i) }),
      expect.objectContaining({ field: 'emails[0].address' }),
    ]);
    expect(failures.find((failure) => failure.stage === 'target')).toMatchObject({ key: customerNumber(42), code: 'STRING_TOO_LONG', field: 'FirstName' });
    // Progress was visible while it ran: the total was known after the first page.
    expect(progress.find((snapshot) => snapshot.chunks === 1)).toMatchObject({ read: 1_000, estimatedTotal: 2_100, status: 'running' });
  });

  it('resumes after an interruption from the last committed chunk: every product loaded once, only the remaining pages read again', async () => {
    const netsuite = await erp();
    seedProducts(netsuite.netsuite, 2_000);
    const adapters = await storage();
    const { sandbox, connector } = await crm();
    const bulk = recordingBulk(connector);
    const stop = new AbortController();
    const first = recordingSource(netsuite.connector);
    const options = { storage: adapters.storage, target: bulk.connector, entity: 'product', pageSize: 250, chunkSize: 500, bulkPollIntervalMs: 10 };

    const interrupted = await runBackfill({
      ...options, source: first.connector, signal: stop.signal,
      // Ctrl-C arrives while the second chunk is being written: that chunk finishes, its cursor is saved.
      onProgress: (job, activity) => {
        if (job.chunks === 1 && activity.startsWith('writing')) stop.abort();
      },
    });
    expect(interrupted).toMatchObject({ status: 'interrupted', read: 1_000, written: 1_000, chunks: 2 });
    expect(first.cursors).toHaveLength(4);
    expect(interrupted.cursor).not.toBeNull();

    const second = recordingSource(netsuite.connector);
    const resumed = await runBackfill({ ...options, source: second.connector });
    expect(resumed).toMatchObject({ status: 'completed', run: 1, read: 2_000, written: 2_000, failed: 0, chunks: 4 });
    // The resumed run starts at the saved cursor and reads the four remaining pages only.
    expect(second.cursors).toHaveLength(4);
    expect(second.cursors[0]).toBe(interrupted.cursor);
    expect(new Set([...first.cursors, ...second.cursors].filter(Boolean)).size).toBe(7);

    const products = salesforceRecords(sandbox, 'Product2');
    const perSku = new Map<string, number>();
    for (const product of products) perSku.set(String(product.External_Id__c), (perSku.get(String(product.External_Id__c)) ?? 0) + 1);
    expect(perSku.size).toBe(2_000);
    expect([...perSku.values()].every((count) => count === 1)).toBe(true);
    // Each product was written by exactly one job, and created there (no chunk was written twice).
    expect(bulk.jobs.reduce((sum, result) => sum + result.created, 0)).toBe(2_000);
    expect(bulk.jobs.reduce((sum, result) => sum + result.updated, 0)).toBe(0);
    expect(products.find((product) => product.External_Id__c === productSku(1_999))).toMatchObject({ Name: 'Backfill item 1999', ProductCode: productSku(1_999), IsActive: true });

    // Run again: the job is complete and nothing is read or written; --restart loads again as run 2.
    const third = recordingSource(netsuite.connector);
    expect(await runBackfill({ ...options, source: third.connector })).toMatchObject({ status: 'completed', run: 1 });
    expect(third.cursors).toHaveLength(0);
    const restarted = await runBackfill({ ...options, source: third.connector, restart: true, limit: 500 });
    expect(restarted).toMatchObject({ status: 'interrupted', run: 2, read: 500, written: 500 });
    expect(bulk.jobs.at(-1)).toMatchObject({ created: 0, updated: 500 });
  });

  it('keeps to its share of the daily API allocation: never more than half of it in any 24 hours', async () => {
    const netsuite = await erp();
    seedProducts(netsuite.netsuite, 600);
    const adapters = await storage();
    // 40 calls a day; the backfill may use 20; a Bulk API job takes 7, so two jobs fit in a day.
    const { sandbox, connector } = await crm({ dailyRequestLimit: 40 });
    let now = Date.parse('2026-11-23T08:00:00Z');
    const jobStarts: number[] = [];
    const bulk = recordingBulk(connector);
    const recorded = bulk.connector as Connector & Pick<SalesforceConnector, 'bulkLoad'>;
    const target = { ...recorded, bulkLoad: (...args: Parameters<SalesforceConnector['bulkLoad']>) => (jobStarts.push(now), recorded.bulkLoad(...args)) };
    const usedBefore = sandbox.org.apiUsage.used;

    const job = await runBackfill({
      storage: adapters.storage, source: netsuite.connector, target, entity: 'product', pageSize: 100, chunkSize: 100, bulkPollIntervalMs: 10,
      clock: () => now,
      // Waiting for quota moves the clock instead of the test waiting a day.
      sleep: async (ms) => {
        now += ms;
      },
    });

    expect(job).toMatchObject({ status: 'completed', written: 600, quota: { share: 0.5, requestLimit: 20, requests: 42 } });
    expect(job.quota.waits).toBeGreaterThan(0);
    expect(jobStarts).toHaveLength(6);
    // The budget counts its window in 60 slices, so a call leaves the window up to one slice before 24 h.
    const window = DAY_MS - DAY_MS / 60;
    for (const start of jobStarts) {
      const inWindow = jobStarts.filter((other) => other <= start && other > start - window).length;
      expect(inWindow * 7).toBeLessThanOrEqual(20);
    }
    // What the org itself counted is no more than what the backfill charged to its share.
    expect(sandbox.org.apiUsage.used - usedBefore).toBeLessThanOrEqual(job.quota.requests);
    expect(sandbox.org.apiUsage.used - usedBefore).toBeGreaterThanOrEqual(6 * 6);
  });
});

describe('backfill NetSuite → Shopify (delivery queue)', () => {
  it('delivers products through the batched delivery path within its share of the cost bucket and concurrency', async () => {
    const netsuite = await erp();
    seedProducts(netsuite.netsuite, 120);
    const adapters = await storage();
    // A Shopify Plus store: 10,000 points restoring 1,000 a second (Standard's 100/s would make this test wait).
    const { sandbox, connector } = await shopifySandbox({ bucket: { capacity: 10_000, restorePerSecond: 1_000 } }, { plan: 'plus' });
    closers.push(() => sandbox.close());
    const variantsBefore = sandbox.store.variants.size;

    const job = await runBackfill({ storage: adapters.storage, source: netsuite.connector, target: connector, entity: 'product', pageSize: 50, deliveryPollMs: 10 });

    expect(job).toMatchObject({ id: 'product:erp->commerce', status: 'completed', path: 'delivery', operation: 'upsertProduct', read: 120, written: 120, failed: 0 });
    expect(sandbox.store.variants.size).toBe(variantsBefore + 120);
    const variant = sandbox.store.variantBySku(productSku(77))!;
    expect(sandbox.store.products.get(variant.productId)).toMatchObject({ title: 'Backfill item 77', status: 'ACTIVE', productType: 'Uncategorised' });
    // Half of Shopify's two parallel requests and of the bucket; 25 products a request.
    expect(job.quota).toMatchObject({ share: 0.5, concurrencyLimit: 1, costCapacity: 5_000, peakInFlight: 1 });
    expect(job.quota.requests).toBe(5);
    expect(connector.calls.mutation).toBe(5);
    const stats = await adapters.storage.delivery.stats('commerce');
    expect(stats[0]).toMatchObject({ delivered: 120, pending: 0, dead: 0 });
  });
});

describe('backfill NetSuite prices → Salesforce and Shopify (delivery queue)', () => {
  it('loads every base price into the standard price book and onto the variants once the products are there; a SKU without a product fails alone', async () => {
    const netsuite = await erp();
    seedProducts(netsuite.netsuite, 120);
    const [seventh] = netsuite.netsuite.records.store.list('inventoryItem').filter((item) => item.fields.itemId === productSku(7));
    netsuite.netsuite.records.update(seventh!, { basePrice: 19.99 });
    const adapters = await storage();
    const { sandbox: org, connector: crmConnector } = await crm();
    const { sandbox: shop, connector: commerce } = await shopifySandbox({ bucket: { capacity: 10_000, restorePerSecond: 1_000 } }, { plan: 'plus' });
    closers.push(() => shop.close());
    const load = (entity: string, target: Connector) =>
      runBackfill({ storage: adapters.storage, source: netsuite.connector, target, entity, pageSize: 50, deliveryPollMs: 10, bulkPollIntervalMs: 10 });

    // Day one: the products first, then their prices.
    expect(await load('product', crmConnector)).toMatchObject({ status: 'completed', written: 120 });
    expect(await load('product', commerce)).toMatchObject({ status: 'completed', written: 120 });
    // An item created after the products were loaded: its price has no product to go on yet.
    netsuite.netsuite.records.create('inventoryItem', { itemId: 'LATE-1', displayName: 'Late item', basePrice: 5 }, 'ITEM-LATE-1');
    const callsBefore = org.org.apiUsage.used;

    const toCrm = await load('price', crmConnector);
    expect(toCrm).toMatchObject({ id: 'price:erp->crm', status: 'completed', path: 'delivery', operation: 'upsertPrice', read: 121, written: 120, failed: 1, chunks: 3 });
    // Per chunk of 50 prices: one Composite of queries and one Collections create.
    expect(org.org.apiUsage.used - callsBefore).toBe(3 * 2);
    const toCommerce = await load('price', commerce);
    expect(toCommerce).toMatchObject({ id: 'price:erp->commerce', status: 'completed', path: 'delivery', operation: 'upsertPrice', read: 121, written: 120, failed: 1 });

    const expected = new Map([...basePrices(netsuite.netsuite)].filter(([sku]) => sku !== 'LATE-1'));
    expect(expected.size).toBe(120);
    expect(expected.get(productSku(7))).toBe(19.99);
    const skuOfProduct = new Map(salesforceRecords(org, 'Product2').map((product) => [product.Id, String(product.External_Id__c)]));
    const entries = salesforceRecords(org, 'PricebookEntry').filter((entry) => entry.Pricebook2Id === org.org.standardPricebookId);
    expect(entries).toHaveLength(120);
    expect(entries.every((entry) => entry.IsActive === true)).toBe(true);
    expect(new Map(entries.map((entry) => [skuOfProduct.get(entry.Product2Id), Number(entry.UnitPrice)]))).toEqual(expected);
    expect(new Map([...expected.keys()].map((sku) => [sku, shop.store.variantBySku(sku)!.priceCents / 100]))).toEqual(expected);

    const jobs = new BackfillJobStore(adapters.storage.records);
    expect(await jobs.failures(toCrm, { limit: 10 })).toEqual([expect.objectContaining({ key: 'BASE-USD/LATE-1', stage: 'target', code: 'PRODUCT_NOT_FOUND', field: 'sku' })]);
    expect(await jobs.failures(toCommerce, { limit: 10 })).toEqual([expect.objectContaining({ key: 'BASE-USD/LATE-1', stage: 'target', code: 'UNKNOWN_SKU', field: 'sku' })]);

    // Run again (--restart): every price is already there; Salesforce is only read.
    const readOnly = org.org.apiUsage.used;
    expect(await runBackfill({ storage: adapters.storage, source: netsuite.connector, target: crmConnector, entity: 'price', pageSize: 50, deliveryPollMs: 10, restart: true })).toMatchObject({ run: 2, written: 120, failed: 1 });
    expect(org.org.apiUsage.used - readOnly).toBe(3);
    expect(salesforceRecords(org, 'PricebookEntry')).toHaveLength(120);
  });
});
