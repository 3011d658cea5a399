import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../../adapters/sqlite/index.ts';
import { eventually } from '../../ports/conformance/harness.ts';
import { defineFlow } from '../../runtime/flows/definition.ts';
import { Hub } from '../../runtime/hub.ts';
import { RecordingTarget } from '../../runtime/testing/recording-target.ts';
import { renderTimeline } from '../commands/trace.ts';
import { buildTimeline } from './timeline.ts';

describe('buildTimeline', () => {
  let adapters: EmbeddedAdapters | undefined;
  let hub: Hub | undefined;
  afterEach(async () => {
    await hub?.stop();
    await adapters?.close();
  });

  it('follows an order from its event through the flow steps to the ERP write', async () => {
    adapters = await openSqlite({ path: ':memory:' });
    const erp = new RecordingTarget('erp', { maxBatchSize: 1, concurrency: 1 }, (batch) => batch.map(() => ({ ok: true, externalId: 'NS-88123' })));
    hub = new Hub({
      bus: adapters.bus,
      storage: adapters.storage,
      targets: [erp],
      flows: [
        defineFlow({
          name: 'order-capture',
          startsOn: ['retail.order.placed.v1'],
          instanceId: (event) => `order-capture:${event.subject}`,
          async run(ctx, event) {
            const order = await ctx.step('validate', () => event.data as { orderNumber: string });
            await ctx.deliver('book', { target: 'erp', kind: 'command', key: order.orderNumber, operation: 'bookOrder', payload: order });
          },
        }),
      ],
      soleWorker: true,
      delivery: { idlePollMs: 10 },
    });
    await hub.start();
    await adapters.bus.publish([
      { specversion: '1.0', id: 'o-1', source: 'crossdock://shopify/acme', type: 'retail.order.placed.v1', subject: 'SO-2001', data: { orderNumber: 'SO-2001' }, correlationid: 'corr-2001' },
    ]);
    await eventually(() => erp.effects.size === 1, 'booked');
    await eventually(async () => (await adapters!.storage.delivery.find({ key: 'SO-2001' }))[0]?.status === 'delivered', 'delivered recorded');

    const timeline = await buildTimeline(adapters, 'SO-2001');
    expect(timeline.matchedAs).toEqual(['business key']);
    expect(timeline.correlationIds).toEqual(['corr-2001']);
    expect(timeline.hops.map((hop) => [hop.kind, hop.system, hop.what])).toEqual([
      ['event', 'crossdock://shopify/acme', 'retail.order.placed.v1 SO-2001'],
      ['flow', 'flow order-capture', 'instance order-capture:SO-2001'],
      ['step', 'flow order-capture', 'step validate'],
      ['delivery', 'erp', 'bookOrder SO-2001'],
      ['delivery', 'erp', 'bookOrder SO-2001'],
    ]);
    expect(timeline.hops[4]!.outcome).toBe('delivered, erp id NS-88123');
    expect(timeline.hops[4]!.latencyMs).toBeGreaterThanOrEqual(0);
    const text = renderTimeline(timeline);
    expect(text).toMatch(/^trace of SO-2001 \(business key\): 5 hops over .*; correlation ids: corr-2001/);
    // Commands are not journaled as steps: their idempotency key is their journal.
    expect(text).toMatch(/flow order-capture\s+step validate\s+done/);
  });
});
