import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../../adapters/sqlite/index.ts';
import { eventually } from '../../ports/conformance/harness.ts';
import { defineFlow } from '../../runtime/flows/definition.ts';
import { Hub } from '../../runtime/hub.ts';
import { RecordingTarget } from '../../runtime/testing/recording-target.ts';
import { buildTrace } from '../../console/trace/timeline.ts';
import { renderTrace } from './trace.ts';

describe('crossdock trace', () => {
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

    const text = renderTrace(await buildTrace(adapters, 'SO-2001'));
    expect(text).toMatch(/^trace of SO-2001 \(business key\): 5 hops over .*; correlation ids: corr-2001\n/);
    const rows = text.trim().split('\n').slice(3);
    expect(rows.map((row) => row.split(/\s{2,}/).slice(2, 5))).toEqual([
      ['acme', 'retail.order.placed.v1 SO-2001', 'ok: logged as #1'],
      ['flow order-capture', 'started for SO-2001', 'ok: now completed'],
      ['flow order-capture', 'step validate', 'ok: done'],
      ['the ERP', 'bookOrder SO-2001', 'info: queued for the ERP (command, item #1)'],
      ['the ERP', 'bookOrder SO-2001', 'ok: delivered; the ERP id NS-88123'],
    ]);
    // The same correlation id finds the same journey.
    expect(renderTrace(await buildTrace(adapters, 'corr-2001'))).toMatch(/^trace of corr-2001 \(correlation id\): 5 hops/);
  });

  it('finds a bare sku at every location, as the console does, and says when nothing was recorded', async () => {
    adapters = await openSqlite({ path: ':memory:' });
    const level = (location: string, available: number) => ({
      specversion: '1.0' as const, id: `lvl-${location}`, source: 'crossdock://netsuite/1234567', type: 'retail.inventory.level-changed.v1', subject: `TEE-M@${location}`, data: { sku: 'TEE-M', locationCode: location, available },
    });
    await adapters.bus.publish([level('DC-EAST', 40), level('STORE-001', 3)]);

    const text = renderTrace(await buildTrace(adapters, 'TEE-M'));
    expect(text).toMatch(/^trace of TEE-M \(sku at every location\): 2 hops over .*; found under TEE-M@…/);
    expect(text).toContain('retail.inventory.level-changed.v1 TEE-M@DC-EAST');
    expect(text).toContain('retail.inventory.level-changed.v1 TEE-M@STORE-001');
    expect(renderTrace(await buildTrace(adapters, 'SHOP-404'))).toMatch(/^nothing recorded for "SHOP-404"/);
  });
});
