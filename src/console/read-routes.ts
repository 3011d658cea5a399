import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Storage } from '../ports/storage.ts';
import { requireRole, sessionOf } from './auth/guard.ts';
import { seesPersonalData } from './auth/roles.ts';
import type { CircuitHistory } from './health/circuits.ts';
import { buildHealth, HealthSchema, type HealthHub } from './health/health.ts';
import type { HealthPanelRegistry } from './health/panels.ts';
import type { ViewerMasking } from './masking.ts';
import type { MetricsSampler } from './metrics/sampler.ts';
import { buildTrace } from './trace/timeline.ts';

export interface ReadRoutesOptions {
  hub: HealthHub;
  consumers: readonly string[];
  panels: HealthPanelRegistry;
  circuits: CircuitHistory;
  sampler: MetricsSampler;
  masking: ViewerMasking;
  clock: () => number;
  apiPrefix: string;
  /** URL template with `{traceId}` for opening a trace in Jaeger or Tempo. */
  traceLink?: string | undefined;
}

const TraceQuery = Type.Object({
  q: Type.String({ minLength: 1, maxLength: 300, description: 'Order number, return number, customer id or e-mail, sku@location or a bare sku (every location), or a correlation id.' }),
});

const TraceHopSchema = Type.Object({
  at: Type.Number(),
  kind: Type.String(),
  system: Type.String(),
  title: Type.String(),
  outcome: Type.String(),
  detail: Type.String(),
  latencyMs: Type.Union([Type.Number(), Type.Null()]),
  externalId: Type.Union([Type.String(), Type.Null()]),
  correlationId: Type.Union([Type.String(), Type.Null()]),
  exceptionId: Type.Union([Type.Integer(), Type.Null()]),
  traceId: Type.Union([Type.String(), Type.Null()], { description: 'W3C trace id from the traceparent the record carries: the same work in Jaeger or Tempo.' }),
  data: Type.Optional(Type.Unknown()),
});

const TraceSchema = Type.Object({
  query: Type.String(),
  matchedAs: Type.Array(Type.String({ description: 'business key, sku at every location, customer e-mail, return number, correlation id' })),
  keys: Type.Array(Type.String({ description: 'Business keys (and `sku@…` prefixes) that found something.' })),
  correlationIds: Type.Array(Type.String()),
  hops: Type.Array(TraceHopSchema),
  truncated: Type.Boolean(),
  traceLink: Type.Union([Type.String(), Type.Null()], { description: 'Where to open a trace id: a URL with `{traceId}` (the `traceLink` console option), or null.' }),
});

const SeriesQuery = Type.Object({ since: Type.Optional(Type.Number({ description: 'Only samples after this time (ms since epoch).' })) });
const TargetSampleSchema = Type.Object({ delivered: Type.Number(), errors: Type.Number(), pending: Type.Number(), inFlight: Type.Number() });
const SeriesSchema = Type.Object({
  intervalMs: Type.Number(),
  note: Type.String(),
  samples: Type.Array(
    Type.Object({
      at: Type.Number(),
      intervalMs: Type.Number(),
      delivered: Type.Number(),
      throughputPerSecond: Type.Number(),
      errors: Type.Number(),
      deadLettered: Type.Number(),
      throttled: Type.Number(),
      latencyMs: Type.Object({ p50: Type.Union([Type.Number(), Type.Null()]), p95: Type.Union([Type.Number(), Type.Null()]), p99: Type.Union([Type.Number(), Type.Null()]) }),
      queueDepth: Type.Number(),
      eventLogLag: Type.Number(),
      byTarget: Type.Record(Type.String(), TargetSampleSchema),
    }),
  ),
});

const AuditQuery = Type.Object({ subject: Type.Optional(Type.String({ minLength: 1 })), limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) });
const AuditSchema = Type.Object({
  entries: Type.Array(
    Type.Object({
      id: Type.Integer(),
      at: Type.Number(),
      actor: Type.String(),
      action: Type.String(),
      subject: Type.String(),
      reason: Type.String(),
      detail: Type.Optional(Type.Unknown({ description: 'E.g. for `dead-letter.fixed`: the payload before and after the edit.' })),
    }),
  ),
});

/** Health, trace, chart series and (admin) audit log. */
export async function readRoutes(app: FastifyInstance, options: ReadRoutesOptions): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { apiPrefix, hub } = options;
  const storage: Storage = hub.storage;

  api.get(`${apiPrefix}health`, { schema: { summary: 'Business health: business panels, data freshness per flow, targets (quota, circuit, queue), lag, exceptions, flows', response: { 200: HealthSchema } } }, async () =>
    buildHealth(hub, { consumers: options.consumers, panels: options.panels, circuits: options.circuits, now: options.clock() }),
  );

  api.get(`${apiPrefix}trace`, { schema: { summary: 'Timeline of a business key or correlation id across systems', querystring: TraceQuery, response: { 200: TraceSchema } } }, async (request) => {
    // A viewer's events are masked by their catalogue schema, stricter than key names alone.
    const masked = !seesPersonalData(sessionOf(request).role);
    const trace = await buildTrace({ bus: hub.bus, storage }, request.query.q.trim(), masked ? { maskEvent: options.masking.event } : {});
    return { ...trace, traceLink: options.traceLink ?? null };
  });

  api.get(`${apiPrefix}metrics/series`, { schema: { summary: 'Chart series sampled in memory (empty after a restart)', querystring: SeriesQuery, response: { 200: SeriesSchema } } }, async (request) => ({
    intervalMs: options.sampler.intervalMs,
    note: 'sampled in memory since this process started; long-term history is in Prometheus (/metrics)',
    samples: options.sampler.series(request.query.since),
  }));

  api.get(`${apiPrefix}audit`, { preHandler: requireRole('admin'), schema: { summary: 'Audit log of operator actions, newest first (admin)', querystring: AuditQuery, response: { 200: AuditSchema } } }, async (request) => ({
    entries: await storage.audit.list({ ...(request.query.subject && { subject: request.query.subject }), limit: request.query.limit }),
  }));
}
