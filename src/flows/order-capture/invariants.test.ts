import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../../adapters/sqlite/index.ts';
import type { RunningSandboxes } from '../../sandboxes/run-all.ts';
import { flowSettings } from '../settings.ts';
import { orderCaptureInvariants } from './invariants.ts';
import { CaptureStatus, saveCaptureState } from './read-models.ts';

interface FakeSalesOrder {
  externalId: string;
  fields: { otherRefNum?: string };
}

/** Just enough of the sandboxes for the invariants: NetSuite's sales orders. */
function sandboxesWith(salesOrders: FakeSalesOrder[]): RunningSandboxes {
  const store = {
    list: (type: string) => (type === 'salesOrder' ? salesOrders : []),
    getByExternalId: (type: string, externalId: string) => (type === 'salesOrder' ? salesOrders.find((order) => order.externalId === externalId) : undefined),
  };
  return { netsuite: { records: { store } } } as unknown as RunningSandboxes;
}

describe('order capture invariants', () => {
  let adapters: EmbeddedAdapters | undefined;
  afterEach(async () => {
    await adapters?.close();
    adapters = undefined;
  });

  async function captured(states: [string, CaptureStatus][]) {
    adapters = await openSqlite({ path: ':memory:' });
    for (const [orderNumber, status] of states) await saveCaptureState(adapters.storage.records, { orderNumber, status }, { now: Date.now(), stage: 0.1 });
    return adapters;
  }

  it('hold when every captured order is booked once, held with an open exception, or closed on purpose', async () => {
    const { storage } = await captured([
      ['SHOP-1001', CaptureStatus.booked],
      ['POS-1', CaptureStatus.onHold],
      ['POS-2', CaptureStatus.rejected],
      ['POS-3', CaptureStatus.cancelled],
    ]);
    await storage.deadLetters.add({ kind: 'flow', target: 'order-capture', key: 'POS-1', ref: 'order-capture:POS-1', error: { type: 'FlowException', message: 'unknown SKU', code: 'UNKNOWN_SKU', retryable: false }, context: { businessKey: 'POS-1' }, correlationId: null, createdAt: Date.now() });
    const results = await orderCaptureInvariants({ sandboxes: sandboxesWith([{ externalId: 'SHOP-1001', fields: { otherRefNum: '5001' } }]), records: storage.records, storage, settings: flowSettings() });
    expect(results['orders.noneBookedTwice']).toEqual({ ok: true, details: { salesOrders: 1, duplicateOrderNumbers: 0, duplicateChannelOrderIds: 0, examples: [] } });
    expect(results['orders.bookedOrOpenException']).toEqual({
      ok: true,
      details: { captured: 4, booked: 1, withOpenException: 1, rejected: 1, cancelled: 1, openExceptionReasons: { UNKNOWN_SKU: 1 }, neither: 0, examples: [] },
    });
  });

  it('fail on a channel order booked twice and on an order neither booked nor held', async () => {
    const { storage } = await captured([
      ['SHOP-1001', CaptureStatus.booked],
      ['SHOP-1002', CaptureStatus.sentToErp],
    ]);
    const twice = [
      { externalId: 'SHOP-1001', fields: { otherRefNum: '5001' } },
      { externalId: 'SHOP-1001-copy', fields: { otherRefNum: '5001' } },
    ];
    const results = await orderCaptureInvariants({ sandboxes: sandboxesWith(twice), records: storage.records, storage, settings: flowSettings() });
    expect(results['orders.noneBookedTwice']).toMatchObject({ ok: false, details: { duplicateChannelOrderIds: 1, examples: ['5001 (2x)'] } });
    expect(results['orders.bookedOrOpenException']).toMatchObject({ ok: false, details: { captured: 2, booked: 1, neither: 1, examples: ['SHOP-1002 (sent-to-erp)'] } });
  });
});
