import { AuthExpiredError, PermanentError, RateLimitedError, TransientError } from '../../runtime/errors.ts';
import type { QuotaSignal } from '../../runtime/delivery/budget.ts';
import { wmsAuthHeaders, type WmsCredentials } from './auth.ts';
import { parseJsonBody, retryAfterMs } from '../http.ts';
import { outboundTraceHeaders } from '../../observability/traceparent.ts';

export const WMS_SYSTEM = 'wms';

/** Used when a 429 carries no usable Retry-After: one window of the per-second limit. */
const DEFAULT_RETRY_AFTER_MS = 1_000;

export interface WmsClientOptions {
  /** e.g. `https://api.warehouse.example` or a sandbox's `url`; paths start with `/v1/`. */
  baseUrl: string;
  credentials: WmsCredentials;
  /** A request with no answer by then is a transient failure (and retried by the engine). */
  timeoutMs: number;
  /** Reads the WMS's own rate-limit figures from every response (errors included). */
  readQuota?: (headers: Headers) => QuotaSignal | undefined;
}

export interface WmsRequestOptions {
  /** The delivery's abort signal (hub shutdown); the timeout is added to it. */
  signal?: AbortSignal;
  /** Receives the quota figures of the response, e.g. the delivery context's `reportQuota`. */
  reportQuota?: (signal: QuotaSignal) => void;
}

export interface WmsResponse<T> {
  status: number;
  body: T;
}

/** The WMS error body: `{ "error": { "code", "message", "field"? } }`. */
interface WmsErrorBody {
  error?: { code?: unknown; message?: unknown; field?: unknown };
}

/**
 * The warehouse REST API over global fetch. Every failure leaves as a typed error, so the
 * delivery engine can decide without reading messages:
 * 429 → RateLimitedError (Retry-After in ms), 401 → AuthExpiredError, 408 / 5xx / timeouts /
 * connection errors → TransientError, other 4xx → PermanentError with the WMS's code and field.
 */
export class WmsClient {
  constructor(private readonly options: WmsClientOptions) {}

  post<T>(path: string, body: unknown, options: WmsRequestOptions = {}): Promise<WmsResponse<T>> {
    return this.request<T>('POST', path, body, options);
  }

  get<T>(path: string, options: WmsRequestOptions = {}): Promise<WmsResponse<T>> {
    return this.request<T>('GET', path, undefined, options);
  }

  private async request<T>(method: string, path: string, body: unknown, options: WmsRequestOptions): Promise<WmsResponse<T>> {
    const { signal } = options;
    const url = new URL(path, this.options.baseUrl);
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          ...outboundTraceHeaders(),
          ...wmsAuthHeaders(this.options.credentials),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      text = await response.text();
    } catch (error) {
      throw networkFailure(error, `${method} ${url.pathname}`);
    }
    const quota = this.options.readQuota?.(response.headers);
    if (quota) options.reportQuota?.(quota);
    const parsed = parseJsonBody(text);
    if (!response.ok) throw wmsFailure({ status: response.status, body: parsed, headers: response.headers, request: `${method} ${url.pathname}` });
    return { status: response.status, body: parsed as T };
  }
}

/** A fetch that never got an answer: timed out, aborted by shutdown, or the connection failed. */
function networkFailure(error: unknown, request: string): TransientError {
  const name = error instanceof Error ? error.name : '';
  const reason = name === 'TimeoutError' ? 'timed out' : name === 'AbortError' ? 'was aborted' : `failed (${error instanceof Error ? error.message : String(error)})`;
  // The WMS may have acted on a request whose answer was lost: the retry is safe because
  // every write is idempotent by its business key (externalOrderId, rmaNumber).
  return new TransientError(`WMS request ${request} ${reason}`, { system: WMS_SYSTEM, code: name === 'TimeoutError' ? 'timeout' : 'network_error' }, { cause: error });
}

/** Translates a WMS error answer into the typed failure the delivery engine acts on. */
export function wmsFailure(response: { status: number; body: unknown; headers: Headers; request: string }): Error {
  const { status, headers, request } = response;
  const error = (response.body as WmsErrorBody | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : `http_${status}`;
  const field = typeof error?.field === 'string' ? error.field : undefined;
  const message = `WMS ${request} answered ${status} ${code}: ${typeof error?.message === 'string' ? error.message : 'no error message'}`;
  const info = { code, system: WMS_SYSTEM, ...(field !== undefined && { field }), details: { status } };

  if (status === 429) return new RateLimitedError(message, { ...info, retryAfterMs: retryAfterMs(headers.get('retry-after')) ?? DEFAULT_RETRY_AFTER_MS });
  if (status === 401) return new AuthExpiredError(`${message} (API keys are not refreshed: put the current key in systems.wms.settings.apiKey)`, info);
  if (status === 408 || status >= 500) return new TransientError(message, info);
  // 400 validation, 403 permission, 404 unknown record, 409 conflicting duplicate, 422 business rule:
  // the same request fails again, so it goes to the dead letters with the WMS's own code.
  return new PermanentError(message, info);
}

/** Retry-After is delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
