import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryItem } from '../../ports/storage.ts';
import type { ItemOutcome } from '../../runtime/delivery/target.ts';
import { PermanentError, TransientError } from '../../runtime/errors.ts';
import { deliveryItem, recordingContext } from '../conformance/harness.ts';
import { createWmsConnector } from './index.ts';
import type { FulfillmentOrderCancellation } from './outbound.ts';
import { newOrder, releaseItem, startWmsFixture, type WmsFixture } from './testing.ts';

let fixture: WmsFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

let cancelSequence = 0;

/** A cancel as a flow would enqueue it: keyed by the order number, like the release before it. */
function cancelItem(cancellation: FulfillmentOrderCancellation): DeliveryItem {
  cancelSequence++;
  return deliveryItem({
    target: 'wms',
    kind: 'command',
    key: cancellation.orderNumber,
    operation: 'cancelFulfillmentOrder',
    payload: cancellation,
    idempotencyKey: `cancel:${cancellation.orderNumber}:${cancelSequence}`,
    context: { entity: 'order', businessKey: cancellation.orderNumber },
  });
}

async function released(current: WmsFixture): Promise<{ orderNumber: string; id: string }> {
  const order = newOrder();
  const [outcome] = await current.connector.deliver([releaseItem(order)], recordingContext());
  expect(outcome).toMatchObject({ ok: true, externalId: expect.stringMatching(/^fo_/) });
  return { orderNumber: order.orderNumber, id: (outcome as { externalId: string }).externalId };
}

async function milestone(current: WmsFixture, id: string, event: Record<string, unknown>) {
  return current.warehouse('POST', `/v1/fulfillment-orders/${id}/events`, event);
}

function failureOf(outcome: ItemOutcome | undefined): PermanentError {
  expect(outcome?.ok).toBe(false);
  const error = (outcome as { error: unknown }).error;
  expect(error).toBeInstanceOf(PermanentError);
  return error as PermanentError;
}

describe('WMS connector: cancelling fulfilment orders', () => {
  it('cancels a released order with the reason, after which the warehouse cannot record a milestone', async () => {
    fixture = await startWmsFixture();
    const order = await released(fixture);
    await milestone(fixture, order.id, { type: 'picked' });

    const [outcome] = await fixture.connector.deliver([cancelItem({ orderNumber: order.orderNumber, reason: 'customer cancelled' })], recordingContext());

    expect(outcome).toEqual({ ok: true, externalId: order.id });
    const stored = await fixture.warehouse('GET', `/v1/fulfillment-orders/${order.id}`);
    expect(stored.body.status).toBe('cancelled');
    expect((stored.body.events as unknown[]).at(-1)).toMatchObject({ type: 'cancelled', reason: 'customer cancelled' });
    const packed = await milestone(fixture, order.id, { type: 'packed' });
    expect(packed.status).toBe(422);
    expect(packed.body.error).toMatchObject({ code: 'invalid_transition' });
  });

  it('treats a second cancel as success, and the WMS records one cancellation', async () => {
    fixture = await startWmsFixture();
    const order = await released(fixture);

    const [first] = await fixture.connector.deliver([cancelItem({ orderNumber: order.orderNumber, reason: 'duplicate order' })], recordingContext());
    const [again] = await fixture.connector.deliver([cancelItem({ orderNumber: order.orderNumber, reason: 'duplicate order' })], recordingContext());

    expect(first).toEqual({ ok: true, externalId: order.id });
    expect(again).toEqual(first);
    const stored = await fixture.warehouse('GET', `/v1/fulfillment-orders/${order.id}`);
    expect((stored.body.events as { type: string }[]).filter((event) => event.type === 'cancelled')).toHaveLength(1);
  });

  it('reports a cancel that arrives after the warehouse shipped as ALREADY_SHIPPED, naming the order and the WMS status', async () => {
    fixture = await startWmsFixture();
    const order = await released(fixture);
    for (const type of ['picked', 'packed']) await milestone(fixture, order.id, { type });
    await milestone(fixture, order.id, { type: 'shipped', carrier: 'DPD', trackingNumber: '15501234567890' });

    const [outcome] = await fixture.connector.deliver([cancelItem({ orderNumber: order.orderNumber })], recordingContext());

    const error = failureOf(outcome);
    expect(error).toMatchObject({ code: 'ALREADY_SHIPPED', system: 'wms', retryable: false, details: { wmsStatus: 'shipped', fulfillmentOrderId: order.id } });
    expect(error.message).toContain(`Order ${order.orderNumber}`);
    expect(error.message).toContain(`${order.id} is shipped`);
    expect((await fixture.warehouse('GET', `/v1/fulfillment-orders/${order.id}`)).body.status).toBe('shipped');
  });

  it('succeeds with no WMS id for an order that was never released, and changes nothing in the WMS', async () => {
    fixture = await startWmsFixture();
    const other = await released(fixture);
    const before = await fixture.warehouse('GET', '/v1/fulfillment-orders');

    const [outcome] = await fixture.connector.deliver([cancelItem({ orderNumber: newOrder().orderNumber, reason: 'never released' })], recordingContext());

    expect(outcome).toEqual({ ok: true });
    const after = await fixture.warehouse('GET', '/v1/fulfillment-orders');
    expect(after.body).toEqual(before.body);
    expect((after.body.data as { id: string; status: string }[]).map((order) => [order.id, order.status])).toEqual([[other.id, 'received']]);
  });

  it('shortens a reason longer than the WMS accepts instead of having the cancel refused', async () => {
    fixture = await startWmsFixture();
    const order = await released(fixture);

    const [outcome] = await fixture.connector.deliver([cancelItem({ orderNumber: order.orderNumber, reason: 'r'.repeat(800) })], recordingContext());

    expect(outcome).toEqual({ ok: true, externalId: order.id });
    const stored = await fixture.warehouse('GET', `/v1/fulfillment-orders/${order.id}`);
    const reason = (stored.body.events as { reason: string }[]).at(-1)?.reason ?? '';
    expect([...reason]).toHaveLength(500);
    expect(reason.endsWith('…')).toBe(true);
  });

  it('refuses a payload without an order number as invalid_payload', async () => {
    fixture = await startWmsFixture();
    const item = { ...cancelItem({ orderNumber: 'WEB-1' }), payload: { reason: 'no order number' } };
    const [outcome] = await fixture.connector.deliver([item], recordingContext());
    expect(failureOf(outcome)).toMatchObject({ code: 'invalid_payload', field: 'orderNumber', system: 'wms' });
  });

  it("acknowledges the WMS's fulfillment_order.cancelled webhook without a canonical event", async () => {
    fixture = await startWmsFixture();
    const subscription = await fixture.warehouse('POST', '/v1/webhooks', { url: fixture.catcher.url, topics: ['fulfillment_order.cancelled'] });
    const connector = createWmsConnector({ baseUrl: fixture.wms.url, apiKey: fixture.wms.apiKey, webhookSecret: String(subscription.body.secret), warehouseLocationCode: 'DC-EAST' });
    const order = await released(fixture);

    await connector.deliver([cancelItem({ orderNumber: order.orderNumber })], recordingContext());

    const [request] = await fixture.catcher.waitFor(1);
    expect(request?.headers['x-wms-topic']).toBe('fulfillment_order.cancelled');
    expect(connector.webhook?.verify(request!)).toBe(true);
    expect(await connector.webhook?.toEvents(request!)).toEqual([]);
  });

  it('throws a WMS outage for the whole batch as a TransientError, to be retried', async () => {
    fixture = await startWmsFixture();
    const order = await released(fixture);
    fixture.wms.faults.set({ errorRates: { 503: 1 } });

    const failure = await fixture.connector.deliver([cancelItem({ orderNumber: order.orderNumber })], recordingContext()).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(TransientError);
    expect(failure).toMatchObject({ code: 'service_unavailable', system: 'wms' });
    fixture.wms.faults.set({});
    expect((await fixture.warehouse('GET', `/v1/fulfillment-orders/${order.id}`)).body.status).toBe('received');
  });
});
