import { afterEach, describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../canonical/cloudevent.ts';
import { validateRetailEvent } from '../../canonical/events/create-event.ts';
import { openSqlite, type EmbeddedAdapters } from '../../adapters/sqlite/index.ts';
import type { Connector, InboundRequest } from '../connector.ts';
import { recordingContext } from '../conformance/harness.ts';
import { createWmsConnector } from './index.ts';
import type { WmsWebhookReceiver } from './inbound.ts';
import { newOrder, releaseItem, startWmsFixture, type WmsFixture } from './testing.ts';

let fixture: WmsFixture | undefined;
let adapters: EmbeddedAdapters | undefined;
afterEach(async () => {
  await fixture?.close();
  await adapters?.close();
  fixture = undefined;
  adapters = undefined;
});

/** What the hub's webhook endpoint does: verify, map, then append to the durable log. */
async function receive(connector: Connector, request: InboundRequest, log: EmbeddedAdapters) {
  const webhook = connector.webhook!;
  if (!webhook.verify(request)) return { status: 401, published: [] };
  const events = await webhook.toEvents(request);
  return { status: 200, events, published: events.length > 0 ? await log.bus.publish(events) : [] };
}

/** Releases an order and walks it through the warehouse; returns the WMS order id. */
async function releaseOrder(current: WmsFixture) {
  const order = newOrder();
  const [outcome] = await current.connector.deliver([releaseItem(order)], recordingContext());
  return { order, id: (outcome as { externalId: string }).externalId };
}

const milestone = (current: WmsFixture, id: string, body: Record<string, unknown>) => current.warehouse('POST', `/v1/fulfillment-orders/${id}/events`, body);

describe('WMS webhooks from the sandbox emitter', () => {
  it('turns a shipment into a canonical milestone: order number, carrier, tracking, lines shipped', async () => {
    fixture = await startWmsFixture();
    adapters = await openSqlite({ path: ':memory:' });
    const { order, id } = await releaseOrder(fixture);
    await milestone(fixture, id, { type: 'picked' });
    await milestone(fixture, id, { type: 'packed' });
    await milestone(fixture, id, { type: 'shipped', carrier: 'DPD', trackingNumber: '15501234567890', lines: [{ sku: 'MERINO-SOCK-M-GRY', quantity: 2 }], occurredAt: '2026-11-23T07:40:00Z' });
    const requests = await fixture.catcher.waitFor(3);

    const results = await Promise.all(requests.map((request) => receive(fixture!.connector, request, adapters!)));
    expect(results.map((result) => result.status)).toEqual([200, 200, 200]);
    // picked and packed precede any parcel: they concern the consignment being prepared (the fulfilment order).
    const events = results.flatMap((result) => result.events ?? []);
    expect(events).toHaveLength(3);
    // Webhooks are not ordered (the emitter sends them concurrently, as real systems do): tell
    // the events apart by the milestone they end with.
    const endingWith = (milestone: string) =>
      events.find((event) => (event.data as { milestones: { milestone: string }[] }).milestones.at(-1)?.milestone === milestone) as CloudEvent;
    const [picked, packed, shipped] = [endingWith('picked'), endingWith('packed'), endingWith('handed-to-carrier')];
    for (const event of events) expect(validateRetailEvent(event).ok).toBe(true);
    expect([picked.subject, packed.subject]).toEqual([id, id]);
    expect(packed.data).toMatchObject({ orderNumber: order.orderNumber, milestones: [{ milestone: 'picked' }, { milestone: 'packed' }] });
    expect((packed.data as { lines: unknown[] }).lines).toHaveLength(order.lines.length);
    expect(validateRetailEvent(shipped).ok).toBe(true);
    expect(shipped).toMatchObject({
      type: 'retail.shipment.milestone-reached.v1',
      source: 'crossdock://connectors/wms',
      time: '2026-11-23T07:40:00Z',
      data: {
        orderNumber: order.orderNumber,
        fromLocationCode: 'DC-EAST',
        carrier: { code: 'dpd', service: 'next-day' },
        trackingNumber: '15501234567890',
        lines: [{ orderLineNumber: 2, sku: 'MERINO-SOCK-M-GRY', quantity: 2 }],
        milestones: [{ milestone: 'handed-to-carrier', occurredAt: '2026-11-23T07:40:00Z' }],
        sourceSystem: 'wms',
      },
    });
    expect(shipped.subject).toBe((shipped.data as { shipmentNumber: string }).shipmentNumber);
    expect(await adapters.bus.find({ type: 'retail.shipment.milestone-reached.v1', subject: shipped.subject })).toHaveLength(1);
  });

  it('rejects a forged signature, a wrong secret and a replayed old delivery: nothing enters the log', async () => {
    fixture = await startWmsFixture();
    adapters = await openSqlite({ path: ':memory:' });
    await fixture.warehouse('POST', '/v1/stock-adjustments', { sku: 'MERINO-SOCK-M-GRY', quantity: 3, reason: 'found' });
    const [genuine] = (await fixture.catcher.waitFor(1)) as [InboundRequest];

    const tampered = { ...genuine, rawBody: Buffer.from(genuine.rawBody.toString().replace('"quantity":3', '"quantity":300')) };
    const otherSecret = createWmsConnector({ baseUrl: fixture.wms.url, apiKey: fixture.wms.apiKey, webhookSecret: 'whsec_not_ours', warehouseLocationCode: 'DC-EAST' });
    const anHourLater = createWmsConnector({ baseUrl: fixture.wms.url, apiKey: fixture.wms.apiKey, webhookSecret: fixture.secret, warehouseLocationCode: 'DC-EAST', clock: () => Date.now() + 3_600_000 });
    const unsigned = { ...genuine, headers: { ...genuine.headers, 'x-wms-signature': undefined } };

    expect((await receive(fixture.connector, tampered, adapters)).status).toBe(401);
    expect((await receive(otherSecret, genuine, adapters)).status).toBe(401);
    expect((await receive(anHourLater, genuine, adapters)).status).toBe(401);
    expect((await receive(fixture.connector, unsigned, adapters)).status).toBe(401);
    expect(await adapters.bus.head()).toBe(0);
    expect((fixture.connector.webhook as WmsWebhookReceiver).verifySignature(tampered)).toEqual({ valid: false, reason: 'mismatch' });

    expect((await receive(fixture.connector, genuine, adapters)).status).toBe(200);
    expect(await adapters.bus.head()).toBeGreaterThan(0);
  });

  it('yields the same event ids for a duplicated delivery, so the log keeps one', async () => {
    fixture = await startWmsFixture({ sandbox: { faults: { webhooks: { duplicateRate: 1 } } } });
    adapters = await openSqlite({ path: ':memory:' });
    await fixture.warehouse('POST', '/v1/stock-adjustments', { sku: 'TRAIL-RUNNER-42-BLU', quantity: -2, reason: 'damaged' });
    const [first, second] = (await fixture.catcher.waitFor(2)) as [InboundRequest, InboundRequest];
    const webhook = fixture.connector.webhook!;
    expect(webhook.deliveryId(first)).toBe(webhook.deliveryId(second));

    const one = await receive(fixture.connector, first, adapters);
    const two = await receive(fixture.connector, second, adapters);
    expect(two.events!.map((event) => event.id)).toEqual(one.events!.map((event) => event.id));
    expect(one.published.map((result) => result.duplicate)).toEqual([false]);
    expect(two.published.map((result) => result.duplicate)).toEqual([true]);
    expect(await adapters.bus.find({ type: 'retail.inventory.level-changed.v1' })).toHaveLength(1);
    expect(one.events![0]).toMatchObject({
      subject: 'TRAIL-RUNNER-42-BLU@DC-EAST',
      data: { sku: 'TRAIL-RUNNER-42-BLU', locationCode: 'DC-EAST', onHand: 48, available: 48, reserved: 0, sourceSequence: 1 },
    });
  });

  it('keeps the order of milestones delivered out of order: time, version and the full history', async () => {
    fixture = await startWmsFixture();
    const { id } = await releaseOrder(fixture);
    await milestone(fixture, id, { type: 'picked' });
    await milestone(fixture, id, { type: 'packed' });
    await milestone(fixture, id, { type: 'shipped', carrier: 'UPS', trackingNumber: '1Z999', occurredAt: '2026-11-23T08:00:00Z' });
    await milestone(fixture, id, { type: 'delivered', occurredAt: '2026-11-24T10:30:00Z' });
    const requests = await fixture.catcher.waitFor(4);
    const byTopic = (topic: string) => requests.find((request) => request.headers['x-wms-topic'] === topic)!;

    // The delivered notice arrives first, the shipment second.
    const [delivered] = await fixture.connector.webhook!.toEvents(byTopic('fulfillment_order.delivered'));
    const [shipped] = await fixture.connector.webhook!.toEvents(byTopic('fulfillment_order.shipped'));
    type ShipmentData = { version: number; sourceTimestamp: string; milestones: { milestone: string }[] };
    const newer = delivered!.data as ShipmentData;
    const older = shipped!.data as ShipmentData;
    expect(delivered!.subject).toBe(shipped!.subject);
    expect(newer.version).toBeGreaterThan(older.version);
    expect(Date.parse(newer.sourceTimestamp)).toBeGreaterThan(Date.parse(older.sourceTimestamp));
    expect(newer.milestones.map((entry) => entry.milestone)).toEqual(['handed-to-carrier', 'delivered']);
    expect(older.milestones.map((entry) => entry.milestone)).toEqual(['handed-to-carrier']);
  });

  it('turns a received return into retail.return.received.v1 with a condition per line', async () => {
    fixture = await startWmsFixture();
    const expected = await fixture.warehouse('POST', '/v1/return-receipts', {
      rmaNumber: 'RMA-20931',
      externalOrderId: 'WEB-100234',
      lines: [{ sku: 'TRAIL-RUNNER-42-BLU', quantity: 2 }],
    });
    await fixture.warehouse('POST', `/v1/return-receipts/${String(expected.body.id)}/receive`, {
      lines: [
        { sku: 'TRAIL-RUNNER-42-BLU', quantity: 1, condition: 'sellable' },
        { sku: 'TRAIL-RUNNER-42-BLU', quantity: 1, condition: 'damaged' },
      ],
    });
    const [request] = (await fixture.catcher.waitFor(1)) as [InboundRequest];
    const [event] = await fixture.connector.webhook!.toEvents(request);
    expect(validateRetailEvent(event).ok).toBe(true);
    expect(event).toMatchObject({
      type: 'retail.return.received.v1',
      subject: 'RMA-20931',
      data: {
        orderNumber: 'WEB-100234',
        status: 'received',
        returnLocationCode: 'DC-EAST',
        lines: [
          { sku: 'TRAIL-RUNNER-42-BLU', quantity: 1, condition: 'sellable' },
          { sku: 'TRAIL-RUNNER-42-BLU', quantity: 1, condition: 'damaged' },
        ],
      },
    });
  });
});
