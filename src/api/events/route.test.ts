import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../../adapters/sqlite/index.ts';
import type { Bus } from '../../ports/bus.ts';
import { createHubServer, type HubServerOptions } from '../server.ts';
import { EnvelopeRule } from './envelope-rules.ts';
import { parseTraceparent } from './trace-context.ts';

const STRUCTURED = 'application/cloudevents+json; charset=utf-8';
const BATCH = 'application/cloudevents-batch+json';
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function sale(id: string, extra: Record<string, unknown> = {}) {
  return {
    specversion: '1.0',
    id,
    source: '/pos/store-0042/till-3',
    type: 'retail.order.captured.v1',
    subject: `ORD-${id}`,
    time: '2026-11-23T09:15:00Z',
    datacontenttype: 'application/json',
    data: { lines: [{ sku: 'SKU-1', qty: 2 }], total: '19.98', currency: 'EUR' },
    ...extra,
  };
}

let adapters: EmbeddedAdapters;
let app: FastifyInstance;

async function start(inbound?: HubServerOptions['inbound'], bus?: Bus) {
  app = createHubServer({ bus: bus ?? adapters.bus, ...(inbound ? { inbound } : {}) });
  await app.ready();
}

function post(body: unknown, contentType = STRUCTURED, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/events',
    headers: { 'content-type': contentType, ...headers },
    payload: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
}

beforeEach(async () => {
  adapters = await openSqlite({ path: ':memory:' });
});

afterEach(async () => {
  await app?.close();
  await adapters.close();
});

describe('POST /events: accepted events are in the log before the answer', () => {
  beforeEach(() => start());

  it('structured mode: 202 with id and seq, event stored with a correlation id and a trace', async () => {
    const response = await post(sale('000123'));
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ id: '000123', seq: 1, duplicate: false });

    const [logged] = await adapters.bus.find({ subject: 'ORD-000123' });
    expect(logged?.seq).toBe(1);
    expect(logged?.event).toMatchObject({ id: '000123', source: '/pos/store-0042/till-3', data: { total: '19.98' } });
    expect(logged?.event.correlationid).toMatch(/^[0-9a-f-]{36}$/);
    expect(parseTraceparent(logged?.event.traceparent ?? '')).toBeDefined();
    // The assigned correlation id is indexed: the trace view finds the event by it.
    expect(await adapters.bus.find({ correlationId: logged!.event.correlationid! })).toHaveLength(1);
  });

  it('takes the trace from a valid traceparent header and keeps the correlation id the event brings', async () => {
    await post(sale('000124', { correlationid: 'pos-basket-77' }), STRUCTURED, { traceparent: TRACEPARENT });
    const [logged] = await adapters.bus.find({ subject: 'ORD-000124' });
    expect(logged?.event.traceparent).toBe(TRACEPARENT);
    expect(logged?.event.correlationid).toBe('pos-basket-77');
  });

  it('binary mode: headers become attributes, the JSON body becomes data', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/events',
      headers: {
        'content-type': 'application/json',
        'ce-specversion': '1.0',
        'ce-id': 'till3-0007',
        'ce-source': '/pos/store-0042/till-3',
        'ce-type': 'retail.return.received.v1',
        'ce-subject': 'RMA-0042-7',
        'ce-time': '2026-11-23T09:20:00+01:00',
        'ce-storename': 'Filiale%20M%C3%BCnchen',
      },
      payload: JSON.stringify({ rma: 'RMA-0042-7', reason: 'damaged' }),
    });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ id: 'till3-0007', seq: 1, duplicate: false });
    const [logged] = await adapters.bus.find({ subject: 'RMA-0042-7' });
    expect(logged?.event).toMatchObject({
      type: 'retail.return.received.v1',
      datacontenttype: 'application/json',
      storename: 'Filiale München',
      data: { rma: 'RMA-0042-7', reason: 'damaged' },
    });
  });

  it('binary mode: an event without a body has no data', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/events',
      headers: { 'ce-specversion': '1.0', 'ce-id': 'ping-1', 'ce-source': '/pos/store-0042', 'ce-type': 'retail.till.opened.v1', 'ce-subject': 'TILL-3' },
    });
    expect(response.statusCode).toBe(202);
    const [logged] = await adapters.bus.find({ subject: 'TILL-3' });
    expect(logged?.event).not.toHaveProperty('data');
    expect(logged?.event).not.toHaveProperty('datacontenttype');
  });

  it('binary mode: a non-text body is stored as data_base64', async () => {
    const receipt = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xfe]);
    const response = await app.inject({
      method: 'POST',
      url: '/events',
      headers: {
        'content-type': 'application/pdf',
        'ce-specversion': '1.0',
        'ce-id': 'receipt-1',
        'ce-source': '/pos/store-0042',
        'ce-type': 'retail.receipt.printed.v1',
        'ce-subject': 'RCPT-1',
      },
      payload: receipt,
    });
    expect(response.statusCode).toBe(202);
    const [logged] = await adapters.bus.find({ subject: 'RCPT-1' });
    expect(logged?.event.data_base64).toBe(receipt.toString('base64'));
  });

  it('batched mode: every event stored in order, one entry each in the answer', async () => {
    const response = await post([sale('b1'), sale('b2'), sale('b3')], BATCH);
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({
      accepted: [
        { id: 'b1', seq: 1, duplicate: false },
        { id: 'b2', seq: 2, duplicate: false },
        { id: 'b3', seq: 3, duplicate: false },
      ],
    });
    expect(await adapters.bus.head()).toBe(3);
  });

  it('batched mode: an empty batch is valid and stores nothing', async () => {
    const response = await post([], BATCH);
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ accepted: [] });
    expect(await adapters.bus.head()).toBe(0);
  });
});

describe('POST /events: duplicates (same source + id) are acknowledged without a second effect', () => {
  beforeEach(() => start());

  it('acknowledges a resent event with its original seq and stores it once', async () => {
    const first = await post(sale('000200'));
    const again = await post(sale('000200', { data: { total: '0.00' } }));
    expect(first.json()).toEqual({ id: '000200', seq: 1, duplicate: false });
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual({ id: '000200', seq: 1, duplicate: true });
    const logged = await adapters.bus.find({ subject: 'ORD-000200' });
    expect(logged).toHaveLength(1);
    expect(logged[0]?.event.data).toEqual(sale('000200').data);
    expect(await adapters.bus.head()).toBe(1);
  });

  it('treats the same id from another source as a different event', async () => {
    await post(sale('000201'));
    const other = await post(sale('000201', { source: '/pos/store-0043/till-1' }));
    expect(other.json()).toEqual({ id: '000201', seq: 2, duplicate: false });
  });

  it('recognises duplicates inside a batch and across modes', async () => {
    await post(sale('d1'));
    const response = await post([sale('d1'), sale('d2'), sale('d2')], BATCH);
    const { accepted } = response.json() as { accepted: Array<{ id: string; seq: number; duplicate: boolean }> };
    expect(accepted.map(({ id, duplicate }) => ({ id, duplicate }))).toEqual([
      { id: 'd1', duplicate: true },
      { id: 'd2', duplicate: false },
      { id: 'd2', duplicate: true },
    ]);
    expect(accepted[0]?.seq).toBe(1);
    // The log may leave gaps in seq; only order and identity are promised.
    expect(accepted[1]?.seq).toBeGreaterThan(1);
    expect(accepted[2]?.seq).toBe(accepted[1]?.seq);
    expect(await adapters.bus.find({})).toHaveLength(2);
  });
});

describe('POST /events: an invalid envelope is refused with 400 naming the rule', () => {
  beforeEach(() => start());

  const cases: Array<[string, Record<string, unknown>, string, string]> = [
    ['specversion missing', { specversion: undefined }, 'specversion', EnvelopeRule.required],
    ['specversion not 1.0', { specversion: '0.3' }, 'specversion', EnvelopeRule.specversion],
    ['id missing', { id: undefined }, 'id', EnvelopeRule.required],
    ['id empty', { id: '' }, 'id', EnvelopeRule.nonEmpty],
    ['id not a string', { id: 123 }, 'id', EnvelopeRule.string],
    ['source missing', { source: undefined }, 'source', EnvelopeRule.required],
    ['source empty', { source: '' }, 'source', EnvelopeRule.nonEmpty],
    ['source not a URI-reference', { source: 'store 42' }, 'source', EnvelopeRule.uriReference],
    ['type missing', { type: undefined }, 'type', EnvelopeRule.required],
    ['type empty', { type: '' }, 'type', EnvelopeRule.nonEmpty],
    ['time not RFC 3339', { time: '23/11/2026 09:15' }, 'time', EnvelopeRule.timestamp],
    ['subject not a string', { subject: 42 }, 'subject', EnvelopeRule.string],
    ['dataschema not a URI', { dataschema: 'order-v1' }, 'dataschema', EnvelopeRule.uri],
    ['datacontenttype malformed', { datacontenttype: 'json' }, 'datacontenttype', EnvelopeRule.mediaType],
    ['data and data_base64 both present', { data_base64: 'YQ==' }, 'data_base64', EnvelopeRule.dataExclusive],
    ['data_base64 not base64', { data: undefined, data_base64: 'not base64' }, 'data_base64', EnvelopeRule.base64],
    ['extension name with upper case', { storeId: '0042' }, 'storeId', EnvelopeRule.extensionName],
    ['extension name with an underscore', { store_id: '0042' }, 'store_id', EnvelopeRule.extensionName],
    ['extension value an object', { promotion: { code: 'XMAS' } }, 'promotion', EnvelopeRule.extensionValue],
    ['traceparent malformed', { traceparent: 'abc' }, 'traceparent', EnvelopeRule.traceparent],
  ];

  it.each(cases)('%s', async (_what, change, attribute, rule) => {
    const response = await post(sale('bad', change));
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.error).toBe('invalid_cloudevent');
    expect(body.violations).toContainEqual(expect.objectContaining({ index: 0, attribute, rule }));
    expect(body.message).toContain(`${attribute} ${rule}`);
    expect(await adapters.bus.head()).toBe(0);
  });

  it('binary mode without ce- headers: names the four required attributes', async () => {
    const response = await post('{"total":"9.99"}', 'application/json');
    expect(response.statusCode).toBe(400);
    const attributes = response.json().violations.map((violation: { attribute: string }) => violation.attribute);
    expect(attributes).toEqual(['specversion', 'id', 'source', 'type']);
  });

  it('binary mode: a ce-datacontenttype header and a bad ce-time are both reported', async () => {
    const response = await post('{}', 'application/json', {
      'ce-specversion': '1.0',
      'ce-id': 'x',
      'ce-source': '/pos',
      'ce-type': 'retail.order.captured.v1',
      'ce-time': 'today',
      'ce-datacontenttype': 'application/json',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().violations).toEqual([
      { index: 0, attribute: 'ce-datacontenttype', rule: EnvelopeRule.headerDatacontenttype, value: 'application/json' },
      { index: 0, attribute: 'time', rule: EnvelopeRule.timestamp, value: 'today' },
    ]);
  });

  it('a batch with bad events is rejected whole, names each bad index, stores nothing', async () => {
    const response = await post([sale('ok-1'), sale('bad-1', { time: 'noon' }), sale('ok-2'), sale('bad-2', { id: '' })], BATCH);
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.violations).toEqual([
      { index: 1, attribute: 'time', rule: EnvelopeRule.timestamp, value: 'noon' },
      { index: 3, attribute: 'id', rule: EnvelopeRule.nonEmpty, value: '' },
    ]);
    expect(body.message).toContain('2 of 4 events');
    expect(body.message).toContain('index 1, 3');
    expect(await adapters.bus.head()).toBe(0);
  });

  it('lists at most 100 violations and says how many more there were', async () => {
    const events = Array.from({ length: 150 }, (_, i) => sale(`bad-${i}`, { time: 'noon' }));
    const body = (await post(events, BATCH)).json();
    expect(body.violations).toHaveLength(100);
    expect(body.omittedViolations).toBe(50);
  });
});

describe('POST /events: request-level errors', () => {
  it('malformed JSON is a 400 with a clear message', async () => {
    await start();
    const response = await post('{"specversion":"1.0",', STRUCTURED);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'malformed_json', message: expect.stringContaining('not valid JSON') });
  });

  it('a batch body that is not an array is a 400', async () => {
    await start();
    const response = await post(sale('x'), BATCH);
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toBe('invalid_batch');
  });

  it('an unsupported event format is a 415', async () => {
    await start();
    const response = await post('x', 'application/cloudevents+avro');
    expect(response.statusCode).toBe(415);
    expect(response.json().error).toBe('unsupported_media_type');
  });

  it('other methods are a 405 that lists the allowed ones', async () => {
    await start();
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE'] as const) {
      const response = await app.inject({ method, url: '/events' });
      expect(response.statusCode).toBe(405);
      expect(response.headers.allow).toBe('POST, OPTIONS');
      expect(response.json().error).toBe('method_not_allowed');
    }
  });

  it('a body above the configured size is a 413 and stores nothing', async () => {
    await start({ maxBodyBytes: 2_000 });
    const events = Array.from({ length: 20 }, (_, i) => sale(`big-${i}`));
    const response = await post(events, BATCH);
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ error: 'payload_too_large', message: expect.stringContaining('2000 bytes') });
    expect(await adapters.bus.head()).toBe(0);
    expect((await post(sale('small'))).statusCode).toBe(202);
  });

  it('refuses a body limit that is not a positive number of bytes when the server starts', async () => {
    app = createHubServer({ bus: adapters.bus, inbound: { maxBodyBytes: 0 } });
    await expect(app.ready()).rejects.toThrow(/maxBodyBytes must be a positive whole number/);
  });

  it('answers 503 and acknowledges nothing when the log cannot persist', async () => {
    const failingBus = Object.assign(Object.create(adapters.bus) as Bus, {
      publish: async () => Promise.reject(new Error('SQLITE_FULL: database or disk is full')),
    });
    await start(undefined, failingBus);
    const response = await post(sale('lost?'));
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.json().error).toBe('not_persisted');
  });
});

describe('POST /events: API keys', () => {
  beforeEach(() => start({ apiKeys: ['pos-store-0042-key'] }));

  it('refuses a request without a key, with a Bearer challenge, and stores nothing', async () => {
    const response = await post(sale('k1'));
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="crossdock"');
    expect(response.json().error).toBe('unauthorized');
    expect(await adapters.bus.head()).toBe(0);
  });

  it('refuses a wrong key', async () => {
    const response = await post(sale('k1'), STRUCTURED, { authorization: 'Bearer someone-elses-key' });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('accepts a configured key', async () => {
    const response = await post(sale('k1'), STRUCTURED, { authorization: 'Bearer pos-store-0042-key' });
    expect(response.statusCode).toBe(202);
  });

  it('leaves the health check open', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('hub server basics', () => {
  beforeEach(() => start());

  it('GET /healthz answers ok', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('OPTIONS /events grants the CloudEvents webhook handshake', async () => {
    const response = await app.inject({ method: 'OPTIONS', url: '/events', headers: { 'webhook-request-origin': 'pos.acme.example' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers.allow).toBe('POST, OPTIONS');
    expect(response.headers['webhook-allowed-origin']).toBe('pos.acme.example');
    expect(response.headers['webhook-allowed-rate']).toBe('*');
  });
});
