import type { FastifyInstance } from 'fastify';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../../adapters/sqlite/index.ts';
import { createHubServer } from '../server.ts';
import { EnvelopeRule } from './envelope-rules.ts';

/** Over a real socket: header handling (repeats, percent-encoding) and body limits as Node sees them. */
let adapters: EmbeddedAdapters;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  adapters = await openSqlite({ path: ':memory:' });
  app = createHubServer({ bus: adapters.bus, inbound: { maxBodyBytes: 4_096 } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await app.close();
  await adapters.close();
});

/** Sends raw header pairs (repeats kept), which fetch would merge. Raw headers get no Host from Node, so it is added. */
function rawPost(headers: string[], body: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL('/events', base);
    const outgoing = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: ['host', url.host, ...headers] }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const BINARY = ['ce-specversion', '1.0', 'ce-source', '/pos/store-0042', 'ce-type', 'retail.order.captured.v1'];

describe('POST /events over HTTP', () => {
  it('accepts a binary-mode event with percent-encoded headers', async () => {
    const response = await fetch(`${base}/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'ce-specversion': '1.0',
        'ce-id': 'http-1',
        'ce-source': '/pos/store-0042',
        'ce-type': 'retail.order.captured.v1',
        'ce-subject': 'ORD%2042%20%E2%82%AC',
      },
      body: JSON.stringify({ total: '42.00' }),
    });
    expect(response.status).toBe(202);
    expect(await adapters.bus.find({ subject: 'ORD 42 €' })).toHaveLength(1);
  });

  it('reports a repeated ce-id header instead of merging the values', async () => {
    const response = await rawPost([...BINARY, 'ce-id', 'a', 'ce-id', 'b', 'content-type', 'application/json'], Buffer.from('{}'));
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).violations).toContainEqual({ index: 0, attribute: 'ce-id', rule: EnvelopeRule.headerRepeated, value: 'b' });
  });

  it('keeps a body sent without Content-Type as binary data', async () => {
    const response = await rawPost([...BINARY, 'ce-id', 'untyped-1', 'ce-subject', 'UNTYPED-1'], Buffer.from([1, 2, 3]));
    expect(response.status).toBe(202);
    const [logged] = await adapters.bus.find({ subject: 'UNTYPED-1' });
    expect(logged?.event.data_base64).toBe(Buffer.from([1, 2, 3]).toString('base64'));
  });

  it('answers 413 to a chunked body over the limit', async () => {
    const response = await rawPost(
      ['content-type', 'application/cloudevents-batch+json', 'transfer-encoding', 'chunked'],
      Buffer.from(JSON.stringify(Array.from({ length: 100 }, (_, i) => ({ specversion: '1.0', id: `c${i}`, source: '/pos', type: 't' })))),
    );
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body).error).toBe('payload_too_large');
  });

  it('answers HEAD with 405', async () => {
    const response = await fetch(`${base}/events`, { method: 'HEAD' });
    expect(response.status).toBe(405);
  });
});
