import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAllSandboxes } from '../run-all.ts';
import type { RunningSandboxes } from '../run-all.ts';
import type { ReturnReceipt } from '../wms/index.ts';
import { ActionKind } from './actions.ts';
import type { ParcelCondition, ReturnParcelAction } from './actions.ts';
import { TrafficExecutor } from './executor.ts';

describe('the warehouse dock receiving return parcels (WMS sandbox)', () => {
  let sandboxes: RunningSandboxes;
  // The executor's clock: moved on by hand so the dock's next read of the WMS is not left to timing.
  let now = 0;

  beforeAll(async () => {
    // A generous WMS rate limit: the paging test announces more receipts than one page holds.
    sandboxes = await startAllSandboxes({ latency: 'fast', seed: 7, webhookTimeScale: 0.001, wmsRequestsPerSecond: 10_000 });
  });

  afterAll(async () => {
    await sandboxes?.closeAll();
  });

  const wms = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(`${sandboxes.wms.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${sandboxes.directory.wms.apiKey}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json() };
  };
  /** What the hub's returns flow does once an RMA is authorized. */
  const expectReturn = async (rmaNumber: string, lines: { sku: string; quantity: number }[]): Promise<string> => {
    const reply = await wms('POST', '/v1/return-receipts', { rmaNumber, externalOrderId: `ORDER-${rmaNumber}`, lines });
    expect(reply.status).toBe(201);
    return (reply.body as ReturnReceipt).id;
  };
  const receipt = async (id: string) => (await wms('GET', `/v1/return-receipts/${id}`)).body as ReturnReceipt;
  const parcel = (sequence: number, condition: ParcelCondition): ReturnParcelAction => ({ kind: ActionKind.returnParcel, atMs: 0, sequence, condition });
  const executor = () => new TrafficExecutor({ directory: sandboxes.directory, clock: () => now });

  it('receives the oldest expected receipt with every line in the drawn condition, and skips when nothing is expected', async () => {
    const oldest = await expectReturn('RMA-DOCK-1', [{ sku: 'TRAIL-TEE-M-BLK', quantity: 2 }, { sku: 'CANVAS-CAP-NVY', quantity: 1 }]);
    const newer = await expectReturn('RMA-DOCK-2', [{ sku: 'FLEECE-HOOD-L-GRY', quantity: 1 }]);
    const dock = executor();

    expect(await dock.perform(parcel(0, 'opened'))).toEqual({ outcome: 'ok', system: 'wms' });
    const received = await receipt(oldest);
    expect(received.status).toBe('received');
    expect(received.lines).toEqual([
      expect.objectContaining({ sku: 'TRAIL-TEE-M-BLK', quantityReceived: 2, received: [expect.objectContaining({ quantity: 2, condition: 'opened' })] }),
      expect.objectContaining({ sku: 'CANVAS-CAP-NVY', quantityReceived: 1, received: [expect.objectContaining({ quantity: 1, condition: 'opened' })] }),
    ]);
    expect((await receipt(newer)).status).toBe('expected');

    expect(await dock.perform(parcel(1, 'damaged'))).toEqual({ outcome: 'ok', system: 'wms' });
    expect((await receipt(newer)).lines[0]?.received).toEqual([expect.objectContaining({ quantity: 1, condition: 'damaged' })]);

    // Past the refresh interval the dock reads the WMS again: both receipts are received, nothing is expected.
    now += 60_000;
    expect(await dock.perform(parcel(2, 'sellable'))).toEqual(expect.objectContaining({ outcome: 'skipped' }));
    expect(dock.counters.snapshot().byKind[ActionKind.returnParcel]).toEqual({ ok: 2, rejected: 0, failed: 0, skipped: 1 });
  });

  it('finds expected receipts beyond the first page of the WMS list', async () => {
    const ids: string[] = [];
    // One more than the WMS's largest page (100).
    for (let index = 0; index < 101; index += 1) ids.push(await expectReturn(`RMA-PAGE-${index}`, [{ sku: 'CANVAS-CAP-NVY', quantity: 1 }]));
    const dock = executor();
    for (let sequence = 0; sequence < ids.length; sequence += 1) {
      expect(await dock.perform(parcel(sequence, 'sellable')), `parcel ${sequence}`).toEqual({ outcome: 'ok', system: 'wms' });
    }
    expect((await receipt(ids[ids.length - 1] ?? '')).status).toBe('received');
    now += 60_000;
    expect((await dock.perform(parcel(ids.length, 'sellable'))).outcome).toBe('skipped');
  });

  it('rejects a parcel whose receipt another hand received meanwhile (422 already_received)', async () => {
    await expectReturn('RMA-RACE-1', [{ sku: 'TRAIL-TEE-M-BLK', quantity: 1 }]);
    const second = await expectReturn('RMA-RACE-2', [{ sku: 'TRAIL-TEE-M-BLK', quantity: 1 }]);
    const dock = executor();
    // The first parcel reads both receipts as expected and receives the older one.
    expect(await dock.perform(parcel(0, 'sellable'))).toEqual({ outcome: 'ok', system: 'wms' });
    const elsewhere = await wms('POST', `/v1/return-receipts/${second}/receive`, { lines: [{ sku: 'TRAIL-TEE-M-BLK', quantity: 1, condition: 'sellable' }] });
    expect(elsewhere.status).toBe(200);
    expect(await dock.perform(parcel(1, 'sellable'))).toEqual({ outcome: 'rejected', system: 'wms', detail: expect.stringContaining('already_received') });
  });
});
