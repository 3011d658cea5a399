import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../../adapters/sqlite/index.ts';
import type { CloudEvent } from '../../canonical/cloudevent.ts';
import type { DeltaPoller } from '../connector.ts';
import { pollerJob } from './poller-job.ts';

/** A source of changes ordered by (stamp, id), like SystemModstamp + Id in SOQL. */
function changes(count: number) {
  return Array.from({ length: count }, (_, index) => ({ id: `001${String(index).padStart(4, '0')}`, stamp: 1_000 + Math.floor(index / 3) }));
}

function poller(records: { id: string; stamp: number }[], pageSize: number): DeltaPoller {
  return {
    name: 'salesforce.Account',
    everyMs: 60_000,
    initialWatermark: () => '0|',
    async poll({ watermark }) {
      const [stampText, lastId] = watermark.split('|');
      const stamp = Number(stampText);
      const page = records.filter((record) => record.stamp > stamp || (record.stamp === stamp && record.id > lastId!)).slice(0, pageSize);
      const events: CloudEvent[] = page.map((record) => ({
        specversion: '1.0',
        id: `${record.id}@${record.stamp}`,
        source: 'crossdock://salesforce/acme',
        type: 'retail.customer.updated.v1',
        subject: record.id,
        data: record,
      }));
      const last = page[page.length - 1];
      return { events, watermark: last ? `${last.stamp}|${last.id}` : watermark, more: page.length === pageSize };
    },
  };
}

describe('pollerJob', () => {
  let adapters: EmbeddedAdapters;
  afterEach(async () => adapters?.close());

  it('reads every change once across pages and runs, and keeps its watermark', async () => {
    adapters = await openSqlite({ path: ':memory:' });
    const records = changes(25);
    const job = pollerJob(poller(records, 4), { bus: adapters.bus, watermarks: adapters.storage.watermarks });
    await job.run({ dueAt: 0, signal: new AbortController().signal });
    expect(await adapters.bus.head()).toBe(25);
    records.push({ id: '0019999', stamp: 2_000 });
    await job.run({ dueAt: 1, signal: new AbortController().signal });
    const logged = await adapters.bus.find({ type: 'retail.customer.updated.v1', limit: 100 });
    expect(logged.map((entry) => entry.event.subject)).toEqual(records.map((record) => record.id));
    expect(await adapters.storage.watermarks.get('salesforce.Account')).toBe('2000|0019999');
  });

  it('re-reading a page after a crash before the watermark moved emits nothing twice', async () => {
    adapters = await openSqlite({ path: ':memory:' });
    const records = changes(6);
    const source = poller(records, 10);
    // A run that crashed after publishing but before saving its watermark:
    const page = await source.poll({ watermark: '0|', signal: new AbortController().signal });
    await adapters.bus.publish(page.events);
    await pollerJob(source, { bus: adapters.bus, watermarks: adapters.storage.watermarks }).run({ dueAt: 0, signal: new AbortController().signal });
    expect(await adapters.bus.head()).toBe(6);
    expect(await adapters.storage.watermarks.get('salesforce.Account')).toBe(`${records[5]!.stamp}|${records[5]!.id}`);
  });
});
