import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { BackfillJobStore, type BackfillFailure, type BackfillJob } from '../../backfill/job.ts';
import { progressOf } from '../../backfill/progress.ts';
import type { RecordStore } from '../../ports/storage.ts';
import { sessionOf } from '../auth/guard.ts';
import { seesPersonalData } from '../auth/roles.ts';

export interface BackfillRoutesOptions {
  records: RecordStore;
  clock: () => number;
  apiPrefix: string;
}

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const FailureSchema = Type.Object({
  key: Type.String(),
  stage: Type.String({ description: '`source`: not a valid canonical record; `target`: refused by the target.' }),
  reason: Type.String(),
  field: Type.Union([Type.String(), Type.Null()]),
  code: Type.Union([Type.String(), Type.Null()]),
  at: Type.Number(),
});

const BackfillSchema = Type.Object({
  id: Type.String(),
  entity: Type.String(),
  from: Type.String(),
  to: Type.String(),
  sourceSystem: Type.String(),
  targetSystem: Type.String(),
  path: Type.String({ description: '`bulk` (the target\'s bulk API) or `delivery` (its delivery queue).' }),
  operation: Type.String(),
  status: Type.String({ description: 'running, interrupted (resumable), completed or failed.' }),
  run: Type.Integer(),
  read: Type.Integer(),
  written: Type.Integer(),
  failed: Type.Integer(),
  estimatedTotal: Nullable(Type.Integer()),
  progress: Type.Object({
    fraction: Nullable(Type.Number()),
    ratePerSecond: Nullable(Type.Number()),
    etaMs: Nullable(Type.Number()),
  }),
  quota: Type.Object({
    share: Type.Number(),
    requests: Type.Integer(),
    waits: Type.Integer(),
    peakInFlight: Type.Integer(),
    concurrencyLimit: Type.Integer(),
    requestLimit: Nullable(Type.Integer()),
    costCapacity: Nullable(Type.Number()),
  }),
  recentFailures: Type.Array(FailureSchema),
  startedAt: Type.Number(),
  updatedAt: Type.Number(),
  finishedAt: Nullable(Type.Number()),
  lastError: Type.Union([Type.String(), Type.Null()]),
});

const BackfillListSchema = Type.Object({ at: Type.Number(), backfills: Type.Array(BackfillSchema) });

/**
 * A target's refusal may quote the refused value (Salesforce: `data value too large: <value>`);
 * a viewer, who sees no personal data, gets the code and field only.
 */
function failureFor(failure: BackfillFailure, withReasons: boolean) {
  const reason = withReasons || failure.stage === 'source' ? failure.reason : `refused by the target${failure.code ? ` (${failure.code})` : ''}`;
  return { key: failure.key, stage: failure.stage, reason, field: failure.field ?? null, code: failure.code ?? null, at: failure.at };
}

function summarize(job: BackfillJob, now: number, withReasons: boolean) {
  return {
    id: job.id,
    entity: job.entity,
    from: job.from,
    to: job.to,
    sourceSystem: job.sourceSystem,
    targetSystem: job.targetSystem,
    path: job.path,
    operation: job.operation,
    status: job.status,
    run: job.run,
    read: job.read,
    written: job.written,
    failed: job.failed,
    estimatedTotal: job.estimatedTotal,
    progress: progressOf(job, now),
    quota: job.quota,
    recentFailures: job.recentFailures.map((failure) => failureFor(failure, withReasons)),
    startedAt: job.startedAt,
    updatedAt: job.updatedAt,
    finishedAt: job.finishedAt,
    lastError: job.lastError,
  };
}

/** `GET /api/console/backfills`: the initial loads run with `crossdock backfill`, with progress, rate, ETA and recent failures. Read-only. */
export async function backfillRoutes(app: FastifyInstance, options: BackfillRoutesOptions): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const jobs = new BackfillJobStore(options.records, options.clock);
  api.get(
    `${options.apiPrefix}backfills`,
    { schema: { summary: 'Backfills (initial loads) and their progress, newest first', response: { 200: BackfillListSchema } } },
    async (request) => {
      const now = options.clock();
      const withReasons = seesPersonalData(sessionOf(request).role);
      const list = (await jobs.list()).sort((a, b) => b.updatedAt - a.updatedAt);
      return { at: now, backfills: list.map((job) => summarize(job, now, withReasons)) };
    },
  );
}
