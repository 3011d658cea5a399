import { afterEach, describe, expect, it, vi } from 'vitest';
import { createInventorySync } from '../flows/inventory-sync/index.ts';
import { shopifyAvailable } from '../flows/inventory-sync/sandbox-stock.ts';
import { erpLevelEvent } from '../flows/inventory-sync/testing.ts';
import { startRetailWorld, type RetailWorld } from '../flows/testing/world.ts';
import { eventually } from '../ports/conformance/harness.ts';
import { BackfillJobStore, type BackfillJob } from './job.ts';
import { runBackfill, type BackfillOptions } from './runner.ts';
import { productSku, seedProducts } from './testing.ts';

/**
 * A backfill running alongside the live flows, on the sandboxes (issue 5: the initial load must
 * not starve the live flows of quota). The retail world's hub runs the inventory sync, whose
 * level changes go to Shopify through the hub's delivery queue for `commerce`; at the same time
 * a product backfill NetSuite → Shopify goes through that same queue and the same cost bucket
 * (a Standard store's: 1,000 points restoring 100 a second). A batch of 25 products costs 350
 * points, so the backfill alone would keep the bucket drained; at its default share it must wait
 * for its half instead, and the live writes must get through while it waits.
 *
 * Every request the hub and the backfill make to the Shopify sandbox is recorded with the cost
 * figures the sandbox answers (`extensions.cost`), so the bucket is read as Shopify reports it.
 */

/** The product backfill's job id. */
const JOB = 'product:erp->commerce';
/** The world's NetSuite holds the six demo items; with these, four requests of 25 products. */
const SEEDED = 94;
const TOTAL = SEEDED + 6;
/** Shopify operations only the product backfill sends (outbound/products.ts). */
const BACKFILL_OPERATIONS = new Set(['ProductsBySku', 'SetProducts']);
/** Stock changes made while the backfill runs: one after each of its first three chunks. */
const LIVE_CHANGES = [
  { sku: 'TRAIL-TEE-M-BLK', location: 'STORE-001', available: 77 },
  { sku: 'CANVAS-CAP-NVY', location: 'DC-EAST', available: 41 },
  { sku: 'MERINO-SOCK-M-GRY', location: 'STORE-001', available: 13 },
] as const;

/** One GraphQL request to the Shopify sandbox and the cost figures it answered. */
interface ShopifyCall {
  operation: string;
  requested: number;
  /** The bucket right after the request's requested cost was taken (before Shopify refunds the unused part); null when nothing was taken. */
  bucketAfterTake: number | null;
  throttled: boolean;
}

let world: RetailWorld | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await world?.close();
  world = undefined;
});

async function startWorld(): Promise<RetailWorld> {
  world = await startRetailWorld({
    modules: (deps) => [createInventorySync(deps)],
    // No safety stock: Shopify shows exactly the level published.
    settings: { inventory: { publishWindowMs: 50, safetyStock: { byChannel: { commerce: 0, crm: 0 } } } },
  });
  await world.quiet();
  return world;
}

/**
 * Records every GraphQL request to the Shopify sandbox, whoever sends it (the hub's engine, the
 * backfill's), with the `extensions.cost` the sandbox answered. The connectors reach the sandbox
 * through the global fetch (the registry's `sandboxUrl` rewrite), so that is where to listen.
 */
function recordShopifyCalls(w: RetailWorld): ShopifyCall[] {
  const calls: ShopifyCall[] = [];
  const graphql = `${w.sandboxes.directory.shopify.url}/admin/api/`;
  const passThrough = globalThis.fetch;
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const response = await passThrough(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith(graphql) || typeof init?.body !== 'string') return response;
    const { query } = JSON.parse(init.body) as { query: string };
    const answer = (await response.clone().json()) as {
      errors?: { extensions?: { code?: string } }[];
      extensions?: { cost?: { requestedQueryCost: number; actualQueryCost: number | null; throttleStatus: { currentlyAvailable: number } } };
    };
    const cost = answer.extensions?.cost;
    calls.push({
      operation: /^\s*(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? 'anonymous',
      requested: cost?.requestedQueryCost ?? 0,
      bucketAfterTake: cost && cost.actualQueryCost !== null ? cost.throttleStatus.currentlyAvailable - (cost.requestedQueryCost - cost.actualQueryCost) : null,
      throttled: (answer.errors ?? []).some((error) => error.extensions?.code === 'THROTTLED'),
    });
    return response;
  });
  return calls;
}

/** The backfill starts on a full bucket, as after a quiet spell: its view of its share starts full too until Shopify answers. */
async function bucketFull(w: RetailWorld): Promise<void> {
  const { bucket } = w.sandboxes.shopify.budget;
  await eventually(() => bucket.currentlyAvailable >= bucket.capacity, 'a full Shopify cost bucket', 15_000);
}

/** The run as a value, so a failure surfaces where it is awaited instead of as an unhandled rejection. */
function backfill(options: BackfillOptions): Promise<{ job?: BackfillJob; error?: unknown }> {
  return runBackfill(options).then(
    (job) => ({ job }),
    (error: unknown) => ({ error }),
  );
}

const isBackfill = (call: ShopifyCall) => BACKFILL_OPERATIONS.has(call.operation);

/** How many of the seeded products the Shopify sandbox holds now (read from its store). */
function backfilledInShopify(w: RetailWorld): number {
  let found = 0;
  for (let index = 1; index <= SEEDED; index++) if (w.sandboxes.shopify.store.variantBySku(productSku(index))) found++;
  return found;
}

describe('a backfill alongside the live flows (Shopify cost bucket)', () => {
  it('leaves the live reserve: inventory changes reach Shopify while a product backfill saturates its half of the bucket, which it never exceeds', async () => {
    const w = await startWorld();
    seedProducts(w.sandboxes.netsuite, SEEDED);
    const calls = recordShopifyCalls(w);
    await bucketFull(w);
    const { capacity } = w.sandboxes.shopify.budget.bucket;
    const reserve = capacity * 0.5;
    const jobs = new BackfillJobStore(w.adapters.storage.records);

    // The default share (0.5), through the queue the hub's engine drains too.
    const run = backfill({ storage: w.adapters.storage, source: w.connectors.erp, target: w.connectors.commerce, entity: 'product', pageSize: 25, deliveryPollMs: 10 });

    for (const [index, change] of LIVE_CHANGES.entries()) {
      await eventually(async () => ((await jobs.get(JOB))?.chunks ?? 0) > index, `chunk ${index + 1} of the backfill committed`, 15_000);
      await w.publish([erpLevelEvent({ ...change, at: new Date(Date.now() + 1_000 * (index + 1)).toISOString() })]);
      const key = `${change.sku}@${change.location}`;
      await eventually(() => shopifyAvailable(w.sandboxes).get(key) === change.available, `${key} = ${change.available} in Shopify`, 15_000);
      // The live write is in the store while the backfill's products are not all there yet,
      // and the backfill's own record says it is not done.
      expect(backfilledInShopify(w)).toBeLessThan(SEEDED);
      const progress = await jobs.get(JOB);
      expect(progress).toMatchObject({ status: 'running' });
      expect(progress!.written).toBeLessThan(TOTAL);
    }

    const { job, error } = await run;
    expect(error).toBeUndefined();
    expect(job).toMatchObject({ status: 'completed', read: TOTAL, written: TOTAL, failed: 0 });
    expect(backfilledInShopify(w)).toBe(SEEDED);
    // Its share: one request at a time in a bucket of 500 points, one request per 25 products,
    // and it had to wait for its share: on its own it would have used more.
    expect(job!.quota).toMatchObject({ share: 0.5, costCapacity: 500, concurrencyLimit: 1, peakInFlight: 1, requests: 4 });
    expect(job!.quota.waits).toBeGreaterThan(0);

    expect(calls.filter((call) => call.operation === 'SetInventoryLevels').length).toBeGreaterThanOrEqual(LIVE_CHANGES.length);
    expect(calls.filter((call) => call.operation === 'SetProducts')).toHaveLength(4);
    // The bucket as Shopify reported it: no backfill request took it below the live reserve,
    // save for what the live requests themselves spent (the backfill learns of those from the next answer).
    const backfillCalls = calls.filter(isBackfill);
    const liveSpent = calls.filter((call) => !isBackfill(call)).reduce((sum, call) => sum + call.requested, 0);
    expect(liveSpent).toBeGreaterThan(0);
    expect(Math.min(...backfillCalls.map((call) => call.bucketAfterTake ?? Infinity))).toBeGreaterThanOrEqual(reserve - liveSpent);
    // Nothing was throttled, so nothing waited for Shopify's Retry-After, and nothing was dead-lettered.
    expect(calls.filter((call) => call.throttled)).toEqual([]);
    expect(await w.adapters.storage.deadLetters.count({ status: 'open' })).toBe(0);
    expect((await w.adapters.storage.delivery.stats('commerce'))[0]).toMatchObject({ pending: 0, inFlight: 0, dead: 0 });
  }, 40_000);

  /*
   * The control. With the whole bucket (quotaShare 1) the same backfill does not wait: its
   * second request drives the bucket into what the default share keeps for the live flows, which
   * the test above shows never happens at 0.5. That the live writes then *wait* cannot be shown
   * by order or state: at most one backfill request is ever ahead of them in the queue, and a
   * 10-point inventory write finds its points within a tenth of a second of restore, so their
   * delay is a matter of milliseconds, not of ordering.
   */
  it('control: with quotaShare 1 the backfill does not wait, and takes the bucket into the live reserve', async () => {
    const w = await startWorld();
    seedProducts(w.sandboxes.netsuite, SEEDED);
    const calls = recordShopifyCalls(w);
    await bucketFull(w);
    const reserve = w.sandboxes.shopify.budget.bucket.capacity * 0.5;

    // Two requests of 25 products are enough to show it.
    const { job, error } = await backfill({ storage: w.adapters.storage, source: w.connectors.erp, target: w.connectors.commerce, entity: 'product', pageSize: 25, limit: 50, deliveryPollMs: 10, quotaShare: 1 });

    expect(error).toBeUndefined();
    expect(job).toMatchObject({ status: 'interrupted', read: 50, written: 50, quota: { share: 1, costCapacity: 1_000, requests: 2, waits: 0 } });
    const liveSpent = calls.filter((call) => !isBackfill(call)).reduce((sum, call) => sum + call.requested, 0);
    expect(Math.min(...calls.filter(isBackfill).map((call) => call.bucketAfterTake ?? Infinity))).toBeLessThan(reserve - liveSpent);
  }, 30_000);
});
