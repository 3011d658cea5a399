import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../../adapters/sqlite/index.ts';
import { recordRejectedChanges } from './changes.ts';
import { mergesTodayPanel, rejectedChangesPanel } from './panels.ts';
import { CustomerRecordEntity, type CustomerMerge, type RejectedCustomerChange } from './records.ts';
import { profile } from './testing/fixtures.ts';

let adapters: EmbeddedAdapters;
beforeEach(async () => {
  adapters = await openSqlite({ path: ':memory:' });
});
afterEach(async () => {
  await adapters.close();
});

const NOW = Date.parse('2026-11-23T15:00:00Z');
const context = () => ({ storage: adapters.storage, bus: adapters.bus, now: NOW });

const change = (eventId: string, at: number): RejectedCustomerChange => ({
  hubId: 'CUST-0001',
  group: 'billing',
  fields: ['taxId'],
  system: 'shopify',
  role: 'commerce',
  owner: 'erp',
  proposed: { taxId: 'GB123456789' },
  eventId,
  correlationId: null,
  changedAt: at,
  recordedAt: at,
  status: 'rejected',
});

describe('customer health panels', () => {
  it('show refused changes: how many, the latest first, who tried what, masked', async () => {
    expect(await rejectedChangesPanel().evaluate(context())).toMatchObject({ status: 'ok', value: 0 });
    await recordRejectedChanges(adapters.storage.records, [change('e-1', NOW - 3_600_000)], NOW);
    await recordRejectedChanges(adapters.storage.records, [change('e-2', NOW - 60_000)], NOW);
    await recordRejectedChanges(adapters.storage.records, [change('e-2', NOW - 60_000)], NOW); // a replayed step
    const result = await rejectedChangesPanel().evaluate(context());
    expect(result).toMatchObject({ status: 'warning', value: 2 });
    expect(result.summary).toBe('2 customer changes refused by ownership; latest 1 min ago: shopify tried to change billing (owned by erp)');
    expect(result.items![0]).toEqual({ businessKey: 'CUST-0001', detail: 'shopify (commerce) tried to change billing (taxId: "***89"); owned by erp', since: NOW - 60_000 });
    expect(JSON.stringify(result)).not.toContain('GB123456789');
  });

  it('count the merges of today (UTC) and say how to undo each', async () => {
    const merge = (mergeId: string, mergedAt: number): CustomerMerge => ({
      mergeId,
      survivorId: 'CUST-0001',
      mergedId: `dup-${mergeId}`,
      status: 'active',
      matchedOn: ['phone'],
      reason: 'one shopify profile matched both customers (by phone)',
      trigger: { system: 'shopify', eventId: mergeId, correlationId: null },
      mergedAt,
      mergedBy: 'crossdock',
      merged: { record: profile({ sourceSystem: 'shopify', sourceTimestamp: '2026-11-22T10:00:00Z' }), state: { hubId: 'x', seq: 1, createdAt: 0, fieldVersions: {}, sources: {}, targets: {}, aliases: [], distinctFrom: [] } },
      contributed: { fields: {}, externalIds: {}, aliases: [], sources: [] },
      conflictingExternalIds: {},
    });
    await adapters.storage.records.put({ entity: CustomerRecordEntity.merge, key: 'merge-a', data: merge('merge-a', Date.parse('2026-11-22T23:00:00Z')), version: 1 }, NOW);
    await adapters.storage.records.put({ entity: CustomerRecordEntity.merge, key: 'merge-b', data: merge('merge-b', Date.parse('2026-11-23T08:00:00Z')), version: 1 }, NOW);
    const result = await mergesTodayPanel().evaluate(context());
    expect(result).toMatchObject({ status: 'ok', value: 1, summary: '1 duplicate customer merged today' });
    expect(result.items![0]!.detail).toBe('dup-merge-b merged into CUST-0001 (matched by phone); undo: POST /api/console/customers/merges/merge-b/undo');
  });
});
