import { AuthExpiredError, PermanentError, RateLimitedError, TransientError } from '../../runtime/errors.ts';
import type { CrossdockFailure } from '../../runtime/errors.ts';

export const NETSUITE_SYSTEM = 'netsuite';

/**
 * NetSuite REST error body: `o:errorDetails[]` with `detail`, `o:errorCode` and where it was:
 * `o:errorPath` (body field), `o:urlPath`, `o:errorHeader`, `o:errorQueryParam`.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_156570709583.html
 */
interface ErrorDetail {
  detail?: string;
  'o:errorCode'?: string;
  'o:errorPath'?: string;
  'o:urlPath'?: string;
  'o:errorHeader'?: string;
  'o:errorQueryParam'?: string;
}

/**
 * A concurrency refusal carries no Retry-After: a slot frees as soon as one request in flight
 * ends, so a second is a generous wait (the dispatcher also halves its concurrency on it).
 */
export const CONCURRENCY_RETRY_AFTER_MS = 1_000;

/**
 * Record locking: NetSuite refuses a write to a record another request saved since it was read
 * (RCRD_HAS_BEEN_CHANGED, reported inside a USER_ERROR's detail); it succeeds when tried again.
 */
const LOCK_CONTENTION = /RCRD_HAS_BEEN_CHANGED|record has been changed|RCRD_LOCKED_BY_WF/i;

/** Turns a failed response into the runtime's typed failure, with NetSuite's own code and path. */
export function failureOf(args: { status: number; body: unknown; headers: Headers; request: string }): CrossdockFailure {
  const details = errorDetails(args.body);
  const first = details[0];
  const code = first?.['o:errorCode'] ?? `HTTP_${args.status}`;
  const field = first?.['o:errorPath'] ?? first?.['o:errorQueryParam'] ?? first?.['o:errorHeader'];
  const detail = details.map((entry) => entry.detail).filter(Boolean).join('; ') || `HTTP ${args.status}`;
  const info = { system: NETSUITE_SYSTEM, code, ...(field !== undefined && { field }), details: { status: args.status, request: args.request } };
  const message = `netsuite ${args.request}: ${code}${field ? ` at ${field}` : ''}: ${detail}`;

  if (args.status === 429) {
    const retryAfter = Number(args.headers.get('retry-after'));
    return new RateLimitedError(message, { ...info, retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : CONCURRENCY_RETRY_AFTER_MS });
  }
  if (args.status === 401) return new AuthExpiredError(message, info);
  if (args.status >= 500 || args.status === 408) return new TransientError(message, info);
  if (LOCK_CONTENTION.test(detail)) return new TransientError(message, { ...info, code: 'RCRD_HAS_BEEN_CHANGED' });
  // 400 INVALID_CONTENT / USER_ERROR / INVALID_PARAMETER, 403 INSUFFICIENT_PERMISSION, 404 NONEXISTENT_ID:
  // the same request will be refused again.
  return new PermanentError(message, info);
}

function errorDetails(body: unknown): ErrorDetail[] {
  if (typeof body !== 'object' || body === null) return [];
  const details = (body as { 'o:errorDetails'?: unknown })['o:errorDetails'];
  return Array.isArray(details) ? (details.filter((entry) => typeof entry === 'object' && entry !== null) as ErrorDetail[]) : [];
}

/** True when a refusal says the external id is already taken (a create raced with another). */
export function isDuplicateExternalId(error: unknown): boolean {
  return error instanceof PermanentError && error.code === 'USER_ERROR' && /external ?id .* already exists/i.test(error.message);
}
