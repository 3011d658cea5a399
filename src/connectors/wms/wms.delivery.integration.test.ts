import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../../adapters/sqlite/index.ts';
import { eventually } from '../../ports/conformance/harness.ts';
import type { NewDeliveryItem } from '../../ports/storage.ts';
import { DeliveryEngine } from '../../runtime/delivery/engine.ts';
import { newOrder, startWmsFixture, type WmsFixture } from './testing.ts';
import type { Order } from '../../canonical/order.ts';

let fixture: WmsFixture | undefined;
let adapters: EmbeddedAdapters | undefined;
let engine: DeliveryEngine | undefined;
afterEach(async () => {
  await engine?.stop();
  await adapters?.close();
  await fixture?.close();
  engine = undefined;
  adapters = undefined;
  fixture = undefined;
});

const release = (order: Order): NewDeliveryItem => ({
  target: 'wms',
  kind: 'command',
  key: order.orderNumber,
  operation: 'releaseFulfillmentOrder',
  payload: order,
  idempotencyKey: `release:${order.orderNumber}`,
  context: { entity: 'order', businessKey: order.orderNumber },
});

describe('WMS connector behind the delivery engine', () => {
  it('lands the good releases in the WMS and dead-letters the refused one with the WMS code and the order number', async () => {
    fixture = await startWmsFixture();
    adapters = await openSqlite({ path: ':memory:' });
    engine = new DeliveryEngine({ storage: adapters.storage, targets: [fixture.connector], retry: { initialDelayMs: 1, maxDelayMs: 5, maxAttempts: 3 }, idlePollMs: 20 });
    await engine.start();

    const good = [newOrder(), newOrder(), newOrder()];
    const bad = newOrder();
    delete bad.fulfilment.shippingAddress?.postalCode;
    await engine.enqueue([...good, bad].map(release));

    await eventually(async () => (await adapters!.storage.delivery.stats('wms'))[0]?.delivered === 3, 'three releases delivered');
    await eventually(async () => (await adapters!.storage.deadLetters.count({ status: 'open' })) === 1, 'one dead letter');

    const listed = await fixture.warehouse('GET', '/v1/fulfillment-orders?limit=100');
    expect((listed.body.data as { externalOrderId: string }[]).map((order) => order.externalOrderId).sort()).toEqual(good.map((order) => order.orderNumber).sort());
    const [dead] = await adapters.storage.deadLetters.list({ status: 'open' });
    expect(dead).toMatchObject({
      target: 'wms',
      key: bad.orderNumber,
      context: { entity: 'order', businessKey: bad.orderNumber },
      error: { code: 'validation_error', field: 'shipTo.postalCode', system: 'wms', retryable: false },
    });
    const [delivered] = await adapters.storage.delivery.find({ key: good[0]!.orderNumber });
    expect(delivered).toMatchObject({ status: 'delivered', externalId: expect.stringMatching(/^fo_/) });
  });
});
