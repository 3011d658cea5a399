import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CloudEvent } from '../canonical/cloudevent.ts';
import { parseTraceparent } from './events/trace-context.ts';

/**
 * The correlation id the hub follows an event by: its `correlationid` extension, else its id
 * (the flow engine's rule, so an inbound line and the flow and delivery lines match).
 */
export function correlationIdOf(event: CloudEvent): string {
  return typeof event.correlationid === 'string' ? event.correlationid : event.id;
}

/**
 * Binds the correlation ids of the events a request carried to the rest of its log lines,
 * including Fastify's own `request completed` (written with the reply's logger): one event
 * gives `correlationId`, a batch `correlationIds`. When the events share one trace, `traceId`
 * too. The `incoming request` line is written before the body is read, so it has only `reqId`.
 */
export function correlateRequestLog(request: FastifyRequest, reply: FastifyReply, events: readonly CloudEvent[]): void {
  if (events.length === 0) return;
  const ids = events.map(correlationIdOf);
  const traceIds = new Set(events.map((event) => (typeof event.traceparent === 'string' ? parseTraceparent(event.traceparent)?.traceId : undefined)));
  const [traceId] = traceIds;
  const log = request.log.child({
    ...(ids.length === 1 ? { correlationId: ids[0] } : { correlationIds: ids }),
    ...(traceIds.size === 1 && traceId !== undefined && { traceId }),
  });
  request.log = log;
  reply.log = log;
}
