import type { BackfillFailure } from './job.ts';
import type { BackfillQuota } from './quota-share.ts';

/** What a connector's bulk path answers for one job (the Salesforce connector's `bulkLoad`). */
export interface BulkLoadResult {
  created: number;
  updated: number;
  failed: { externalId: string; error: string }[];
}

/** A connector with a bulk path: canonical payloads of one operation, mapped as that operation maps them. */
export interface BulkLoadingTarget {
  bulkLoad(operation: string, payloads: readonly unknown[], options?: { pollIntervalMs?: number }): Promise<BulkLoadResult>;
  /** The operations `bulkLoad` takes, when the target says; otherwise every `upsert*` operation. */
  readonly bulkOperations?: readonly string[];
}

/**
 * Whether the target can bulk-load this operation. Bulk APIs write one object type per job, by
 * external id: the single-record `upsert*` operations fit; composite ones (an order and its lines,
 * `projectOrder`) and records without an external id of their own (Salesforce's price book
 * entries, `upsertPrice`) go through the delivery path. A target that lists its
 * `bulkOperations` is taken at its word.
 */
export function offersBulkLoad(target: object, operation: string): target is BulkLoadingTarget {
  const bulk = target as Partial<BulkLoadingTarget>;
  if (typeof bulk.bulkLoad !== 'function') return false;
  return bulk.bulkOperations ? bulk.bulkOperations.includes(operation) : operation.startsWith('upsert');
}

/**
 * Records per Bulk API job: Salesforce counts every started 10,000 records of a job as one of the
 * org's 15,000 daily batches, so jobs of exactly 10,000 use the batch allocation fully; larger
 * jobs gain nothing and make an interrupted chunk longer to redo.
 * https://developer.salesforce.com/docs/atlas.en-us.api_bulk_v2.meta/api_bulk_v2/bulk_api_2_limits.htm
 */
export const DEFAULT_BULK_JOB_SIZE = 10_000;
export const MAX_BULK_JOB_SIZE = 100_000;

/**
 * API calls one ingest job makes through jsforce's `loadAndWaitForResults`: create, upload the
 * CSV, close (UploadComplete), one status poll, then successfulResults, failedResults and
 * unprocessedrecords. Each further poll is one more call, charged after the job.
 */
export const BULK_JOB_REQUESTS = 7;

export interface ChunkOutcome {
  written: number;
  failures: BackfillFailure[];
}

/**
 * Writes one chunk as one Bulk API job, within the backfill's quota share: the job's calls are
 * admitted before it starts (it holds one concurrency slot while it runs) and its extra polls are
 * charged when it ends. Rows the target refuses come back as failures with its code and field.
 */
export async function writeByBulk(args: {
  target: BulkLoadingTarget;
  operation: string;
  records: readonly unknown[];
  quota: BackfillQuota;
  pollIntervalMs: number;
  clock: () => number;
  signal?: AbortSignal;
}): Promise<ChunkOutcome> {
  if (args.records.length === 0) return { written: 0, failures: [] };
  const job = await args.quota.acquire({ requests: BULK_JOB_REQUESTS, ...(args.signal && { signal: args.signal }) });
  const startedAt = args.clock();
  let result: BulkLoadResult;
  try {
    result = await args.target.bulkLoad(args.operation, args.records, { pollIntervalMs: args.pollIntervalMs });
  } finally {
    job.release();
    const polls = Math.max(1, Math.ceil((args.clock() - startedAt) / Math.max(1, args.pollIntervalMs)));
    args.quota.charge(polls - 1);
  }
  const at = args.clock();
  return {
    written: result.created + result.updated,
    failures: result.failed.map((failure) => ({ key: failure.externalId || '(record the target could not map)', stage: 'target' as const, at, ...parseBulkError(failure.error) })),
  };
}

/**
 * Salesforce writes a refused row's error as `CODE:message:Field1,Field2 --`
 * (`INVALID_EMAIL_ADDRESS:Email: invalid email address: …:PersonEmail --`).
 */
export function parseBulkError(error: string): { reason: string; code?: string; field?: string } {
  const match = /^([A-Z][A-Z0-9_]+):([\s\S]*?)(?::([A-Za-z0-9_,.]*))?\s*--\s*$/.exec(error.trim());
  if (!match) return { reason: error };
  const [, code, message, fields] = match;
  const field = fields?.split(',').filter(Boolean)[0];
  return { reason: `${code}: ${(message ?? '').trim()}`, ...(code && { code }), ...(field && { field }) };
}
