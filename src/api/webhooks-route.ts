import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { CloudEvent } from '../canonical/cloudevent.ts';
import type { InboundRequest, WebhookReceiver } from '../connectors/connector.ts';
import { requestSpan, requestTraceparent, traceInboundRequests } from '../observability/http-server-spans.ts';
import { InboundOutcome, UNKNOWN_EVENT_TYPE, type InboundEventsChannel } from '../observability/inbound-events.ts';
import { CrossdockAttribute } from '../observability/trace-attributes.ts';
import type { Bus } from '../ports/bus.ts';
import type { Storage } from '../ports/storage.ts';
import { toSerializedFailure } from '../runtime/errors.ts';
import { requestTraceOf } from './events/trace-context.ts';
import { correlateRequestLog } from './request-log.ts';

export interface WebhookRoutesOptions {
  bus: Bus;
  storage: Storage;
  /** role → the connector's receiver, mounted at `POST /webhooks/<role>`. */
  receivers: ReadonlyMap<string, WebhookReceiver>;
  maxBodyBytes?: number;
  /** Where accepted and refused events are counted (`crossdock_inbound_events_total`). */
  inboundEvents?: InboundEventsChannel;
}

/**
 * Webhooks from connected systems. The signature is checked over the raw bytes (401 and nothing
 * recorded when it fails); the payload's events are persisted before the answer (200), and a
 * repeated delivery maps to the same event ids, so the log keeps one copy. A payload that can
 * never become a valid event is answered 200 (retrying would not help the sender) and recorded
 * as an open exception with the delivery id, so nothing is dropped silently.
 *
 * Events that bring no `traceparent` of their own get the request's: its server span's with
 * tracing on, else the caller's `traceparent` header as it came, else a new root trace, as on
 * `POST /events`.
 */
export const webhookRoutes: FastifyPluginAsync<WebhookRoutesOptions> = async (app: FastifyInstance, options) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.maxBodyBytes ?? 5 * 1024 * 1024 }, (_request, body, done) => done(null, body));
  traceInboundRequests(app);
  // A request ending in 4xx or 5xx before its events were counted counts once, as refused or failed.
  const counted = new WeakSet<FastifyRequest>();
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode < 400 || counted.has(request)) return;
    const outcome = reply.statusCode >= 500 ? InboundOutcome.failed : InboundOutcome.refused;
    options.inboundEvents?.report({ source: metricSource(options.receivers, request), type: UNKNOWN_EVENT_TYPE, outcome, count: 1 });
    if (outcome === InboundOutcome.refused) request.log.warn({ statusCode: reply.statusCode, role: roleOf(request) }, 'webhook refused');
  });

  app.post<{ Params: { role: string } }>('/webhooks/:role', async (request, reply) => {
    const { role } = request.params;
    requestSpan(request)?.setAttribute(CrossdockAttribute.webhookRole, role);
    const receiver = options.receivers.get(role);
    if (!receiver) return reply.code(404).send({ error: 'unknown_system', message: `no webhook receiver for "${role}"` });
    const inbound: InboundRequest = { rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0), headers: request.headers };
    if (!receiver.verify(inbound)) {
      return reply.code(401).send({ error: 'invalid_signature', message: 'the webhook signature does not match its body' });
    }
    const deliveryId = receiver.deliveryId(inbound);
    const source = `webhook:${role}`;
    let events: CloudEvent[];
    try {
      events = await receiver.toEvents(inbound);
    } catch (error) {
      const failure = toSerializedFailure(error);
      if (failure.retryable) throw error; // 500: the sender retries later
      const deadLetterId = await options.storage.deadLetters.add({
        kind: 'flow',
        target: `webhook:${request.params.role}`,
        key: deliveryId,
        ref: deliveryId,
        error: failure,
        context: { businessKey: deliveryId, inbound: request.params.role, body: inbound.rawBody.toString('utf8').slice(0, 4_000) },
        correlationId: null,
        createdAt: Date.now(),
      });
      counted.add(request);
      options.inboundEvents?.report({ source, type: UNKNOWN_EVENT_TYPE, outcome: InboundOutcome.exception, count: 1 });
      // The failure's type, code and field, not the body: it is the sender's data, personal data included.
      request.log.warn(
        { role, deliveryId, deadLetterId, failure: { type: failure.type, code: failure.code, field: failure.field, message: failure.message } },
        'webhook payload recorded as an exception',
      );
      return reply.code(200).send({ accepted: 0, recorded: 'exception' });
    }
    const traced = continueRequestTrace(events, requestTraceparent(request) ?? headerValue(request.headers.traceparent));
    correlateRequestLog(request, reply, traced);
    const results = await options.bus.publish(traced);
    counted.add(request);
    requestSpan(request)?.setAttribute(CrossdockAttribute.eventCount, events.length);
    const accepted = traced.filter((_event, i) => !results[i]!.duplicate);
    const duplicates = traced.filter((_event, i) => results[i]!.duplicate);
    options.inboundEvents?.reportEvents(source, InboundOutcome.accepted, accepted);
    options.inboundEvents?.reportEvents(source, InboundOutcome.duplicate, duplicates);
    request.log.info(
      { role, deliveryId, events: traced.length, duplicates: duplicates.length, ...(traced.length === 1 && { eventId: traced[0]!.id, type: traced[0]!.type }) },
      'webhook events persisted',
    );
    return reply.code(200).send({ accepted: accepted.length, duplicates: duplicates.length });
  });
};

/**
 * Events that bring no trace of their own continue the request's trace (see `webhookRoutes`), so
 * the flows they start land in the same trace as the request, and in the sender's when it sent
 * a traceparent, whether tracing is on or off.
 */
function continueRequestTrace(events: CloudEvent[], traceparent: string | undefined): CloudEvent[] {
  const requestTrace = requestTraceOf({ traceparentHeader: traceparent });
  return events.map((event) => (typeof event.traceparent === 'string' ? event : { ...event, traceparent: requestTrace() }));
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function roleOf(request: FastifyRequest): string | undefined {
  return (request.params as { role?: string } | undefined)?.role;
}

/** `webhook:<role>` for a configured role; an unknown one is not a label value (anyone can send it). */
function metricSource(receivers: ReadonlyMap<string, WebhookReceiver>, request: FastifyRequest): string {
  const role = roleOf(request);
  return role !== undefined && receivers.has(role) ? `webhook:${role}` : 'webhook:unknown';
}
