import { BULK_OPERATIONS, appendCsv, jobInfo, processJob, resultsCsv } from '../bulk/ingest-jobs.ts';
import type { BulkOperation, IngestJob } from '../bulk/ingest-jobs.ts';
import { SalesforceApiError, notFound } from '../errors.ts';
import { formatDateTime } from '../data/values.ts';
import { isPlainObject } from './records.ts';
import { methodNotAllowed } from './sobjects.ts';
import type { RestCall, RestResult } from './types.ts';

/**
 * Bulk API 2.0 ingest resources under `/jobs/ingest`.
 * https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/create_job.htm
 */
export function handleBulkIngest(call: RestCall): RestResult {
  const [jobId, resource, ...rest] = call.path.slice(2);
  if (rest.length > 0) throw notFound();
  if (jobId === undefined) {
    if (call.method === 'POST') return createJob(call);
    if (call.method === 'GET') return { status: 200, body: { done: true, records: [...call.org.bulkJobs.values()].map(jobInfo), nextRecordsUrl: null } };
    throw methodNotAllowed(call.method);
  }
  const job = call.org.bulkJobs.get(jobId);
  if (!job) throw notFound();
  if (resource === undefined) {
    switch (call.method) {
      case 'GET':
        return { status: 200, body: jobInfo(job) };
      case 'PATCH':
        return changeState(call, job);
      case 'DELETE':
        call.org.bulkJobs.delete(job.id);
        return { status: 204 };
      default:
        throw methodNotAllowed(call.method);
    }
  }
  if (resource === 'batches') {
    if (call.method !== 'PUT') throw methodNotAllowed(call.method);
    appendCsv(job, typeof call.body === 'string' ? call.body : '');
    return { status: 201 };
  }
  if (resource === 'successfulResults' || resource === 'failedResults' || resource === 'unprocessedrecords') {
    if (call.method !== 'GET') throw methodNotAllowed(call.method);
    return { status: 200, body: resultsCsv(job, resource), contentType: 'text/csv' };
  }
  throw notFound();
}

function createJob(call: RestCall): RestResult {
  const body = isPlainObject(call.body) ? call.body : {};
  const object = typeof body.object === 'string' ? call.org.catalog.object(body.object) : undefined;
  if (!object) throw new SalesforceApiError({ errorCode: 'INVALIDJOB', message: `InvalidJob : Invalid object: ${String(body.object)}` });
  const operation = String(body.operation) as BulkOperation;
  if (!BULK_OPERATIONS.includes(operation)) throw new SalesforceApiError({ errorCode: 'INVALIDJOB', message: `InvalidJob : Invalid operation: ${String(body.operation)}` });
  const externalIdFieldName = typeof body.externalIdFieldName === 'string' ? body.externalIdFieldName : undefined;
  if (operation === 'upsert') {
    const field = externalIdFieldName ? call.org.catalog.field(object, externalIdFieldName) : undefined;
    if (!field || !(field.externalId || field.name === 'Id')) {
      throw new SalesforceApiError({ errorCode: 'INVALIDJOB', message: `InvalidJob : External ID was blank or not a valid external id field for ${object.name}: ${String(externalIdFieldName)}` });
    }
  }
  if (body.contentType !== undefined && body.contentType !== 'CSV') {
    throw new SalesforceApiError({ errorCode: 'INVALIDJOB', message: 'InvalidJob : contentType must be CSV' });
  }
  const stamp = formatDateTime(call.now);
  const job: IngestJob = {
    id: call.org.ids.next('750'),
    object,
    operation,
    ...(externalIdFieldName ? { externalIdFieldName } : {}),
    state: 'Open',
    apiVersion: call.version,
    createdById: call.session.userId,
    createdDate: stamp,
    systemModstamp: stamp,
    header: [],
    rows: [],
    successful: [],
    failed: [],
  };
  call.org.bulkJobs.set(job.id, job);
  return { status: 200, body: jobInfo(job) };
}

function changeState(call: RestCall, job: IngestJob): RestResult {
  const state = isPlainObject(call.body) ? call.body.state : undefined;
  if (state === 'Aborted' && (job.state === 'Open' || job.state === 'UploadComplete')) {
    job.state = 'Aborted';
    return { status: 200, body: jobInfo(job) };
  }
  if (state !== 'UploadComplete' || job.state !== 'Open') {
    throw new SalesforceApiError({ status: 409, errorCode: 'INVALIDJOBSTATE', message: `Can't change the state of job ${job.id} from ${job.state} to ${String(state)}.` });
  }
  job.state = 'UploadComplete';
  const info = jobInfo(job);
  processJob(call.org, job, { userId: call.session.userId, now: call.now });
  return { status: 200, body: info };
}
