import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../adapters/sqlite/index.ts';
import { createHubServer } from '../api/server.ts';
import { eventually } from '../ports/conformance/harness.ts';
import { defineFlow } from '../runtime/flows/definition.ts';
import { Hub } from '../runtime/hub.ts';
import { RecordingTarget } from '../runtime/testing/recording-target.ts';
import { startTracing, type Tracing } from './tracing.ts';

interface ReceivedExport {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A stand-in OpenTelemetry collector: records every request and answers as OTLP/HTTP does. */
async function startCollector(): Promise<{ server: Server; url: string; received: ReceivedExport[] }> {
  const received: ReceivedExport[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

/** The span names of an OTLP/JSON traces export (resourceSpans → scopeSpans → spans). */
function spanNames(body: string): string[] {
  const request = JSON.parse(body) as { resourceSpans?: { scopeSpans?: { spans?: { name: string }[] }[] }[] };
  return (request.resourceSpans ?? []).flatMap((resource) => (resource.scopeSpans ?? []).flatMap((scope) => (scope.spans ?? []).map((span) => span.name)));
}

describe('OTLP export', () => {
  let collector: Awaited<ReturnType<typeof startCollector>> | undefined;
  let tracing: Tracing | undefined;
  let adapters: EmbeddedAdapters | undefined;
  let hub: Hub | undefined;
  afterEach(async () => {
    await hub?.stop();
    await adapters?.close();
    await tracing?.shutdown();
    await new Promise((resolve) => collector?.server.close(resolve));
  });

  it('posts the spans of an inbound event, its flow and its delivery to <endpoint>/v1/traces as OTLP JSON', async () => {
    collector = await startCollector();
    tracing = startTracing({ serviceName: 'crossdock-otlp-test', otlp: { endpoint: `${collector.url}/v1/traces`, headers: { 'x-collector-key': 'test-key' } } });
    adapters = await openSqlite({ path: ':memory:' });
    const erp = new RecordingTarget('erp', { maxBatchSize: 10, concurrency: 1, requests: { limit: 1_000, windowMs: 60_000 } });
    hub = new Hub({
      bus: adapters.bus,
      storage: adapters.storage,
      targets: [erp],
      flows: [
        defineFlow({
          name: 'order-capture',
          startsOn: ['retail.order.placed.v1'],
          async run(ctx) {
            await ctx.deliver('book', { target: 'erp', kind: 'command', key: ctx.key, operation: 'bookOrder', payload: {} });
          },
        }),
      ],
      soleWorker: true,
      delivery: { idlePollMs: 10 },
    });
    await hub.start();
    const app = createHubServer({ bus: adapters.bus });
    const response = await app.inject({
      method: 'POST',
      url: '/events',
      headers: { 'content-type': 'application/cloudevents+json' },
      payload: JSON.stringify({ specversion: '1.0', id: 'pos-1', source: '/pos/store-0042', type: 'retail.order.placed.v1', subject: 'POS-1' }),
    });
    await app.close();
    expect(response.statusCode).toBe(202);
    await eventually(() => erp.effects.size === 1, 'the delivery');

    // The batch processor exports on its schedule; a flush sends what has ended so far.
    const exported = await eventually(async () => {
      await tracing!.forceFlush();
      const names = collector!.received.flatMap((request) => spanNames(request.body));
      return ['POST /events', 'flow order-capture', 'deliver erp bookOrder'].every((name) => names.includes(name)) ? names : undefined;
    }, 'the three spans at the collector');
    expect(exported).toEqual(expect.arrayContaining(['POST /events', 'flow order-capture', 'deliver erp bookOrder']));
    const [first] = collector.received;
    expect(first).toMatchObject({ method: 'POST', url: '/v1/traces' });
    expect(first!.headers['content-type']).toBe('application/json');
    expect(first!.headers['x-collector-key']).toBe('test-key');
    expect(first!.body).toContain('crossdock-otlp-test');
  });
});
