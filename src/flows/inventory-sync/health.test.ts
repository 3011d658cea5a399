import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../../adapters/sqlite/index.ts';
import { FreshnessTracker } from './freshness.ts';
import { delayedInventoryPanel, inventoryFreshnessPanel } from './health.ts';

describe('inventory health panels', () => {
  let adapters: EmbeddedAdapters;
  afterEach(async () => adapters?.close());

  it('lists availability updates still queued past the threshold, one line per key and channel', async () => {
    adapters = await openSqlite({ path: ':memory:' });
    const level = (target: string, key: string, operation: string) => ({ target, kind: 'state' as const, key, operation, payload: {}, idempotencyKey: `${target}/${key}`, version: 1 });
    await adapters.storage.delivery.enqueue([
      level('commerce', 'SKU-1@DC-EAST', 'setInventoryLevel'),
      level('crm', 'SKU-1@DC-EAST', 'upsertInventoryLevel'),
      { ...level('erp', 'SO-1', 'bookOrder'), kind: 'command' },
    ]);
    const panel = delayedInventoryPanel({ delayedAfterSeconds: 300, operations: ['setInventoryLevel', 'upsertInventoryLevel'] });
    const context = (now: number) => ({ storage: adapters.storage, bus: adapters.bus, now });
    expect(await panel.evaluate(context(Date.now()))).toMatchObject({ status: 'ok', value: 0 });
    const later = await panel.evaluate(context(Date.now() + 301_000));
    expect(later).toMatchObject({ status: 'warning', value: 2, summary: '2 inventory updates not delivered after 5 min' });
    expect(later.items?.map((item) => [item.businessKey, item.detail])).toEqual([
      ['SKU-1@DC-EAST', 'commerce (setInventoryLevel) waiting 5 min'],
      ['SKU-1@DC-EAST', 'crm (upsertInventoryLevel) waiting 5 min'],
    ]);
  });

  it('shows the age of the newest level, also after a restart, and warns when it is old', async () => {
    adapters = await openSqlite({ path: ':memory:' });
    const now = Date.parse('2026-11-23T12:00:00Z');
    const tracker = new FreshnessTracker(adapters.storage.records, () => now);
    const panel = (freshness: FreshnessTracker) => inventoryFreshnessPanel({ warningAfterMinutes: 60, freshness });
    const context = { storage: adapters.storage, bus: adapters.bus, now };
    expect(await panel(tracker).evaluate(context)).toMatchObject({ status: 'warning', summary: 'no stock level received yet' });
    await tracker.observe({ key: 'SKU-1@DC-EAST', sourceTimestamp: '2026-11-23T11:50:00Z', receivedAt: now });
    await tracker.observe({ key: 'SKU-2@DC-EAST', sourceTimestamp: '2026-11-23T11:40:00Z', receivedAt: now }); // older: not the newest
    expect(await panel(tracker).evaluate(context)).toMatchObject({ status: 'ok', value: 10, summary: 'newest stock level is 10 min old (SKU-1@DC-EAST)' });
    // A new run of the hub reads what the last one recorded.
    const restarted = new FreshnessTracker(adapters.storage.records, () => now);
    expect(await panel(restarted).evaluate({ ...context, now: now + 2 * 3_600_000 })).toMatchObject({ status: 'warning', value: 130 });
  });
});
