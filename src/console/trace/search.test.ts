import { afterEach, describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../canonical/cloudevent.ts';
import { customerMatchKeys } from '../../flows/reference/records.ts';
import { consoleGet, loginAs, startConsoleFixture, type ConsoleFixture } from '../testing.ts';

interface TraceBody {
  matchedAs: string[];
  keys: string[];
  hops: { kind: string; title: string; traceId: string | null; exceptionId: number | null }[];
  traceLink: string | null;
}

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

function event(id: string, type: string, subject: string, extra: Partial<CloudEvent> = {}): CloudEvent {
  return { specversion: '1.0', id, source: 'crossdock://connectors/test', type, subject, correlationid: `corr-${id}`, data: {}, ...extra };
}

describe('trace search', () => {
  let fixture: ConsoleFixture;
  afterEach(async () => fixture?.close());

  async function trace(q: string, user = 'operator'): Promise<TraceBody> {
    const response = await consoleGet(fixture.app, await loginAs(fixture.app, user), `/api/console/trace?q=${encodeURIComponent(q)}`);
    expect(response.statusCode).toBe(200);
    return response.json<TraceBody>();
  }

  it('finds a bare sku at every location (and nothing of a longer sku), with the trace id of each hop', async () => {
    fixture = await startConsoleFixture({ startHub: false, traceLink: 'https://tempo.example.com/trace/{traceId}' });
    const level = 'retail.inventory.level-changed.v1';
    await fixture.adapters.bus.publish([
      event('l1', level, 'SKU-1@DC-1', { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` }),
      event('l2', level, 'SKU-1@STORE-7'),
      event('l3', level, 'SKU-10@DC-1'),
      event('l4', level, 'SKU-2@DC-1'),
    ]);
    await fixture.adapters.storage.delivery.enqueue([
      { target: 'commerce', kind: 'state', key: 'SKU-1@STORE-7', operation: 'setInventoryLevel', payload: { available: 3 }, idempotencyKey: 'lvl-1', version: 1, traceparent: `00-${TRACE_ID}-b7ad6b7169203331-01` },
    ]);

    const found = await trace('SKU-1');
    expect(found.matchedAs).toEqual(['sku at every location']);
    expect(found.keys).toEqual(['SKU-1@…']);
    expect(found.hops.map((hop) => hop.title)).toEqual([`${level} SKU-1@DC-1`, `${level} SKU-1@STORE-7`, 'setInventoryLevel SKU-1@STORE-7']);
    expect(found.hops.map((hop) => hop.traceId)).toEqual([TRACE_ID, null, TRACE_ID]);
    expect(found.traceLink).toBe('https://tempo.example.com/trace/{traceId}');

    // A full key still matches only itself.
    const exact = await trace('SKU-1@DC-1');
    expect(exact.matchedAs).toEqual(['business key']);
    expect(exact.hops).toHaveLength(1);
  });

  it("finds a customer by e-mail through the golden record: its ids, the profiles' events and its orders", async () => {
    fixture = await startConsoleFixture({ startHub: false });
    const { records } = fixture.adapters.storage;
    const now = Date.now();
    await records.put({ entity: 'customer', key: 'CUST-42', data: { hubId: 'CUST-42' }, version: 1, matchKeys: [...customerMatchKeys({ email: 'ana.lima@example.com' }), 'alias:shopify-7001'] }, now);
    await records.put({ entity: 'customer', key: 'CUST-43', data: { hubId: 'CUST-43' }, version: 1, matchKeys: customerMatchKeys({ email: 'someone.else@example.com' }) }, now);
    await records.put({ entity: 'order', key: 'SO-5001', data: {}, version: 1, matchKeys: ['customer:CUST-42'] }, now);
    await fixture.adapters.bus.publish([
      event('c1', 'retail.customer.updated.v1', 'CUST-42'),
      event('c2', 'retail.customer.created.v1', 'shopify-7001'),
      event('o1', 'retail.order.placed.v1', 'SO-5001'),
      event('c3', 'retail.customer.updated.v1', 'CUST-43'),
    ]);

    const found = await trace('Ana.Lima@Example.com');
    expect(found.matchedAs).toEqual(['customer e-mail']);
    expect(found.keys).toEqual(['CUST-42', 'shopify-7001', 'SO-5001']);
    expect(found.hops.map((hop) => hop.title)).toEqual(['retail.customer.updated.v1 CUST-42', 'retail.customer.created.v1 shopify-7001', 'retail.order.placed.v1 SO-5001']);
    expect((await trace('nobody@example.com')).hops).toEqual([]);
  });

  it('finds a return by its number, also typed in lower case: the RMA, its service case and its refunds', async () => {
    fixture = await startConsoleFixture({ startHub: false });
    await fixture.adapters.storage.records.put(
      { entity: 'return', key: 'RMA-20931', data: { return: { rmaNumber: 'RMA-20931', orderNumber: 'SO-1001', caseNumber: '00012873', refundIds: ['refund-77'] } }, version: 1 },
      Date.now(),
    );
    await fixture.adapters.bus.publish([
      event('r1', 'retail.return.requested.v1', 'RMA-20931'),
      event('r2', 'retail.case.updated.v1', '00012873'),
      event('r3', 'retail.refund.issued.v1', 'refund-77'),
    ]);
    await fixture.adapters.storage.delivery.enqueue([{ target: 'crm', kind: 'state', key: 'case:00012873', operation: 'upsertCaseReturn', payload: {}, idempotencyKey: 'case-1', version: 1 }]);

    for (const q of ['RMA-20931', 'rma-20931']) {
      const found = await trace(q);
      expect(found.matchedAs).toEqual(['return number']);
      expect(found.keys).toEqual(['RMA-20931', '00012873', 'case:00012873', 'refund-77']);
      expect(found.hops.map((hop) => hop.kind)).toEqual(['event', 'event', 'event', 'delivery']);
    }
  });
});
