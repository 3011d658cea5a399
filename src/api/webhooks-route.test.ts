import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../adapters/sqlite/index.ts';
import type { CloudEvent } from '../canonical/cloudevent.ts';
import type { WebhookReceiver } from '../connectors/connector.ts';
import { InboundEventsChannel, type InboundEventsCount } from '../observability/inbound-events.ts';
import { PermanentError } from '../runtime/errors.ts';
import { parseTraceparent } from './events/trace-context.ts';
import { createHubServer } from './server.ts';
import { webhookRoutes } from './webhooks-route.ts';

const CALLER_TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const OWN_TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

/** A storefront webhook: each delivery lists orders; an order may bring its own trace. */
const storefront: WebhookReceiver = {
  verify: (request) => request.headers['x-signature'] === 'valid',
  deliveryId: (request) => String(request.headers['x-delivery-id']),
  toEvents: async (request) => {
    const body = JSON.parse(request.rawBody.toString('utf8')) as { orders: { number: string; traceparent?: string }[] };
    if (body.orders.length === 0) throw new PermanentError('the delivery lists no orders', { code: 'EMPTY_DELIVERY', field: 'orders' });
    return body.orders.map(
      (order): CloudEvent => ({
        specversion: '1.0',
        id: `placed-${order.number}`,
        source: 'crossdock://connectors/commerce/test',
        type: 'retail.order.placed.v1',
        subject: order.number,
        ...(order.traceparent && { traceparent: order.traceparent }),
      }),
    );
  },
};

describe('POST /webhooks/<role> with tracing off', () => {
  let adapters: EmbeddedAdapters;
  let app: FastifyInstance;
  let counts: InboundEventsCount[];
  beforeEach(async () => {
    adapters = await openSqlite({ path: ':memory:' });
    const inboundEvents = new InboundEventsChannel();
    counts = [];
    inboundEvents.subscribe((count) => counts.push(count));
    app = createHubServer({ bus: adapters.bus });
    await app.register(webhookRoutes, { bus: adapters.bus, storage: adapters.storage, receivers: new Map([['commerce', storefront]]), inboundEvents });
  });
  afterEach(async () => {
    await app.close();
    await adapters.close();
  });

  const send = (orders: { number: string; traceparent?: string }[], headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/webhooks/commerce',
      headers: { 'content-type': 'application/json', 'x-signature': 'valid', 'x-delivery-id': `dlv-${orders[0]?.number ?? 'empty'}`, ...headers },
      payload: JSON.stringify({ orders }),
    });
  const traceparentOf = async (subject: string) => (await adapters.bus.find({ subject }))[0]?.event.traceparent;

  it("keeps the caller's traceparent on events that bring none, as POST /events does", async () => {
    expect((await send([{ number: 'WEB-1' }, { number: 'WEB-2', traceparent: OWN_TRACEPARENT }], { traceparent: CALLER_TRACEPARENT })).statusCode).toBe(200);
    expect(await traceparentOf('WEB-1')).toBe(CALLER_TRACEPARENT);
    // An event's own trace wins over the request's.
    expect(await traceparentOf('WEB-2')).toBe(OWN_TRACEPARENT);
  });

  it('starts one new trace for the events of a request without a valid traceparent', async () => {
    await send([{ number: 'WEB-3' }, { number: 'WEB-4' }], { traceparent: 'not-a-traceparent' });
    const [first, second] = [await traceparentOf('WEB-3'), await traceparentOf('WEB-4')];
    expect(parseTraceparent(first ?? '')?.traceId).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(parseTraceparent(first ?? '')).toBeDefined();
    expect(second).toBe(first);
  });

  it('counts accepted, duplicate, refused and exception events for the metrics', async () => {
    await send([{ number: 'WEB-5' }]);
    await send([{ number: 'WEB-5' }]);
    await send([]);
    expect((await app.inject({ method: 'POST', url: '/webhooks/commerce', headers: { 'x-signature': 'forged' }, payload: '{}' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/webhooks/unconfigured', payload: '{}' })).statusCode).toBe(404);
    expect(counts).toEqual([
      { source: 'webhook:commerce', type: 'retail.order.placed.v1', outcome: 'accepted', count: 1 },
      { source: 'webhook:commerce', type: 'retail.order.placed.v1', outcome: 'duplicate', count: 1 },
      { source: 'webhook:commerce', type: 'unknown', outcome: 'exception', count: 1 },
      { source: 'webhook:commerce', type: 'unknown', outcome: 'refused', count: 1 },
      // A role nobody configured is not a label value of its own: anyone can send one.
      { source: 'webhook:unknown', type: 'unknown', outcome: 'refused', count: 1 },
    ]);
  });
});
