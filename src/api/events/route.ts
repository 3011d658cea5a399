import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { CloudEvent } from '../../canonical/cloudevent.ts';
import { requestSpan, requestTraceparent, traceInboundRequests } from '../../observability/http-server-spans.ts';
import { InboundOutcome, UNKNOWN_EVENT_TYPE, type InboundEventsChannel } from '../../observability/inbound-events.ts';
import { CrossdockAttribute } from '../../observability/trace-attributes.ts';
import type { Bus } from '../../ports/bus.ts';
import { correlateRequestLog } from '../request-log.ts';
import { ApiKeyCheck, createApiKeyVerifier } from './api-keys.ts';
import { ContentMode, readInboundEvents, type ParsedRequest } from './content-modes.ts';
import type { EnvelopeViolation } from './envelope-rules.ts';
import { InboundErrorCode, invalidCloudEventError, type AcceptedBatch, type AcceptedEvent, type InboundError } from './responses.ts';
import { assignTraceContext, type TraceAssignment } from './trace-context.ts';
import { validateBatch, validateEnvelope } from './validate-envelope.ts';

export interface InboundEventsOptions {
  bus: Bus;
  /** When non-empty, every request needs `Authorization: Bearer <one of these>`. */
  apiKeys?: readonly string[];
  /** Largest accepted request body; larger requests get 413. */
  maxBodyBytes?: number;
  /** Id generators, replaceable in tests. */
  traceAssignment?: Pick<TraceAssignment, 'newCorrelationId' | 'newTraceparent'>;
  /** Where accepted and refused events are counted (`crossdock_inbound_events_total`). */
  inboundEvents?: InboundEventsChannel;
}

/** 1 MiB, Fastify's own default body limit: room for a batch of several hundred POS events. */
export const DEFAULT_MAX_BODY_BYTES = 1_048_576;

const EVENTS_PATH = '/events';
const ALLOWED_METHODS = 'POST, OPTIONS';
/** Seconds a source waits before retrying when the log could not persist (RFC 9110 section 10.2.3). */
const RETRY_AFTER_SECONDS = 5;
/** The `source` label of `crossdock_inbound_events_total` for this route. */
const METRIC_SOURCE = 'events';
/** Violations named in the log line of a refused request: enough to see which rule, not a flood. */
const MAX_LOGGED_VIOLATIONS = 20;

/**
 * `POST /events`: CloudEvents 1.0 over HTTP from stores' POS systems and in-house apps, in
 * structured, binary or batched content mode. Valid events are appended to the event log
 * before the answer (202); a batch is accepted or rejected as a whole. Registered as an
 * encapsulated plugin: its raw-body parsing, auth hook and error format stay inside it.
 *
 * @example
 * await app.register(inboundEventsRoutes, { bus, apiKeys: ['pos-key'], maxBodyBytes: 512 * 1024 });
 */
export async function inboundEventsRoutes(app: FastifyInstance, options: InboundEventsOptions): Promise<void> {
  const { bus } = options;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes <= 0) {
    throw new RangeError(`inbound.maxBodyBytes must be a positive whole number of bytes, got ${String(options.maxBodyBytes)}`);
  }

  // Every content type reaches the handler as raw bytes: the content mode decides how to read them.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  // First of the hooks, so refused requests (401) get their server span too.
  traceInboundRequests(app);
  // Requests whose events were already counted (accepted, or not stored): any other POST that
  // ends in 4xx or 5xx is counted once as refused or failed, and logged with why when known.
  const counted = new WeakSet<FastifyRequest>();
  const refusals = new WeakMap<FastifyRequest, Record<string, unknown>>();
  app.addHook('onResponse', async (request, reply) => {
    if (request.method !== 'POST' || reply.statusCode < 400 || counted.has(request)) return;
    const outcome = reply.statusCode >= 500 ? InboundOutcome.failed : InboundOutcome.refused;
    options.inboundEvents?.report({ source: METRIC_SOURCE, type: UNKNOWN_EVENT_TYPE, outcome, count: 1 });
    if (outcome === InboundOutcome.refused) request.log.warn({ statusCode: reply.statusCode, ...refusals.get(request) }, 'inbound events refused');
  });

  if (options.apiKeys && options.apiKeys.length > 0) {
    const verifier = createApiKeyVerifier(options.apiKeys);
    app.addHook('onRequest', async (request, reply) => {
      const check = verifier.check(request.headers.authorization);
      if (check === ApiKeyCheck.accepted) return;
      // RFC 6750 section 3: the challenge names the scheme; error="invalid_token" for a wrong key.
      const challenge = check === ApiKeyCheck.missing ? 'Bearer realm="crossdock"' : 'Bearer realm="crossdock", error="invalid_token"';
      const message =
        check === ApiKeyCheck.missing
          ? 'this hub requires an API key: send Authorization: Bearer <key>'
          : 'the API key is not valid for this hub: check the key configured for this source';
      return reply.code(401).header('www-authenticate', challenge).send(errorBody(InboundErrorCode.unauthorized, message));
    });
  }

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply
        .code(413)
        .send(errorBody(InboundErrorCode.payloadTooLarge, `the request body exceeds ${maxBodyBytes} bytes: split the batch into smaller requests`));
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send(errorBody(InboundErrorCode.badRequest, error.message));
    }
    request.log.error({ err: error }, 'inbound events request failed');
    return reply.code(500).send(errorBody(InboundErrorCode.internal, 'the hub failed to handle the request; nothing was accepted, retry later'));
  });

  app.post(EVENTS_PATH, { bodyLimit: maxBodyBytes }, async (request, reply) => {
    const parsed = readInboundEvents({
      contentType: request.headers['content-type'],
      headers: headerPairs(request.raw.rawHeaders),
      body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
    });
    if (!parsed.ok) return reply.code(parsed.failure.status).send(errorBody(parsed.failure.error, parsed.failure.message));

    const checked = checkEnvelopes(parsed);
    if (!checked.valid) {
      const batchSize = parsed.mode === ContentMode.batched ? parsed.candidates.length : undefined;
      // Which rule each event broke, never the offending value (it may be personal data).
      refusals.set(request, {
        mode: parsed.mode,
        violations: checked.violations.slice(0, MAX_LOGGED_VIOLATIONS).map(({ index, attribute, rule }) => ({ index, attribute, rule })),
      });
      return reply.code(400).send(invalidCloudEventError(batchSize === undefined ? { violations: checked.violations } : { violations: checked.violations, batchSize }));
    }

    // With tracing on, the events continue the request's server span (itself a child of the
    // caller's traceparent); with tracing off, the caller's traceparent as it came.
    const traceparentHeader = requestTraceparent(request) ?? (typeof request.headers.traceparent === 'string' ? request.headers.traceparent : undefined);
    const events = assignTraceContext(checked.events, { traceparentHeader, ...options.traceAssignment });
    correlateRequestLog(request, reply, events);
    const persisted = await persist(bus, events, request);
    counted.add(request);
    if (!persisted) {
      options.inboundEvents?.reportEvents(METRIC_SOURCE, InboundOutcome.failed, events);
      return reply
        .code(503)
        .header('retry-after', String(RETRY_AFTER_SECONDS))
        .send(
          errorBody(
            InboundErrorCode.notPersisted,
            'the event log could not store the events, so none was accepted: send the same request again (events already stored are recognised by source + id)',
          ),
        );
    }
    const accepted: AcceptedEvent[] = persisted.map((result, i) => ({ id: events[i]!.id, seq: result.seq, duplicate: result.duplicate }));
    requestSpan(request)?.setAttribute(CrossdockAttribute.eventCount, accepted.length);
    if (options.inboundEvents) {
      options.inboundEvents.reportEvents(METRIC_SOURCE, InboundOutcome.accepted, events.filter((_event, i) => !persisted[i]!.duplicate));
      options.inboundEvents.reportEvents(METRIC_SOURCE, InboundOutcome.duplicate, events.filter((_event, i) => persisted[i]!.duplicate));
    }
    request.log.info(
      {
        mode: parsed.mode,
        events: accepted.length,
        duplicates: accepted.filter((entry) => entry.duplicate).length,
        ...(events.length === 1 && { eventId: events[0]!.id, type: events[0]!.type }),
      },
      'inbound events persisted',
    );
    if (parsed.mode === ContentMode.batched) return reply.code(202).send({ accepted } satisfies AcceptedBatch);
    return reply.code(202).send(accepted[0]);
  });

  // CloudEvents HTTP Webhook 1.0.2 section 4 (abuse protection): an OPTIONS request carrying
  // WebHook-Request-Origin asks for consent to deliver; the hub consents for any origin, with
  // no rate limit of its own (sources are authenticated by API key when keys are configured).
  app.options(EVENTS_PATH, async (request, reply) => {
    reply.header('allow', ALLOWED_METHODS);
    const origin = request.headers['webhook-request-origin'];
    if (typeof origin === 'string' && origin.trim() !== '') {
      reply.header('webhook-allowed-origin', origin.trim()).header('webhook-allowed-rate', '*');
    }
    return reply.code(200).send();
  });

  app.route({
    method: ['GET', 'PUT', 'PATCH', 'DELETE'],
    url: EVENTS_PATH,
    handler: async (request, reply) =>
      reply
        .code(405)
        .header('allow', ALLOWED_METHODS)
        .send(errorBody(InboundErrorCode.methodNotAllowed, `${request.method} is not supported on ${EVENTS_PATH}: send events with POST`)),
  });
}

type CheckedEnvelopes = { valid: true; events: CloudEvent[] } | { valid: false; violations: EnvelopeViolation[] };

function checkEnvelopes(parsed: Extract<ParsedRequest, { ok: true }>): CheckedEnvelopes {
  if (parsed.mode === ContentMode.batched) return validateBatch(parsed.candidates);
  const result = validateEnvelope(parsed.candidates[0], 0);
  const violations = [...parsed.violations, ...(result.valid ? [] : result.violations)];
  if (violations.length > 0 || !result.valid) return { valid: false, violations };
  return { valid: true, events: [result.event] };
}

async function persist(bus: Bus, events: readonly CloudEvent[], request: FastifyRequest) {
  try {
    return await bus.publish(events);
  } catch (error) {
    // The error comes from the log adapter; it carries no event payload, so it is safe to log.
    request.log.error({ err: error, events: events.length }, 'inbound events could not be persisted');
    return undefined;
  }
}

function headerPairs(raw: readonly string[]): Array<readonly [string, string]> {
  const pairs: Array<readonly [string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
  return pairs;
}

function errorBody(error: InboundErrorCode, message: string): InboundError {
  return { error, message };
}
