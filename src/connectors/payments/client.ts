import { AuthExpiredError, PermanentError, RateLimitedError, TransientError } from '../../runtime/errors.ts';
import { STRIPE_API_VERSION, stripeAuthHeaders, type StripeCredentials } from './auth.ts';
import { parseJsonBody, retryAfterMs } from '../http.ts';
import { outboundTraceHeaders } from '../../observability/traceparent.ts';

export const PAYMENTS_SYSTEM = 'stripe';

/** Stripe's 429s usually carry no Retry-After; its advice is to back off and retry shortly. */
const DEFAULT_RETRY_AFTER_MS = 1_000;

export interface StripeClientOptions {
  /** `https://api.stripe.com` in production, or a sandbox's `url`. */
  baseUrl: string;
  credentials: StripeCredentials;
  apiVersion?: string;
  timeoutMs: number;
  /** Called before each request is sent (local quota counting). */
  onRequest?: () => void;
}

/** Stripe's error body (https://docs.stripe.com/api/errors). */
interface StripeErrorBody {
  error?: { type?: unknown; code?: unknown; param?: unknown; message?: unknown; decline_code?: unknown };
}

/**
 * Stripe's REST API over global fetch: form-encoded bodies, the `Idempotency-Key` header, list
 * reads, and Stripe's error JSON translated into typed failures.
 *
 * Why not the official `stripe` package (installed): the delivery engine owns retries, timeouts
 * and cancellation, and stripe-node v18 takes no per-request AbortSignal (hub shutdown could not
 * cancel a call) and retries on its own unless told not to; the connector uses two calls of
 * one resource, whose form encoding is a few lines. Keeping the same client shape as the other connectors
 * also keeps the error translation in one visible place.
 */
export class StripeClient {
  constructor(private readonly options: StripeClientOptions) {}

  post<T>(path: string, params: Record<string, unknown>, request: { idempotencyKey: string; signal?: AbortSignal }): Promise<T> {
    return this.request<T>('POST', path, {
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        // The same key replays Stripe's first answer: a retry after a crash or a lost answer
        // returns the same refund instead of paying twice (https://docs.stripe.com/api/idempotent_requests).
        'idempotency-key': request.idempotencyKey,
      },
      body: encodeStripeForm(params),
      ...(request.signal && { signal: request.signal }),
    });
  }

  get<T>(path: string, query: Record<string, string>, request: { signal?: AbortSignal } = {}): Promise<T> {
    return this.request<T>('GET', `${path}?${new URLSearchParams(query).toString()}`, request);
  }

  private async request<T>(method: string, path: string, request: { headers?: Record<string, string>; body?: string; signal?: AbortSignal }): Promise<T> {
    const url = new URL(path, this.options.baseUrl);
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    this.options.onRequest?.();
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method,
        headers: { ...outboundTraceHeaders(), ...stripeAuthHeaders(this.options.credentials, this.options.apiVersion ?? STRIPE_API_VERSION), ...request.headers },
        ...(request.body !== undefined && { body: request.body }),
        signal: request.signal ? AbortSignal.any([request.signal, timeout]) : timeout,
      });
      text = await response.text();
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      throw new TransientError(
        `Stripe ${method} ${url.pathname} ${name === 'TimeoutError' ? 'timed out' : `failed (${error instanceof Error ? error.message : String(error)})`}`,
        { system: PAYMENTS_SYSTEM, code: name === 'TimeoutError' ? 'timeout' : 'network_error' },
        { cause: error },
      );
    }
    const body = parseJsonBody(text);
    if (!response.ok) throw stripeFailure({ status: response.status, body, headers: response.headers, request: `${method} ${url.pathname}` });
    return body as T;
  }
}

/**
 * Translates a Stripe error answer (https://docs.stripe.com/error-handling) into the typed
 * failure the delivery engine acts on.
 */
export function stripeFailure(response: { status: number; body: unknown; headers: Headers; request: string }): Error {
  const { status, headers } = response;
  const error = (response.body as StripeErrorBody | undefined)?.error;
  const type = typeof error?.type === 'string' ? error.type : undefined;
  const code = typeof error?.code === 'string' ? error.code : (type ?? `http_${status}`);
  const field = typeof error?.param === 'string' ? error.param : undefined;
  const message = `Stripe ${response.request} answered ${status} ${code}: ${typeof error?.message === 'string' ? error.message : 'no error message'}`;
  const replayed = headers.get('idempotent-replayed') === 'true';
  const info = {
    code,
    system: PAYMENTS_SYSTEM,
    ...(field !== undefined && { field }),
    details: { status, ...(type && { type }), ...(typeof error?.decline_code === 'string' && { declineCode: error.decline_code }), ...(replayed && { idempotentReplayed: true }) },
  };

  if (status === 429 || code === 'rate_limit' || code === 'lock_timeout') {
    return new RateLimitedError(message, { ...info, retryAfterMs: retryAfterMs(headers.get('retry-after')) ?? DEFAULT_RETRY_AFTER_MS });
  }
  if (status === 401) return new AuthExpiredError(`${message} (Stripe keys are not refreshed: put the current key in systems.payments.settings.secretKey)`, info);
  // The same parameters under this key can never succeed: a caller bug, never retried.
  if (type === 'idempotency_error') return new PermanentError(message, info);
  if (status >= 500 || type === 'api_error') {
    // Stripe saves the first answer of a request that began executing, 500s included, and
    // replays it for the same key: retrying a replayed 500 can only get the same 500.
    if (replayed) return new PermanentError(`${message} (a replayed answer: check the payment in the Stripe Dashboard)`, info);
    return new TransientError(message, info);
  }
  // 409: another request with the same idempotency key is still running: try again shortly.
  if (status === 409) return new TransientError(message, info);
  // 400 invalid_request_error (amount_too_large, charge_already_refunded...), 402 card_error,
  // 403, 404 resource_missing: the same request fails again.
  return new PermanentError(message, info);
}


/**
 * Stripe's form encoding: nested objects and arrays in bracket notation
 * (`metadata[order_number]=WEB-1`, `expand[0]=charge`); undefined values are left out.
 */
export function encodeStripeForm(params: Record<string, unknown>): string {
  const pairs: [string, string][] = [];
  const add = (key: string, value: unknown): void => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) value.forEach((entry, index) => add(`${key}[${index}]`, entry));
    else if (typeof value === 'object') for (const [child, entry] of Object.entries(value)) add(`${key}[${child}]`, entry);
    else pairs.push([key, String(value)]);
  };
  for (const [key, value] of Object.entries(params)) add(key, value);
  return new URLSearchParams(pairs).toString();
}
