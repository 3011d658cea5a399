import jsforce from 'jsforce';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../../adapters/sqlite/index.ts';
import type { SalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import { recordingContext } from '../conformance/harness.ts';
import { pollerJob } from '../inbound/poller-job.ts';
import type { DeltaPoller } from '../connector.ts';
import type { SalesforceConnector } from './index.ts';
import { toRfc3339 } from './inbound.ts';
import { connectedSandbox, customer, customerItem, records } from './test-support.ts';

let sandbox: SalesforceSandbox | undefined;
let adapters: EmbeddedAdapters | undefined;
afterEach(async () => {
  await sandbox?.close();
  await adapters?.close();
  sandbox = undefined;
  adapters = undefined;
});

/** A sandbox whose clock the test moves, so that many records share one SystemModstamp. */
async function openWithClock(): Promise<{ connector: SalesforceConnector; setClock: (ms: number) => void }> {
  let now = Date.parse('2026-11-23T08:00:00.000Z');
  const opened = await connectedSandbox({ clock: () => now, queryBatchSize: 2_000 }, { polling: { accounts: true, cases: true, everyMs: 60_000 } });
  sandbox = opened.sandbox;
  return { connector: opened.connector, setClock: (ms) => (now = ms) };
}

/** SOQL's `ORDER BY SystemModstamp, Id` (ids compare as plain strings). */
function bySystemModstampAndId(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const key = (record: Record<string, unknown>) => `${String(toRfc3339(record.SystemModstamp))}|${String(record.Id)}`;
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

const run = (job: ReturnType<typeof pollerJob>) => job.run({ dueAt: 0, signal: new AbortController().signal });
const pollerOf = (connector: SalesforceConnector, object: string): DeltaPoller => connector.pollers!.find((poller) => poller.name.endsWith(object))!;

describe('Salesforce connector: SystemModstamp delta polling', () => {
  it('reads more than 2,000 changed Accounts across pages with no skip and no duplicate, ties included', async () => {
    const { connector, setClock } = await openWithClock();
    const start = Date.parse('2026-11-23T08:00:00.000Z');
    // 2,300 accounts in groups of 300 sharing a stamp: the 2,000-record page ends inside a group.
    for (let group = 0; group < 8; group++) {
      setClock(start + group * 1_000);
      const size = group === 7 ? 200 : 300;
      for (let from = 0; from < size; from += 200) {
        const batch = Array.from({ length: Math.min(200, size - from) }, () => customerItem(customer()));
        const outcomes = await connector.deliver(batch, recordingContext());
        expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
      }
    }
    adapters = await openSqlite({ path: ':memory:' });
    const job = pollerJob(pollerOf(connector, 'Account'), { bus: adapters.bus, watermarks: adapters.storage.watermarks });
    await run(job);
    const logged = await adapters.bus.find({ type: 'retail.customer.updated.v1', limit: 5_000 });
    const ids = logged.map((entry) => entry.event.data as { externalIds: { salesforce: string } }).map((data) => data.externalIds.salesforce);
    expect(ids).toHaveLength(2_300);
    expect(new Set(ids).size).toBe(2_300);
    expect(new Set(ids)).toEqual(new Set(records(sandbox!, 'Account').map((record) => record.Id)));
    const last = records(sandbox!, 'Account').sort(bySystemModstampAndId).at(-1)!;
    expect(await adapters.storage.watermarks.get(pollerOf(connector, 'Account').name)).toBe(`${String(toRfc3339(last.SystemModstamp))}|${String(last.Id)}`);

    // Nothing new: nothing emitted. Then two agents' edits at one new stamp: exactly those two.
    await run(job);
    expect(await adapters.bus.head()).toBe(2_300);
    setClock(start + 60_000);
    const edited = [customer(), customer()];
    const [a, b] = records(sandbox!, 'Account');
    edited[0]!.hubId = String(a!.External_Id__c);
    edited[1]!.hubId = String(b!.External_Id__c);
    await connector.deliver(edited.map((value) => customerItem(value)), recordingContext());
    await run(job);
    const after = await adapters.bus.find({ type: 'retail.customer.updated.v1', limit: 5_000 });
    expect(after).toHaveLength(2_302);
    expect(after.slice(-2).map((entry) => entry.event.subject).sort()).toEqual([String(a!.External_Id__c), String(b!.External_Id__c)].sort());
  });

  it('resumes inside a run of equal stamps from the watermark alone (a new worker, no cursor)', async () => {
    const { connector, setClock } = await openWithClock();
    setClock(Date.parse('2026-11-23T08:00:00.000Z'));
    await connector.deliver(Array.from({ length: 50 }, () => customerItem(customer())), recordingContext());
    const poller = pollerOf(connector, 'Account');
    const all = await poller.poll({ watermark: poller.initialWatermark(), signal: new AbortController().signal });
    const ids = all.events.map((event) => (event.data as { externalIds: { salesforce: string } }).externalIds.salesforce);
    expect(new Set(ids).size).toBe(50);
    // All 50 share one stamp: resume after the 20th from its watermark only.
    const watermark = `2026-11-23T08:00:00.000Z|${ids[19]!}`;
    const page = await poller.poll({ watermark, signal: new AbortController().signal });
    expect(page.events.map((event) => (event.data as { externalIds: { salesforce: string } }).externalIds.salesforce)).toEqual(ids.slice(20));
    expect(page.events[0]!.id).toBe(`salesforce:Account:${ids[20]!}@2026-11-23T08:00:00.000Z`);
    expect(page.more).toBe(false);

    // 450 more at one new stamp, pages of 200: resuming after the 300th skips 1.5 pages of ties.
    setClock(Date.parse('2026-11-23T08:05:00.000Z'));
    for (let batch = 0; batch < 3; batch++) await connector.deliver(Array.from({ length: 150 }, () => customerItem(customer())), recordingContext());
    sandbox!.updateSettings({ queryBatchSize: 200 });
    const tieMark = '2026-11-23T08:05:00.000Z';
    const group: string[] = [];
    let cursorMark = `${String(page.watermark)}`;
    for (let more = true; more; ) {
      const next = await poller.poll({ watermark: cursorMark, signal: new AbortController().signal });
      group.push(...next.events.map((event) => (event.data as { externalIds: { salesforce: string } }).externalIds.salesforce));
      cursorMark = next.watermark;
      more = next.more;
    }
    expect(group).toHaveLength(450);
    const resumed: string[] = [];
    cursorMark = `${tieMark}|${group[299]!}`;
    for (let more = true; more; ) {
      const next = await pollerOf(connector, 'Account').poll({ watermark: cursorMark, signal: new AbortController().signal });
      resumed.push(...next.events.map((event) => (event.data as { externalIds: { salesforce: string } }).externalIds.salesforce));
      cursorMark = next.watermark;
      more = next.more;
    }
    expect(resumed).toEqual(group.slice(300));

  });

  it('emits case changes as retail.case.updated.v1', async () => {
    const { connector } = await openWithClock();
    const [outcome] = await connector.deliver([customerItem(customer())], recordingContext());
    const accountId = (outcome as { externalId: string }).externalId;
    // An agent opens a case in Salesforce.
    const agent = new jsforce.Connection({ instanceUrl: sandbox!.url, accessToken: sandbox!.createSession(), version: '62.0' });
    await agent.sobject('Case').create({ Subject: 'Where is my order?', Status: 'Working', Priority: 'High', Origin: 'Email', AccountId: accountId });
    const page = await pollerOf(connector, 'Case').poll({ watermark: '1970-01-01T00:00:00.000Z|', signal: new AbortController().signal });
    expect(page.events).toHaveLength(1);
    expect(page.events[0]).toMatchObject({ type: 'retail.case.updated.v1', data: { subject: 'Where is my order?', status: 'open', priority: 'high', origin: 'email', customerId: `salesforce-account-${accountId}` } });
  });
});
