import type { RecordStore } from '../ports/storage.ts';
import type { QuotaUsage } from './quota-share.ts';

/** Read-model entity names under which backfill progress is kept (`storage.records`). */
export const BACKFILL_JOB_ENTITY = 'backfill-job';
export const BACKFILL_FAILURE_ENTITY = 'backfill-failure';

export const BackfillStatus = {
  running: 'running',
  /** Stopped by Ctrl-C, `--limit` or a crash noticed on the next run: resumable from `cursor`. */
  interrupted: 'interrupted',
  completed: 'completed',
  /** Stopped on an error that is not about one record (the target down for good, a bad setting). */
  failed: 'failed',
} as const;
export type BackfillStatus = (typeof BackfillStatus)[keyof typeof BackfillStatus];

export const BackfillPath = {
  /** A bulk API of the target (Salesforce Bulk API 2.0 ingest jobs). */
  bulk: 'bulk',
  /** State-update items through the target's delivery queue (batching, rate control, retries). */
  delivery: 'delivery',
} as const;
export type BackfillPath = (typeof BackfillPath)[keyof typeof BackfillPath];

/** A record that did not reach the target, and why. */
export interface BackfillFailure {
  /** The record's business key (SKU, customer hub id, order number) or the source's name for it. */
  key: string;
  /** `source`: the record could not be read as a valid canonical record; `target`: the target refused it. */
  stage: 'source' | 'target';
  reason: string;
  field?: string;
  /** The target's error code (`INVALID_EMAIL_ADDRESS`), when it gave one. */
  code?: string;
  at: number;
}

/** Most recent failures kept on the job itself, for the console and the summary; all of them are in `backfill-failure`. */
export const RECENT_FAILURES_KEPT = 20;

/**
 * One backfill (entity, from role, to role) and its progress, committed after every chunk with
 * the cursor that follows it: what a resumed run starts from and what the console shows.
 */
export interface BackfillJob {
  /** `customer:erp->crm` */
  id: string;
  entity: string;
  from: string;
  to: string;
  sourceSystem: string;
  targetSystem: string;
  path: BackfillPath;
  /** The target operation records are written with (`upsertCustomer`). */
  operation: string;
  status: BackfillStatus;
  /** Starts at 1; `--restart` starts run 2, 3, ... from the beginning. */
  run: number;
  /** Source cursor after the last committed chunk; null = from the beginning. */
  cursor: string | null;
  /** Chunks committed in this run. */
  chunks: number;
  /** Records read from the source (valid or not) and committed. */
  read: number;
  written: number;
  failed: number;
  /** `read` + what the source said remains, when it says. */
  estimatedTotal: number | null;
  quota: QuotaUsage;
  recentFailures: BackfillFailure[];
  startedAt: number;
  /** When the current (or last) invocation started, and how much it had read then: for the rate. */
  resumedAt: number;
  readAtResume: number;
  updatedAt: number;
  finishedAt: number | null;
  lastError: string | null;
  /** Increases with every save; a save that is not newer than the stored one means another runner. */
  revision: number;
}

export function backfillJobId(entity: string, from: string, to: string): string {
  return `${entity}:${from}->${to}`;
}

/** Two runs of the same backfill at once would commit each other's cursors: the second one stops. */
export class BackfillConflictError extends Error {
  constructor(jobId: string) {
    super(`backfill ${jobId}: another run saved progress in the meantime; only one run of a backfill may go at a time`);
    this.name = 'BackfillConflictError';
  }
}

/** Backfill jobs and their failures in the record store (one record per job; one per failed record). */
export class BackfillJobStore {
  constructor(
    private readonly records: RecordStore,
    private readonly clock: () => number = Date.now,
  ) {}

  async get(id: string): Promise<BackfillJob | undefined> {
    return (await this.records.get<BackfillJob>(BACKFILL_JOB_ENTITY, id))?.data;
  }

  /** Every job, by id. */
  async list(limit = 200): Promise<BackfillJob[]> {
    return (await this.records.list<BackfillJob>(BACKFILL_JOB_ENTITY, { limit })).map((record) => record.data);
  }

  /** Saves the job as its next revision; returns the saved job. */
  async save(job: BackfillJob): Promise<BackfillJob> {
    const next = { ...job, revision: job.revision + 1, updatedAt: this.clock() };
    if (!(await this.records.put({ entity: BACKFILL_JOB_ENTITY, key: job.id, data: next, version: next.revision }, next.updatedAt))) {
      throw new BackfillConflictError(job.id);
    }
    return next;
  }

  /**
   * Records the failures of a chunk before the chunk is committed: a chunk done again after a
   * crash writes the same keys again (newer revision), so nothing is counted twice.
   */
  async addFailures(job: BackfillJob, failures: readonly BackfillFailure[]): Promise<void> {
    for (const failure of failures) {
      await this.records.put({ entity: BACKFILL_FAILURE_ENTITY, key: `${failurePrefix(job)}${failure.key}`, data: failure, version: job.revision + 1 }, this.clock());
    }
  }

  /** Failures of the job's current run, in key order, after `afterKey`. */
  async failures(job: Pick<BackfillJob, 'id' | 'run'>, options: { afterKey?: string; limit: number }): Promise<BackfillFailure[]> {
    const prefix = failurePrefix(job);
    const found = await this.records.list<BackfillFailure>(BACKFILL_FAILURE_ENTITY, { afterKey: `${prefix}${options.afterKey ?? ''}`, limit: options.limit });
    return found.filter((record) => record.key.startsWith(prefix)).map((record) => record.data);
  }
}

/** `customer:erp->crm#2/` — a run's failures sort together under it. */
function failurePrefix(job: Pick<BackfillJob, 'id' | 'run'>): string {
  return `${job.id}#${job.run}/`;
}
