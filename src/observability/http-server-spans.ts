import type { Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import { markFailed, SpanKind } from './spans.ts';
import { contextFromTraceHeaders, traceparentOfSpan } from './traceparent.ts';
import { currentTracer } from './tracing.ts';

/** The server span of each request in flight; a WeakMap keeps Fastify's request shape untouched. */
const requestSpans = new WeakMap<FastifyRequest, Span>();

/**
 * Gives every request of a Fastify plugin a server span named after its route
 * (`POST /webhooks/:role`), continuing the caller's `traceparent` header when it has a valid
 * one and starting a new trace otherwise. The span ends when the response is sent; a 5xx marks
 * it failed. Call it before the plugin's other hooks so refused requests (401, 413) are traced
 * too. With tracing off the hooks return at once.
 *
 * @example
 * export const webhookRoutes: FastifyPluginAsync = async (app) => {
 *   traceInboundRequests(app);
 *   app.post('/webhooks/:role', async (request) => publish(events, requestTraceparent(request)));
 * };
 */
export function traceInboundRequests(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const tracer = currentTracer();
    if (!tracer) return;
    const route = request.routeOptions.url ?? request.url.split('?')[0]!;
    const span = tracer.startSpan(
      `${request.method} ${route}`,
      { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: request.method, [ATTR_HTTP_ROUTE]: route } },
      contextFromTraceHeaders(request.headers),
    );
    requestSpans.set(request, span);
  });
  app.addHook('onResponse', async (request, reply) => {
    const span = requestSpans.get(request);
    if (!span) return;
    requestSpans.delete(request);
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, reply.statusCode);
    // Semantic conventions for HTTP servers: only 5xx is an error of the server's own.
    if (reply.statusCode >= 500) markFailed(span, String(reply.statusCode));
    span.end();
  });
}

/** The server span of a request, to add attributes to; undefined when tracing is off. */
export function requestSpan(request: FastifyRequest): Span | undefined {
  return requestSpans.get(request);
}

/**
 * The `traceparent` naming the request's server span: what the events the request publishes
 * carry, so the flows they start continue this trace. Undefined when tracing is off.
 */
export function requestTraceparent(request: FastifyRequest): string | undefined {
  const span = requestSpans.get(request);
  return span ? traceparentOfSpan(span) : undefined;
}
