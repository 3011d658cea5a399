import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { SalesforceClient } from '../connectors/salesforce/client.ts';
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

  /**
   * Records the headers of every request and answers it with JSON: `answers` by path (given the
   * server's URL), anything else with a GraphQL-shaped body.
   */
  async function startEchoServer(answers: Record<string, (url: string) => unknown> = {}): Promise<{ url: string; seen: IncomingHttpHeaders[]; paths: string[] }> {
    const seen: IncomingHttpHeaders[] = [];
    const paths: string[] = [];
    server = createServer((request, response) => {
      seen.push(request.headers);
      paths.push(request.url ?? '');
      const answer = answers[request.url ?? ''];
      const body = answer ? answer(`http://127.0.0.1:${(server!.address() as AddressInfo).port}`) : { data: { shop: { name: 'test' } } };
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, seen, paths };
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

  it('carries it on Salesforce REST calls (not on the OAuth token request), so a gateway in front of the org can join the trace', async () => {
    const { url, seen, paths } = await startEchoServer({
      '/services/oauth2/token': (instanceUrl) => ({ access_token: '00Dxx0000001gPL!AR8AQ', instance_url: instanceUrl, token_type: 'Bearer' }),
    });
    const restCalls = () => seen.filter((_, index) => paths[index] !== '/services/oauth2/token');
    const client = new SalesforceClient({ loginUrl: url, credentials: { flow: 'client-credentials', clientId: 'crossdock', clientSecret: 'secret' }, timeoutMs: 5_000 });
    const query = () => client.request({ method: 'GET', path: '/query?q=SELECT+Id+FROM+Account', what: 'query' });
    await query();
    expect(restCalls()[0]?.traceparent).toBeUndefined();

    const exporter = new InMemorySpanExporter();
    tracing = startTracing({ serviceName: 'test', exporter });
    await inSpan(() => ({ name: 'deliver crm projectOrder' }), query);
    const [span] = exporter.getFinishedSpans();
    expect(restCalls()).toHaveLength(2);
    expect(restCalls()[1]?.traceparent).toBe(`00-${span!.spanContext().traceId}-${span!.spanContext().spanId}-01`);
    expect(restCalls()[1]?.authorization).toBe('Bearer 00Dxx0000001gPL!AR8AQ');
  });
});
