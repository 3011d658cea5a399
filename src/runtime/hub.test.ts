import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../adapters/sqlite/index.ts';
import { eventually } from '../ports/conformance/harness.ts';
import { defineFlow } from './flows/definition.ts';
import { Hub } from './hub.ts';
import { RecordingTarget } from './testing/recording-target.ts';

describe('Hub', () => {
  let adapters: EmbeddedAdapters;
  let hub: Hub;

  afterEach(async () => {
    await hub?.stop();
    await adapters?.close();
  });

  it('carries an event from the log through a flow to its target', async () => {
    adapters = await openSqlite({ path: ':memory:' });
    const commerce = new RecordingTarget('commerce', { maxBatchSize: 250, concurrency: 2 });
    hub = new Hub({
      bus: adapters.bus,
      storage: adapters.storage,
      targets: [commerce],
      flows: [
        defineFlow({
          name: 'inventory-sync',
          durable: false,
          startsOn: ['retail.inventory.level-changed.v1'],
          async run(ctx, event) {
            const level = event.data as { available: number; sequence: number };
            await ctx.deliver('publish', { target: 'commerce', kind: 'state', key: ctx.key, operation: 'setLevel', payload: level, version: level.sequence });
          },
        }),
      ],
      soleWorker: true,
      delivery: { idlePollMs: 10 },
    });
    await hub.start();
    await adapters.bus.publish([
      { specversion: '1.0', id: 'e1', source: 'crossdock://netsuite', type: 'retail.inventory.level-changed.v1', subject: 'SKU-1@DC-1', data: { available: 5, sequence: 1 } },
    ]);
    await eventually(() => commerce.effects.size === 1, 'delivered');
    expect(commerce.appliedByKey.get('SKU-1@DC-1')).toEqual([{ available: 5, sequence: 1 }]);
    expect(hub.delivery.status()).toMatchObject([{ target: 'commerce', circuit: 'closed' }]);
  });
});
