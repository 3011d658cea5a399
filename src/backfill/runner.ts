import type { Connector, RecordPage } from '../connectors/connector.ts';
import type { Logger } from '../observability/logger.ts';
import type { Storage } from '../ports/storage.ts';
import { DeliveryEngine } from '../runtime/delivery/engine.ts';
import { isRetryable } from '../runtime/errors.ts';
import { DEFAULT_BULK_JOB_SIZE, MAX_BULK_JOB_SIZE, offersBulkLoad, writeByBulk, type ChunkOutcome } from './bulk-writer.ts';
import { writeByDelivery, type DeliveryQueue } from './delivery-writer.ts';
import { BACKFILL_ENTITIES, businessKeyOf, isBackfillEntity, upsertOperationFor, type BackfillEntity } from './entities.ts';
import {
  BackfillJobStore,
  BackfillPath,
  BackfillStatus,
  RECENT_FAILURES_KEPT,
  backfillJobId,
  type BackfillFailure,
  type BackfillJob,
} from './job.ts';
import { abortableSleep, BackfillQuota, checkQuotaShare, DEFAULT_QUOTA_SHARE, targetWithQuotaShare } from './quota-share.ts';

/** SuiteQL's page; sources answer less when their own page is smaller. */
export const DEFAULT_PAGE_SIZE = 1_000;
/** A failed chunk (the target unreachable, a 5xx) is tried this many times before the run stops. */
const CHUNK_ATTEMPTS = 3;

export interface BackfillOptions {
  storage: Storage;
  /** The connector of the `--from` role; it must have a `source`. */
  source: Connector;
  /** The connector of the `--to` role. */
  target: Connector;
  entity: string;
  /** Records per source read (a SuiteQL page holds at most 1,000). */
  pageSize?: number;
  /**
   * Records per commit: the unit that is written, then recorded with the cursor after it, and
   * redone when a run stops inside it. Default: one Bulk API job (10,000) on the bulk path, one
   * page on the delivery path.
   */
  chunkSize?: number;
  /** Read at most this many records in this run, then stop (resumable), e.g. for a trial load. */
  limit?: number;
  /** Start again from the first record, as a new run of the job. */
  restart?: boolean;
  /** The part of the target's budget the backfill may use (default 0.5); see quota-share.ts. */
  quotaShare?: number;
  /** Stops after the chunk in progress (Ctrl-C): that chunk finishes and its cursor is saved. */
  signal?: AbortSignal;
  /** Called after every committed chunk, and when the run starts, waits or ends. */
  onProgress?: (job: BackfillJob, activity: string) => void;
  /**
   * Delivery path only: the queue of a delivery engine that already serves the target in this
   * process. By default the run starts its own engine for the target. Either way each batch is
   * admitted through the quota share before it is enqueued (delivery-writer.ts).
   */
  delivery?: DeliveryQueue;
  /** Bulk path: how often a job's status is polled (default 5 s, the connector's own default). */
  bulkPollIntervalMs?: number;
  /** Delivery path: how often a chunk's items are looked at while waiting for their outcomes. */
  deliveryPollMs?: number;
  logger?: Pick<Logger, 'info' | 'warn'>;
  clock?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Loads every record of an entity from one system into another, resumably: reads the source a
 * page at a time from the job's cursor, writes each chunk through the target's bulk API when it
 * has one (else through its delivery queue), and commits the chunk's counts, failures and the
 * cursor after it in `storage.records` (`backfill-job`). A run stopped anywhere goes on from the
 * last committed chunk; writes are upserts by external id, so a chunk written twice leaves the
 * target as once. Records that fail (invalid at the source, refused by the target) are recorded
 * with reason and field, and the run goes on.
 *
 * @example
 * const job = await runBackfill({ storage, source: erp, target: crm, entity: 'customer', signal });
 * // job.status: 'completed', job.written: 24_981, job.failed: 19
 */
export async function runBackfill(options: BackfillOptions): Promise<BackfillJob> {
  const clock = options.clock ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const plan = planBackfill(options);
  const jobs = new BackfillJobStore(options.storage.records, clock);
  const quota = new BackfillQuota(options.target.budget, plan.share, { clock, sleep });
  const report = (job: BackfillJob, activity: string) => options.onProgress?.(job, activity);

  let job = await startJob(jobs, plan, options, quota, clock);
  if (job.status === BackfillStatus.completed) {
    report(job, 'already completed');
    return job;
  }
  report(job, job.chunks > 0 || job.read > 0 ? 'resuming' : 'starting');

  let engine: DeliveryEngine | undefined;
  let queue = options.delivery;
  if (plan.path === BackfillPath.delivery && !queue) {
    engine = new DeliveryEngine({ storage: options.storage, targets: [targetWithQuotaShare(options.target, quota)], idlePollMs: 50 });
    await engine.start();
    queue = engine;
  }
  // Reads and writes of the chunk in progress are not tied to `options.signal`: Ctrl-C lets the
  // chunk finish so its cursor can be saved (a second Ctrl-C ends the process, and the chunk is
  // redone on the next run).
  const never = new AbortController().signal;
  const source = options.source.source!;
  let readThisRun = 0;
  try {
    for (;;) {
      if (options.signal?.aborted) break;
      if (options.limit !== undefined && readThisRun >= options.limit) break;
      const wanted = Math.min(plan.chunkSize, options.limit === undefined ? Infinity : options.limit - readThisRun);
      report(job, 'reading');
      const chunk = await readChunk({ read: source.read.bind(source), entity: plan.entity, cursor: job.cursor ?? undefined, wanted, pageSize: plan.pageSize, signal: never });
      readThisRun += chunk.read;
      const records = chunk.records.map((record) => ({ key: businessKeyOf(plan.entity, record), payload: record }));
      report(job, plan.path === BackfillPath.bulk ? `writing ${records.length} records (bulk job)` : `delivering ${records.length} records`);
      const outcome = await withAttempts(() => writeChunk({ plan, options, queue, quota, records, job, clock, sleep }), { sleep, attempts: CHUNK_ATTEMPTS, stopped: () => options.signal?.aborted === true });
      const failures = [...chunk.rejected.map((rejection): BackfillFailure => ({ ...rejection, stage: 'source', at: clock() })), ...outcome.failures];
      await jobs.addFailures(job, failures);
      const read = job.read + chunk.read;
      job = await jobs.save({
        ...job,
        cursor: chunk.nextCursor ?? null,
        chunks: job.chunks + 1,
        read,
        written: job.written + outcome.written,
        failed: job.failed + failures.length,
        estimatedTotal: chunk.nextCursor === undefined ? read : chunk.remainingAfter === undefined ? job.estimatedTotal : read + chunk.remainingAfter,
        quota: quota.usage(),
        recentFailures: [...job.recentFailures, ...failures].slice(-RECENT_FAILURES_KEPT),
        ...(chunk.nextCursor === undefined && { status: BackfillStatus.completed, finishedAt: clock() }),
      });
      options.logger?.info({ backfill: job.id, run: job.run, read: job.read, written: job.written, failed: job.failed, estimatedTotal: job.estimatedTotal }, 'backfill chunk committed');
      report(job, 'committed');
      if (job.status === BackfillStatus.completed) break;
    }
    if (job.status !== BackfillStatus.completed) {
      job = await jobs.save({ ...job, status: BackfillStatus.interrupted, quota: quota.usage() });
    }
    report(job, job.status === BackfillStatus.completed ? 'completed' : 'stopped');
    return job;
  } catch (error) {
    if (options.signal?.aborted) {
      // Stopped while waiting for quota, before the chunk's job started: nothing of it was written.
      job = await jobs.save({ ...job, status: BackfillStatus.interrupted, quota: quota.usage() });
      report(job, 'stopped');
      return job;
    }
    const message = (error as Error).message ?? String(error);
    options.logger?.warn({ backfill: job.id, run: job.run, read: job.read, err: { type: (error as Error).name, message } }, 'backfill stopped on an error; run it again to resume from the last committed chunk');
    try {
      job = await jobs.save({ ...job, status: BackfillStatus.failed, lastError: message, quota: quota.usage() });
      report(job, 'failed');
    } catch {
      // A conflict here means another run owns the job now; the original error is what matters.
    }
    throw error;
  } finally {
    await engine?.stop();
  }
}

interface BackfillPlan {
  id: string;
  entity: BackfillEntity;
  operation: string;
  path: BackfillPath;
  pageSize: number;
  chunkSize: number;
  share: number;
}

/** Checks what can be checked before anything is read or written, with messages that say what to change. */
export function planBackfill(options: Pick<BackfillOptions, 'source' | 'target' | 'entity' | 'pageSize' | 'chunkSize' | 'quotaShare' | 'limit'>): BackfillPlan {
  const { source, target, entity } = options;
  if (!isBackfillEntity(entity)) throw new Error(`entity must be one of ${BACKFILL_ENTITIES.join(', ')}, not "${entity}"`);
  if (!source.source) throw new Error(`the ${source.system} connector (role ${source.name}) cannot be read in full: it has no record source to backfill from`);
  if (!source.source.entities.includes(entity)) {
    throw new Error(`the ${source.system} connector (role ${source.name}) reads ${source.source.entities.join(', ')}, not ${entity}`);
  }
  if (source.name === target.name) throw new Error(`--from and --to are the same role (${source.name})`);
  const operation = upsertOperationFor(entity, target);
  const path = offersBulkLoad(target, operation) ? BackfillPath.bulk : BackfillPath.delivery;
  const pageSize = positive('page size', options.pageSize ?? DEFAULT_PAGE_SIZE);
  const chunkSize = positive('chunk size', options.chunkSize ?? (path === BackfillPath.bulk ? DEFAULT_BULK_JOB_SIZE : pageSize));
  if (path === BackfillPath.bulk && chunkSize > MAX_BULK_JOB_SIZE) throw new Error(`chunk size ${chunkSize} is above ${MAX_BULK_JOB_SIZE} records per Bulk API job`);
  if (options.limit !== undefined) positive('limit', options.limit);
  return { id: backfillJobId(entity, source.name, target.name), entity, operation, path, pageSize, chunkSize, share: checkQuotaShare(options.quotaShare ?? DEFAULT_QUOTA_SHARE) };
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number of at least 1, got ${String(value)}`);
  return value;
}

/** The stored job to go on with, a new run of it (`restart`), or a new job. */
async function startJob(jobs: BackfillJobStore, plan: BackfillPlan, options: BackfillOptions, quota: BackfillQuota, clock: () => number): Promise<BackfillJob> {
  const now = clock();
  const stored = await jobs.get(plan.id);
  if (stored && !options.restart) {
    if (stored.status === BackfillStatus.completed) return stored;
    // Same entity and roles, but the configuration may bind a role to another system or path now.
    return jobs.save({ ...stored, sourceSystem: options.source.system, targetSystem: options.target.system, path: plan.path, operation: plan.operation, status: BackfillStatus.running, lastError: null, resumedAt: now, readAtResume: stored.read });
  }
  return jobs.save({
    id: plan.id,
    entity: plan.entity,
    from: options.source.name,
    to: options.target.name,
    sourceSystem: options.source.system,
    targetSystem: options.target.system,
    path: plan.path,
    operation: plan.operation,
    status: BackfillStatus.running,
    run: (stored?.run ?? 0) + 1,
    cursor: null,
    chunks: 0,
    read: 0,
    written: 0,
    failed: 0,
    estimatedTotal: null,
    quota: quota.usage(),
    recentFailures: [],
    startedAt: now,
    resumedAt: now,
    readAtResume: 0,
    updatedAt: now,
    finishedAt: null,
    lastError: null,
    revision: stored?.revision ?? 0,
  });
}

interface Chunk {
  records: unknown[];
  rejected: RecordPage['rejected'];
  /** Records read (valid or not). */
  read: number;
  nextCursor: string | undefined;
  /** What the source said remains after this chunk, when it said. */
  remainingAfter: number | undefined;
}

/** Source pages from `cursor` until `wanted` records are read or the source has no more. */
async function readChunk(args: {
  read: (entity: string, options: { cursor: string | undefined; limit: number; signal: AbortSignal }) => Promise<RecordPage>;
  entity: string;
  cursor: string | undefined;
  wanted: number;
  pageSize: number;
  signal: AbortSignal;
}): Promise<Chunk> {
  const chunk: Chunk = { records: [], rejected: [], read: 0, nextCursor: args.cursor, remainingAfter: undefined };
  do {
    const page = await args.read(args.entity, { cursor: chunk.nextCursor, limit: Math.min(args.pageSize, args.wanted - chunk.read), signal: args.signal });
    const count = page.records.length + page.rejected.length;
    chunk.records.push(...page.records);
    chunk.rejected.push(...page.rejected);
    chunk.read += count;
    chunk.nextCursor = page.nextCursor;
    chunk.remainingAfter = page.remainingEstimate === undefined ? undefined : Math.max(0, page.remainingEstimate - count);
    if (count === 0) break;
  } while (chunk.nextCursor !== undefined && chunk.read < args.wanted);
  return chunk;
}

function writeChunk(args: {
  plan: BackfillPlan;
  options: BackfillOptions;
  queue: DeliveryQueue | undefined;
  quota: BackfillQuota;
  records: { key: string; payload: unknown }[];
  job: BackfillJob;
  clock: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}): Promise<ChunkOutcome> {
  const { plan, options, records, clock } = args;
  if (plan.path === BackfillPath.bulk && offersBulkLoad(options.target, plan.operation)) {
    return writeByBulk({ target: options.target, operation: plan.operation, records: records.map((record) => record.payload), quota: args.quota, pollIntervalMs: options.bulkPollIntervalMs ?? 5_000, clock, ...(options.signal && { signal: options.signal }) });
  }
  return writeByDelivery({
    queue: args.queue!,
    store: options.storage.delivery,
    target: options.target,
    quota: args.quota,
    job: args.job,
    records,
    clock,
    sleep: (ms) => args.sleep(ms),
    ...(options.deliveryPollMs !== undefined && { pollMs: options.deliveryPollMs }),
  });
}

/** Retries a chunk on failures worth retrying (network, 5xx, throttles), with growing pauses. */
async function withAttempts<T>(work: () => Promise<T>, options: { attempts: number; sleep: (ms: number) => Promise<void>; stopped: () => boolean }): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= options.attempts || options.stopped() || !isRetryable(error)) throw error;
      await options.sleep(1_000 * 2 ** (attempt - 1));
    }
  }
}
