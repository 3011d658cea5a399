import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { ShopifyGraphQLClient } from '../connectors/shopify/client.ts';
import { WmsClient } from '../connectors/wms/client.ts';
import { inSpan } from './spans.ts';
import { startTracing, type Tracing } from './tracing.ts';

describe("a connector's outbound request", () => {
  let server: Server | undefined;
  let tracing: Tracing | undefined;
  afterEach(async () => {
    await tracing?.shutdown();
    tracing = undefined;
    await new Promise((resolve) => server?.close(resolve));
  });

  async function startEchoServer(): Promise<{ url: string; seen: IncomingHttpHeaders[] }> {
    const seen: IncomingHttpHeaders[] = [];
    server = createServer((request, response) => {
      seen.push(request.headers);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"shop":{"name":"test"}}}');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, seen };
  }

  it('carries the traceparent of the span it is made in, and none when tracing is off', async () => {
    const { url, seen } = await startEchoServer();
    const wms = new WmsClient({ baseUrl: url, credentials: { apiKey: 'wms_test_key' }, timeoutMs: 5_000 });
    await wms.get('/v1/ping');
    expect(seen[0]?.traceparent).toBeUndefined();

    const exporter = new InMemorySpanExporter();
    tracing = startTracing({ serviceName: 'test', exporter });
    await inSpan(() => ({ name: 'deliver wms releaseOrder' }), () => wms.get('/v1/ping'));
    const [span] = exporter.getFinishedSpans();
    expect(seen[1]?.traceparent).toBe(`00-${span!.spanContext().traceId}-${span!.spanContext().spanId}-01`);
  });

  it('carries it through the Shopify GraphQL client library too', async () => {
    const { url, seen } = await startEchoServer();
    const shopify = new ShopifyGraphQLClient({
      storeDomain: 'acme-store.myshopify.com',
      credentials: { accessToken: 'shpat_test' },
      // Every request goes to the local server instead of the store.
      customFetchApi: (input, init) => fetch(`${url}${new URL(String(input)).pathname}`, init),
    });
    const exporter = new InMemorySpanExporter();
    tracing = startTracing({ serviceName: 'test', exporter });
    await inSpan(() => ({ name: 'deliver commerce setInventory' }), () => shopify.request('query { shop { name } }'));
    const [span] = exporter.getFinishedSpans();
    expect(seen).toHaveLength(1);
    expect(seen[0]?.traceparent).toBe(`00-${span!.spanContext().traceId}-${span!.spanContext().spanId}-01`);
    expect(seen[0]?.['x-shopify-access-token']).toBe('shpat_test');
  });
});
