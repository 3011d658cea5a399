import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { inSpan } from '../../observability/spans.ts';
import { startTracing, type Tracing } from '../../observability/tracing.ts';
import { SalesforceClient } from './client.ts';

/**
 * An org stand-in that answers the OAuth token request and records the headers of every REST
 * call: the client must carry the delivery span's `traceparent` on its calls to Salesforce as the
 * other connectors do, so a gateway in front of the org can join the hub's trace.
 */
describe('the Salesforce client', () => {
  let server: Server | undefined;
  let tracing: Tracing | undefined;
  afterEach(async () => {
    await tracing?.shutdown();
    tracing = undefined;
    await new Promise((resolve) => server?.close(resolve));
  });

  async function startOrg(): Promise<{ url: string; restCalls: IncomingHttpHeaders[] }> {
    const restCalls: IncomingHttpHeaders[] = [];
    server = createServer((request, response) => {
      const url = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
      if (request.url === '/services/oauth2/token') {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: '00Dxx0000001gPL!AR8AQ', instance_url: url, token_type: 'Bearer' }));
        return;
      }
      restCalls.push(request.headers);
      response.writeHead(200, { 'content-type': 'application/json', 'sforce-limit-info': 'api-usage=12/15000' }).end('{"totalSize":0,"done":true,"records":[]}');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, restCalls };
  }

  it('sends the active span as traceparent on REST calls, and none when tracing is off', async () => {
    const { url, restCalls } = await startOrg();
    const client = new SalesforceClient({ loginUrl: url, credentials: { flow: 'client-credentials', clientId: 'crossdock', clientSecret: 'secret' }, timeoutMs: 5_000 });
    const query = () => client.request({ method: 'GET', path: '/query?q=SELECT+Id+FROM+Account', what: 'query' });
    await query();
    expect(restCalls[0]?.traceparent).toBeUndefined();

    const exporter = new InMemorySpanExporter();
    tracing = startTracing({ serviceName: 'test', exporter });
    await inSpan(() => ({ name: 'deliver crm projectOrder' }), query);
    const [span] = exporter.getFinishedSpans();
    expect(restCalls).toHaveLength(2);
    expect(restCalls[1]?.traceparent).toBe(`00-${span!.spanContext().traceId}-${span!.spanContext().spanId}-01`);
    expect(restCalls[1]?.authorization).toBe('Bearer 00Dxx0000001gPL!AR8AQ');
  });
});
