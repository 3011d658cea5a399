import type { WriteContext } from '../data/dml.ts';
import { SalesforceApiError } from '../errors.ts';
import type { SalesforceOrg } from '../org.ts';
import type { ObjectDef } from '../schema/types.ts';
import { parseCsv, toCsv } from './csv.ts';

/**
 * Bulk API 2.0 ingest jobs: create (Open) → upload CSV batches → UploadComplete → processed →
 * JobComplete, with successful, failed and unprocessed record results as CSV. Processing happens
 * when the upload completes (the platform does it asynchronously; clients poll either way). Each
 * started 10,000 records count as one batch against the daily Bulk API batch allocation.
 * https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/bulk_api_2_0.htm
 */
export const BULK_OPERATIONS = ['insert', 'update', 'upsert', 'delete', 'hardDelete'] as const;
export type BulkOperation = (typeof BULK_OPERATIONS)[number];
/** Records per internal batch: https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_bulkapi.htm */
export const RECORDS_PER_BATCH = 10_000;
/** A CSV value that sets a field to null (an empty value leaves it unchanged). */
const NULL_VALUE = '#N/A';

export type JobState = 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';

export interface IngestJob {
  id: string;
  object: ObjectDef;
  operation: BulkOperation;
  externalIdFieldName?: string;
  state: JobState;
  apiVersion: string;
  createdById: string;
  createdDate: string;
  systemModstamp: string;
  header: string[];
  rows: string[][];
  successful: string[][];
  failed: string[][];
  errorMessage?: string;
}

export function jobInfo(job: IngestJob) {
  return {
    id: job.id,
    operation: job.operation,
    object: job.object.name,
    createdById: job.createdById,
    createdDate: job.createdDate,
    systemModstamp: job.systemModstamp,
    state: job.state,
    ...(job.externalIdFieldName ? { externalIdFieldName: job.externalIdFieldName } : {}),
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: Number(job.apiVersion),
    jobType: 'V2Ingest',
    lineEnding: 'LF',
    columnDelimiter: 'COMMA',
    numberRecordsProcessed: job.successful.length + job.failed.length,
    numberRecordsFailed: job.failed.length,
    retries: 0,
    totalProcessingTime: 0,
    apiActiveProcessingTime: 0,
    apexProcessingTime: 0,
    ...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
  };
}

export function appendCsv(job: IngestJob, csv: string): void {
  if (job.state !== 'Open') {
    throw new SalesforceApiError({ status: 409, errorCode: 'INVALIDJOBSTATE', message: `Job ${job.id} is not open for data upload (state ${job.state}).` });
  }
  const { header, rows } = parseCsv(csv);
  if (job.header.length === 0) job.header = header;
  else if (header.join(',') !== job.header.join(',')) {
    throw new SalesforceApiError({ errorCode: 'INVALIDDATA', message: 'Every upload of a job must have the same header row.' });
  }
  job.rows.push(...rows);
}

/** Runs the job's records through the same DML as the REST API, each on its own. */
export function processJob(org: SalesforceOrg, job: IngestJob, ctx: WriteContext): void {
  const batches = Math.max(1, Math.ceil(job.rows.length / RECORDS_PER_BATCH));
  if (!org.bulkBatches.take(batches)) {
    job.state = 'Failed';
    job.errorMessage = 'Exceeded the daily Bulk API batch allocation (DailyBulkApiBatches).';
    return;
  }
  for (const row of job.rows) {
    const values: Record<string, unknown> = {};
    job.header.forEach((column, index) => {
      const raw = row[index] ?? '';
      if (raw === '') return;
      values[column] = raw === NULL_VALUE ? null : raw;
    });
    const savepoint = org.store.savepoint();
    try {
      const { id, created } = writeRecord(org, job, values, ctx);
      job.successful.push([id, String(created), ...row]);
    } catch (error) {
      org.store.rollbackTo(savepoint);
      if (!(error instanceof SalesforceApiError)) throw error;
      const id = typeof values.Id === 'string' ? values.Id : '';
      job.failed.push([id, `${error.errorCode}:${error.message}:${(error.fields ?? []).join(',')} --`, ...row]);
    }
  }
  job.state = 'JobComplete';
  job.systemModstamp = new Date(ctx.now).toISOString().replace('Z', '+0000');
}

function writeRecord(org: SalesforceOrg, job: IngestJob, values: Record<string, unknown>, ctx: WriteContext): { id: string; created: boolean } {
  const { Id: rawId, ...fields } = values;
  const id = typeof rawId === 'string' ? rawId : '';
  switch (job.operation) {
    case 'insert':
      return { id: org.dml.create(job.object, fields, ctx), created: true };
    case 'update':
      org.dml.update(job.object, id, fields, ctx);
      return { id, created: false };
    case 'upsert': {
      const field = job.externalIdFieldName ?? 'Id';
      const key = Object.keys(values).find((k) => k.toLowerCase() === field.toLowerCase());
      const value = key === undefined ? '' : String(values[key]);
      const body = field === 'Id' ? fields : values;
      return org.dml.upsert(job.object, field, value, body, ctx);
    }
    case 'delete':
    case 'hardDelete':
      org.dml.delete(job.object, id, ctx);
      return { id, created: false };
  }
}

export function resultsCsv(job: IngestJob, kind: 'successfulResults' | 'failedResults' | 'unprocessedrecords'): string {
  if (kind === 'successfulResults') return toCsv(['sf__Id', 'sf__Created', ...job.header], job.successful);
  if (kind === 'failedResults') return toCsv(['sf__Id', 'sf__Error', ...job.header], job.failed);
  const processed = job.state === 'JobComplete' || job.state === 'Failed';
  return toCsv(job.header, processed && job.state === 'JobComplete' ? [] : job.rows);
}
