import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { CloudEvent } from '../canonical/cloudevent.ts';
import type { InboundRequest, WebhookReceiver } from '../connectors/connector.ts';
import { requestSpan, requestTraceparent, traceInboundRequests } from '../observability/http-server-spans.ts';
import { CrossdockAttribute } from '../observability/trace-attributes.ts';
import type { Bus } from '../ports/bus.ts';
import type { Storage } from '../ports/storage.ts';
import { toSerializedFailure } from '../runtime/errors.ts';

export interface WebhookRoutesOptions {
  bus: Bus;
  storage: Storage;
  /** role → the connector's receiver, mounted at `POST /webhooks/<role>`. */
  receivers: ReadonlyMap<string, WebhookReceiver>;
  maxBodyBytes?: number;
}

/**
 * Webhooks from connected systems. The signature is checked over the raw bytes (401 and nothing
 * recorded when it fails); the payload's events are persisted before the answer (200), and a
 * repeated delivery maps to the same event ids, so the log keeps one copy. A payload that can
 * never become a valid event is answered 200 (retrying would not help the sender) and recorded
 * as an open exception with the delivery id, so nothing is dropped silently.
 */
export const webhookRoutes: FastifyPluginAsync<WebhookRoutesOptions> = async (app: FastifyInstance, options) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.maxBodyBytes ?? 5 * 1024 * 1024 }, (_request, body, done) => done(null, body));
  traceInboundRequests(app);

  app.post<{ Params: { role: string } }>('/webhooks/:role', async (request, reply) => {
    requestSpan(request)?.setAttribute(CrossdockAttribute.webhookRole, request.params.role);
    const receiver = options.receivers.get(request.params.role);
    if (!receiver) return reply.code(404).send({ error: 'unknown_system', message: `no webhook receiver for "${request.params.role}"` });
    const inbound: InboundRequest = { rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0), headers: request.headers };
    if (!receiver.verify(inbound)) {
      return reply.code(401).send({ error: 'invalid_signature', message: 'the webhook signature does not match its body' });
    }
    const deliveryId = receiver.deliveryId(inbound);
    let events: CloudEvent[];
    try {
      events = await receiver.toEvents(inbound);
    } catch (error) {
      const failure = toSerializedFailure(error);
      if (failure.retryable) throw error; // 500: the sender retries later
      await options.storage.deadLetters.add({
        kind: 'flow',
        target: `webhook:${request.params.role}`,
        key: deliveryId,
        ref: deliveryId,
        error: failure,
        context: { businessKey: deliveryId, inbound: request.params.role, body: inbound.rawBody.toString('utf8').slice(0, 4_000) },
        correlationId: null,
        createdAt: Date.now(),
      });
      return reply.code(200).send({ accepted: 0, recorded: 'exception' });
    }
    const results = await options.bus.publish(continueRequestTrace(events, requestTraceparent(request)));
    requestSpan(request)?.setAttribute(CrossdockAttribute.eventCount, events.length);
    return reply.code(200).send({ accepted: results.filter((result) => !result.duplicate).length, duplicates: results.filter((result) => result.duplicate).length });
  });
};

/**
 * Events that bring no trace of their own continue the webhook's server span, so the flows they
 * start land in the same trace as the request (and in the sender's, when it sent a traceparent).
 */
function continueRequestTrace(events: CloudEvent[], traceparent: string | undefined): CloudEvent[] {
  if (traceparent === undefined) return events;
  return events.map((event) => (typeof event.traceparent === 'string' ? event : { ...event, traceparent }));
}
