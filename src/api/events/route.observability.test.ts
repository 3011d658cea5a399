import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../../adapters/sqlite/index.ts';
import { InboundEventsChannel, type InboundEventsCount } from '../../observability/inbound-events.ts';
import { createLogger } from '../../observability/logger.ts';
import { createHubServer } from '../server.ts';

const STRUCTURED = 'application/cloudevents+json';
const BATCH = 'application/cloudevents-batch+json';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

const sale = (id: string, extra: Record<string, unknown> = {}) => ({
  specversion: '1.0',
  id,
  source: '/pos/store-0042/till-3',
  type: 'retail.sale.completed.v1',
  subject: `ORD-${id}`,
  data: { customer: { email: 'jane.doe@example.com' } },
  ...extra,
});

describe('POST /events: logs and counts', () => {
  let adapters: EmbeddedAdapters;
  let app: FastifyInstance;
  let lines: Record<string, unknown>[];
  let counts: InboundEventsCount[];
  beforeEach(async () => {
    adapters = await openSqlite({ path: ':memory:' });
    lines = [];
    counts = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        callback();
      },
    });
    const inboundEvents = new InboundEventsChannel();
    inboundEvents.subscribe((count) => counts.push(count));
    app = createHubServer({ bus: adapters.bus, logger: createLogger({ destination }), inbound: { apiKeys: ['pos-key'] }, inboundEvents });
    await app.ready();
  });
  afterEach(async () => {
    await app.close();
    await adapters.close();
  });

  const post = (body: unknown, contentType = STRUCTURED, headers: Record<string, string> = { authorization: 'Bearer pos-key' }) =>
    app.inject({ method: 'POST', url: '/events', headers: { 'content-type': contentType, ...headers }, payload: JSON.stringify(body) });

  it("binds the events' correlation ids and trace to the request's log lines, Fastify's own included", async () => {
    expect((await post(sale('1', { correlationid: 'basket-1' }), STRUCTURED, { authorization: 'Bearer pos-key', traceparent: TRACEPARENT })).statusCode).toBe(202);
    const single = lines.filter((line) => line.correlationId === 'basket-1').map((line) => line.msg);
    expect(single).toEqual(['inbound events persisted', 'request completed']);
    expect(lines.find((line) => line.msg === 'request completed')).toMatchObject({ traceId: TRACE_ID, res: { statusCode: 202 } });

    lines.length = 0;
    await post([sale('2', { correlationid: 'basket-2' }), sale('3', { correlationid: 'basket-3' })], BATCH);
    expect(lines.find((line) => line.msg === 'request completed')).toMatchObject({ correlationIds: ['basket-2', 'basket-3'] });
    expect(JSON.stringify(lines)).not.toContain('jane.doe@');
  });

  it('counts accepted and duplicate events by type, and each refused request once, logging why without the values', async () => {
    await post([sale('4'), sale('5', { type: 'retail.return.requested.v1' })], BATCH);
    await post(sale('4'));
    expect((await post(sale('6'), STRUCTURED, {})).statusCode).toBe(401);
    // A phone number sent where a time belongs: the 400 echoes it to the sender, the log must not.
    expect((await post(sale('7', { time: '+44 7700 900123' }))).statusCode).toBe(400);
    expect(counts).toEqual([
      { source: 'events', type: 'retail.sale.completed.v1', outcome: 'accepted', count: 1 },
      { source: 'events', type: 'retail.return.requested.v1', outcome: 'accepted', count: 1 },
      { source: 'events', type: 'retail.sale.completed.v1', outcome: 'duplicate', count: 1 },
      { source: 'events', type: 'unknown', outcome: 'refused', count: 1 },
      { source: 'events', type: 'unknown', outcome: 'refused', count: 1 },
    ]);
    const refused = lines.filter((line) => line.msg === 'inbound events refused');
    expect(refused.map((line) => [line.level, line.statusCode])).toEqual([
      ['warn', 401],
      ['warn', 400],
    ]);
    expect(refused[1]).toMatchObject({ mode: 'structured', violations: [{ index: 0, attribute: 'time', rule: expect.stringContaining('RFC 3339') }] });
    expect(JSON.stringify(lines)).not.toContain('7700 900123');
  });
});
