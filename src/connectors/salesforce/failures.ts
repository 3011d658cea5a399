import { AuthExpiredError, PermanentError, RateLimitedError, TransientError } from '../../runtime/errors.ts';
import type { CrossdockFailure } from '../../runtime/errors.ts';
import { DAILY_LIMIT_PAUSE_MS } from './limits.ts';

export const SALESFORCE_SYSTEM = 'salesforce';

/** An error as a record of a collections or composite answer carries it (`statusCode` on the wire). */
export interface SalesforceRecordError {
  statusCode?: string;
  errorCode?: string;
  message: string;
  fields?: string[];
}

/**
 * Record-level codes worth retrying: lock contention on the row or its parent, and records
 * rolled back or halted only because another record of the request failed.
 * https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_concepts_core_data_objects.htm#statuscode
 */
const TRANSIENT_RECORD_CODES = new Set(['UNABLE_TO_LOCK_ROW', 'ALL_OR_NONE_OPERATION_ROLLED_BACK', 'PROCESSING_HALTED', 'SERVER_UNAVAILABLE', 'UNKNOWN_EXCEPTION', 'REQUEST_RUNNING_TOO_LONG']);

/** One refused record → a typed failure naming the system's code, the fields and the record. */
export function recordFailure(error: SalesforceRecordError | undefined, record: { object: string; key: string }): CrossdockFailure {
  const code = error?.statusCode ?? error?.errorCode ?? 'UNKNOWN_ERROR';
  const fields = error?.fields ?? [];
  const message = `Salesforce refused ${record.object} ${record.key}: ${code}: ${error?.message ?? 'no message'}`;
  const info = { code, system: SALESFORCE_SYSTEM, ...(fields[0] !== undefined && { field: fields[0] }), details: { object: record.object, key: record.key, fields } };
  return TRANSIENT_RECORD_CODES.has(code) ? new TransientError(message, info) : new PermanentError(message, info);
}

/** What the client knows about a failed HTTP exchange. */
export interface FailedExchange {
  error: unknown;
  status: number | undefined;
  headers: Record<string, string>;
  what: string;
}

/**
 * A failed request → the typed failure for the whole batch. 401 INVALID_SESSION_ID is handled by
 * the client (refresh once, retry once) before it gets here.
 */
export function requestFailure({ error, status, headers, what }: FailedExchange): CrossdockFailure {
  const jsforceError = error as { errorCode?: string; name?: string; code?: string; message?: string; data?: { fields?: string[] } };
  const code = jsforceError.errorCode;
  const message = `${what}: ${code ?? jsforceError.code ?? jsforceError.name ?? 'error'}: ${jsforceError.message ?? String(error)}`;
  const base = { system: SALESFORCE_SYSTEM, ...(code !== undefined && { code }), details: { ...(status !== undefined && { status }) } };
  if (code === 'REQUEST_LIMIT_EXCEEDED') {
    // 403: the rolling 24 h allocation is spent; 429 (rare: overload protection) carries Retry-After.
    const retryAfter = Number(headers['retry-after']);
    const retryAfterMs = status === 429 && Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : status === 429 ? 1_000 : DAILY_LIMIT_PAUSE_MS;
    return new RateLimitedError(message, { ...base, retryAfterMs }, { cause: error });
  }
  if (code === 'INVALID_SESSION_ID' || status === 401) return new AuthExpiredError(message, base, { cause: error });
  if (status === undefined || status >= 500 || status === 408 || code === 'SERVER_UNAVAILABLE' || code === 'UNKNOWN_EXCEPTION') {
    // No status: the request never got an answer (connection refused, reset, timeout).
    return new TransientError(message, base, { cause: error });
  }
  const field = jsforceError.data?.fields?.[0];
  return new PermanentError(message, { ...base, ...(field !== undefined && { field }) }, { cause: error });
}
