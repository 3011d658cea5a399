import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startWmsSandbox, verifyWmsSignature } from './index.ts';
import type { RunningWmsSandbox, WmsSandboxOptions } from './index.ts';

// Response bodies are asserted on, not typed.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let wms: RunningWmsSandbox | undefined;
const servers: Server[] = [];
afterEach(async () => {
  await wms?.close();
  wms = undefined;
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function start(options: WmsSandboxOptions = {}): Promise<RunningWmsSandbox> {
  // The real 10/s per key would throttle a fast test run; the rate-limit test sets its own.
  wms = await startWmsSandbox({
    initialStock: { 'SKU-A': 10, 'SKU-B': 5 },
    webhookTimeScale: 0.001,
    requestsPerSecond: 10_000,
    ...options,
  });
  return wms;
}

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  if (!wms) throw new Error('sandbox not started');
  const response = await fetch(`${wms.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${wms.apiKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Json) : {} };
}

const shipTo = { name: 'Ada Martin', address1: '1 Rue de la Paix', city: 'Paris', postalCode: '75002', country: 'FR' };
const newOrder = (externalOrderId: string, lines = [{ sku: 'SKU-A', quantity: 2 }, { sku: 'SKU-B', quantity: 1 }]) => ({
  externalOrderId,
  shipTo,
  lines,
});

/** A receiver that verifies the signature and answers with the given statuses in turn. */
async function receiver(statuses: number[] = [200]) {
  const received: {
    body: string;
    header: string | undefined;
    valid: boolean;
    deliveryId: string | undefined;
    topic: string | undefined;
  }[] = [];
  let secret = '';
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const header = request.headers['x-wms-signature'];
      const valid = verifyWmsSignature({ secret, body, header: typeof header === 'string' ? header : undefined }).valid;
      received.push({
        body,
        header: typeof header === 'string' ? header : undefined,
        valid,
        deliveryId: request.headers['x-wms-delivery-id'] as string | undefined,
        topic: request.headers['x-wms-topic'] as string | undefined,
      });
      const status = valid ? (statuses[Math.min(received.length - 1, statuses.length - 1)] ?? 200) : 400;
      response.writeHead(status).end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/wms`,
    received,
    setSecret: (value: string) => (secret = value),
  };
}

describe('WMS sandbox: auth and errors', () => {
  it('accepts Bearer and X-Api-Key, refuses a missing or wrong key with the JSON error shape', async () => {
    await start();
    expect((await call('GET', '/v1/stock')).status).toBe(200);
    expect((await call('GET', '/v1/stock', undefined, { authorization: '', 'x-api-key': 'wms_test_key' })).status).toBe(200);
    const wrong = await call('GET', '/v1/stock', undefined, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: { code: 'unauthorized', message: 'Invalid API key.' } });
  });

  it('answers a schema violation with 400 naming the field', async () => {
    await start();
    const response = await call('POST', '/v1/fulfillment-orders', { externalOrderId: 'SO-1', lines: [{ sku: 'A', quantity: 1 }] });
    expect(response.status).toBe(400);
    expect(response.body.error).toEqual({ code: 'validation_error', message: 'shipTo is required.', field: 'shipTo' });
    const badQuantity = await call('POST', '/v1/fulfillment-orders', { ...newOrder('SO-2'), lines: [{ sku: 'A', quantity: 0 }] });
    expect(badQuantity.body.error.field).toBe('lines.0.quantity');
  });
});

describe('WMS sandbox: fulfilment orders', () => {
  it('creates idempotently by externalOrderId and answers 409 to a conflicting duplicate', async () => {
    await start();
    const first = await call('POST', '/v1/fulfillment-orders', newOrder('SO-100'));
    expect(first.status).toBe(201);
    const replay = await call('POST', '/v1/fulfillment-orders', newOrder('SO-100'));
    expect(replay.status).toBe(200);
    expect(replay.body.id).toBe(first.body.id);
    const conflict = await call('POST', '/v1/fulfillment-orders', newOrder('SO-100', [{ sku: 'SKU-A', quantity: 9 }]));
    expect(conflict.status).toBe(409);
    expect(conflict.body.error).toMatchObject({ code: 'external_order_id_conflict', field: 'externalOrderId' });
    expect((await call('GET', `/v1/fulfillment-orders/${first.body.id}`)).body.externalOrderId).toBe('SO-100');
    expect((await call('GET', '/v1/fulfillment-orders/fo_999999')).status).toBe(404);
  });

  it('lists with cursor paging until nextCursor is null', async () => {
    await start();
    for (let i = 0; i < 5; i++) await call('POST', '/v1/fulfillment-orders', newOrder(`SO-${i}`));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const page = await call('GET', `/v1/fulfillment-orders${query}`);
      seen.push(...(page.body.data as { externalOrderId: string }[]).map((order) => order.externalOrderId));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    expect(seen).toEqual(['SO-0', 'SO-1', 'SO-2', 'SO-3', 'SO-4']);
    expect((await call('GET', '/v1/fulfillment-orders?cursor=garbage')).status).toBe(400);
  });

  it('enforces milestones over HTTP, ships partially and takes shipped units off the stock', async () => {
    await start();
    const { body: order } = await call('POST', '/v1/fulfillment-orders', newOrder('SO-7'));
    const early = await call('POST', `/v1/fulfillment-orders/${order.id}/events`, { type: 'shipped', carrier: 'UPS', trackingNumber: '1Z' });
    expect(early.status).toBe(422);
    expect(early.body.error.code).toBe('invalid_transition');
    await call('POST', `/v1/fulfillment-orders/${order.id}/events`, { type: 'picked' });
    await call('POST', `/v1/fulfillment-orders/${order.id}/events`, { type: 'packed' });
    const partial = await call('POST', `/v1/fulfillment-orders/${order.id}/events`, {
      type: 'shipped',
      carrier: 'UPS',
      trackingNumber: '1Z001',
      lines: [{ sku: 'SKU-A', quantity: 2 }],
    });
    expect(partial.body.status).toBe('partially_shipped');
    const stock = await call('GET', '/v1/stock?sku=SKU-A,SKU-B');
    expect(stock.body.data.map((level: { sku: string; onHand: number }) => [level.sku, level.onHand])).toEqual([
      ['SKU-A', 8],
      ['SKU-B', 5],
    ]);
    const rest = await call('POST', `/v1/fulfillment-orders/${order.id}/events`, { type: 'shipped', carrier: 'UPS', trackingNumber: '1Z002' });
    expect(rest.body.status).toBe('shipped');
    expect(rest.body.shipments.map((s: { trackingNumber: string }) => s.trackingNumber)).toEqual(['1Z001', '1Z002']);
  });

  it('refuses a shipment the shelf cannot cover', async () => {
    await start({ initialStock: { 'SKU-A': 1 } });
    const { body: order } = await call('POST', '/v1/fulfillment-orders', newOrder('SO-8', [{ sku: 'SKU-A', quantity: 2 }]));
    await call('POST', `/v1/fulfillment-orders/${order.id}/events`, { type: 'picked' });
    await call('POST', `/v1/fulfillment-orders/${order.id}/events`, { type: 'packed' });
    const ship = await call('POST', `/v1/fulfillment-orders/${order.id}/events`, { type: 'shipped', carrier: 'UPS', trackingNumber: 'X' });
    expect(ship.status).toBe(422);
    expect(ship.body.error.code).toBe('insufficient_stock');
    expect((await call('GET', `/v1/fulfillment-orders/${order.id}`)).body.status).toBe('packed');
  });
});

describe('WMS sandbox: returns and stock', () => {
  it('receives an expected return per line condition: sellable back on hand, damaged quarantined', async () => {
    await start();
    const expected = await call('POST', '/v1/return-receipts', { rmaNumber: 'RMA-1', lines: [{ sku: 'SKU-A', quantity: 3 }] });
    expect(expected.status).toBe(201);
    expect(expected.body.status).toBe('expected');
    const partial = await call('POST', `/v1/return-receipts/${expected.body.id}/receive`, {
      lines: [
        { sku: 'SKU-A', quantity: 1, condition: 'sellable' },
        { sku: 'SKU-A', quantity: 1, condition: 'damaged', note: 'crushed box' },
      ],
    });
    expect(partial.body.status).toBe('partially_received');
    const tooMany = await call('POST', `/v1/return-receipts/${expected.body.id}/receive`, {
      lines: [{ sku: 'SKU-A', quantity: 2, condition: 'sellable' }],
    });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error).toMatchObject({ code: 'quantity_exceeds_expected', field: 'lines.0.quantity' });
    const unexpected = await call('POST', `/v1/return-receipts/${expected.body.id}/receive`, {
      lines: [{ sku: 'SKU-B', quantity: 1, condition: 'sellable' }],
    });
    expect(unexpected.body.error.code).toBe('sku_not_expected');
    const badCondition = await call('POST', `/v1/return-receipts/${expected.body.id}/receive`, {
      lines: [{ sku: 'SKU-A', quantity: 1, condition: 'like_new' }],
    });
    expect(badCondition.status).toBe(400);
    const done = await call('POST', `/v1/return-receipts/${expected.body.id}/receive`, {
      lines: [{ sku: 'SKU-A', quantity: 1, condition: 'defective' }],
    });
    expect(done.body.status).toBe('received');
    const level = (await call('GET', '/v1/stock?sku=SKU-A')).body.data[0];
    expect(level).toMatchObject({ onHand: 11, quarantined: 2 });
  });

  it('adjusts stock with a reason and never below zero on hand', async () => {
    await start();
    const adjustment = await call('POST', '/v1/stock-adjustments', { sku: 'SKU-B', quantity: -2, reason: 'shrinkage' });
    expect(adjustment.status).toBe(201);
    expect(adjustment.body).toMatchObject({ sku: 'SKU-B', quantity: -2, reason: 'shrinkage', onHandAfter: 3 });
    const tooMuch = await call('POST', '/v1/stock-adjustments', { sku: 'SKU-B', quantity: -4, reason: 'damaged' });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.error.code).toBe('insufficient_stock');
    const badReason = await call('POST', '/v1/stock-adjustments', { sku: 'SKU-B', quantity: 1, reason: 'magic' });
    expect(badReason.status).toBe(400);
  });
});

describe('WMS sandbox: limits, faults, state', () => {
  it('answers 429 with Retry-After past the per-key rate, and lets the next second through', async () => {
    let now = 1_000_000;
    await start({ requestsPerSecond: 3, clock: () => now });
    for (let i = 0; i < 3; i++) expect((await call('GET', '/v1/stock')).status).toBe(200);
    const limited = await call('GET', '/v1/stock');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.body.error.code).toBe('rate_limited');
    now += 1_000;
    expect((await call('GET', '/v1/stock')).status).toBe(200);
    const limits = await fetch(`${wms?.url}/__sandbox/limits`).then((r) => r.json() as Promise<Json>);
    expect(limits.requestsPerSecond.limit).toBe(3);
  });

  it('injects faults in the WMS error format, set at runtime', async () => {
    await start();
    await fetch(`${wms?.url}/__sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errorRates: { 503: 1 } }),
    });
    const down = await call('GET', '/v1/stock');
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('service_unavailable');
  });

  it('snapshots and resets its state', async () => {
    await start();
    await call('POST', '/v1/fulfillment-orders', newOrder('SO-1'));
    const state = await fetch(`${wms?.url}/__sandbox/state`).then((r) => r.json() as Promise<Json>);
    expect(state.fulfillmentOrders).toHaveLength(1);
    await fetch(`${wms?.url}/__sandbox/reset`, { method: 'POST' });
    const after = await fetch(`${wms?.url}/__sandbox/state`).then((r) => r.json() as Promise<Json>);
    expect(after.fulfillmentOrders).toHaveLength(0);
    expect(after.stock.levels.find((level: { sku: string }) => level.sku === 'SKU-A').onHand).toBe(10);
  });
});

describe('WMS sandbox: milestone webhooks', () => {
  it('signs deliveries so a verifying receiver accepts them, and rejects a tampered body', async () => {
    await start();
    const hook = await receiver();
    const created = await call('POST', '/v1/webhooks', { url: hook.url, topics: ['fulfillment_order.picked'] });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    hook.setSecret(created.body.secret);
    const { body: order } = await call('POST', '/v1/fulfillment-orders', newOrder('SO-W'));
    await call('POST', `/v1/fulfillment-orders/${order.id}/events`, { type: 'picked' });
    await wms?.webhooks.drain();
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]).toMatchObject({ valid: true, topic: 'fulfillment_order.picked' });
    const payload = JSON.parse(hook.received[0]?.body ?? '{}');
    expect(payload).toMatchObject({ type: 'fulfillment_order.picked', data: { fulfillmentOrder: { id: order.id, status: 'picked' } } });
    // The header sent with that delivery must not verify a changed body.
    const tampered = (hook.received[0]?.body ?? '').replace('picked', 'shipped');
    expect(verifyWmsSignature({ secret: created.body.secret, body: tampered, header: hook.received[0]?.header }).valid).toBe(false);
  });

  it('applies webhook faults set at runtime: a duplicate carries the same delivery id', async () => {
    await start();
    const hook = await receiver();
    const created = await call('POST', '/v1/webhooks', { url: hook.url, topics: ['stock.adjusted'] });
    hook.setSecret(created.body.secret);
    await fetch(`${wms?.url}/__sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ webhooks: { duplicateRate: 1 } }),
    });
    await call('POST', '/v1/stock-adjustments', { sku: 'SKU-A', quantity: 1, reason: 'found' });
    await wms?.webhooks.drain();
    expect(hook.received).toHaveLength(2);
    expect(hook.received.every((r) => r.valid)).toBe(true);
    expect(hook.received[0]?.deliveryId).toBe(hook.received[1]?.deliveryId);
  });

  it('retries a receiver that fails twice, then records the successful third attempt', async () => {
    await start({ webhookRetryDelaysMs: [60_000, 120_000, 240_000], webhookTimeScale: 0.0001 });
    const hook = await receiver([500, 502, 200]);
    const created = await call('POST', '/v1/webhooks', { url: hook.url, topics: ['stock.adjusted'] });
    hook.setSecret(created.body.secret);
    await call('POST', '/v1/stock-adjustments', { sku: 'SKU-A', quantity: 5, reason: 'receipt' });
    await wms?.webhooks.drain();
    expect(hook.received).toHaveLength(3);
    expect(new Set(hook.received.map((r) => r.deliveryId)).size).toBe(1);
    expect(wms?.webhooks.attempts.map((a) => [a.attempt, a.status])).toEqual([
      [1, 500],
      [2, 502],
      [3, 200],
    ]);
  });
});


describe('WMS sandbox: cancelling a fulfilment order', () => {
  const cancel = (id: string, body?: unknown) => call('POST', `/v1/fulfillment-orders/${id}/cancel`, body);

  it('cancels a picked order with its reason, keeps stock, and refuses milestones after', async () => {
    await start();
    const { body: order } = await call('POST', '/v1/fulfillment-orders', newOrder('SO-C1'));
    await call('POST', `/v1/fulfillment-orders/${order.id}/events`, { type: 'picked' });
    const cancelled = await cancel(order.id, { reason: 'customer cancelled' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id: order.id, status: 'cancelled' });
    expect(cancelled.body.events.at(-1)).toEqual({ type: 'cancelled', occurredAt: expect.any(String), reason: 'customer cancelled' });
    const packed = await call('POST', `/v1/fulfillment-orders/${order.id}/events`, { type: 'packed' });
    expect(packed.status).toBe(422);
    expect(packed.body.error).toMatchObject({ code: 'invalid_transition', message: expect.stringContaining('no further events are allowed') });
    const stock = await call('GET', '/v1/stock?sku=SKU-A,SKU-B');
    expect(stock.body.data.map((level: { onHand: number }) => level.onHand)).toEqual([10, 5]);
    const listed = await call('GET', '/v1/fulfillment-orders?status=cancelled&externalOrderId=SO-C1');
    expect(listed.body.data.map((listedOrder: { id: string }) => listedOrder.id)).toEqual([order.id]);
  });

  it('answers a repeated cancel with 200 and the order unchanged, and accepts a cancel without a body', async () => {
    await start();
    const { body: order } = await call('POST', '/v1/fulfillment-orders', newOrder('SO-C2'));
    const first = await cancel(order.id);
    expect(first.status).toBe(200);
    expect(first.body.events).toEqual([{ type: 'cancelled', occurredAt: expect.any(String) }]);
    const again = await cancel(order.id, { reason: 'retry' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
  });

  it('refuses to cancel once anything shipped with 409 already_shipped, and an unknown id with 404', async () => {
    await start();
    const { body: order } = await call('POST', '/v1/fulfillment-orders', newOrder('SO-C3'));
    for (const type of ['picked', 'packed']) await call('POST', `/v1/fulfillment-orders/${order.id}/events`, { type });
    await call('POST', `/v1/fulfillment-orders/${order.id}/events`, {
      type: 'shipped',
      carrier: 'UPS',
      trackingNumber: '1Z003',
      lines: [{ sku: 'SKU-A', quantity: 1 }],
    });
    const refused = await cancel(order.id, { reason: 'too late' });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({
      error: { code: 'already_shipped', message: `Fulfillment order ${order.id} is partially_shipped; it cannot be cancelled once units have shipped.` },
    });
    expect((await call('GET', `/v1/fulfillment-orders/${order.id}`)).body.status).toBe('partially_shipped');
    const unknown = await cancel('fo_999999');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
  });

  it('cancels an order held in exception before shipping, and refuses a reason over 500 characters', async () => {
    await start();
    const { body: order } = await call('POST', '/v1/fulfillment-orders', newOrder('SO-C4'));
    await call('POST', `/v1/fulfillment-orders/${order.id}/events`, { type: 'exception', reason: 'address unverifiable' });
    const tooLong = await cancel(order.id, { reason: 'x'.repeat(501) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error).toMatchObject({ code: 'validation_error', field: 'reason' });
    const cancelled = await cancel(order.id, { reason: 'x'.repeat(500) });
    expect(cancelled.body).toMatchObject({ status: 'cancelled', statusBeforeException: null, exceptionReason: null });
  });

  it('publishes fulfillment_order.cancelled once, not on the idempotent repeat', async () => {
    await start();
    const hook = await receiver();
    const created = await call('POST', '/v1/webhooks', { url: hook.url, topics: ['fulfillment_order.cancelled'] });
    hook.setSecret(created.body.secret);
    const { body: order } = await call('POST', '/v1/fulfillment-orders', newOrder('SO-C5'));
    await cancel(order.id, { reason: 'fraud check failed' });
    await cancel(order.id, { reason: 'fraud check failed' });
    await wms?.webhooks.drain();
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]).toMatchObject({ valid: true, topic: 'fulfillment_order.cancelled' });
    expect(JSON.parse(hook.received[0]?.body ?? '{}')).toMatchObject({
      type: 'fulfillment_order.cancelled',
      data: { fulfillmentOrder: { id: order.id, status: 'cancelled', events: [{ type: 'cancelled', reason: 'fraud check failed' }] } },
    });
  });
});
