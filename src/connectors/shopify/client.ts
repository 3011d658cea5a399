import { createAdminApiClient } from '@shopify/admin-api-client';
import type { AdminApiClient } from '@shopify/admin-api-client';
import { outboundTraceHeaders } from '../../observability/traceparent.ts';
import type { QuotaSignal } from '../../runtime/delivery/budget.ts';
import { AuthExpiredError, PermanentError, RateLimitedError, TransientError } from '../../runtime/errors.ts';
import type { ShopifyCredentials } from './auth.ts';
import { throttleWaitMs } from './limits.ts';

export const SHOPIFY_SYSTEM = 'shopify';

/**
 * The Admin API version the connector is written against. 2026-10 makes `changeFromQuantity`
 * mandatory on the inventory mutations and `@idempotent(key:)` mandatory on refundCreate and
 * the inventory mutations (https://shopify.dev/changelog/concurrency-protection-features,
 * https://shopify.dev/changelog/making-idempotency-mandatory-for-inventory-adjustments-and-refund-mutations);
 * the connector always sends both, so it also runs on 2026-04 and later.
 */
export const SHOPIFY_API_VERSION = '2026-10';

/** Used when a 429 carries no Retry-After: Shopify's documented 1-second REST leak. */
const DEFAULT_RETRY_AFTER_MS = 1_000;

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface QueryCost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

export interface ShopifyClientOptions {
  /** `acme.myshopify.com` */
  storeDomain: string;
  apiVersion?: string;
  credentials: Pick<ShopifyCredentials, 'accessToken'>;
  /** A request with no answer by then is a transient failure. */
  timeoutMs?: number;
  /** Replaces global fetch (the sandbox's origin-rewriting fetch in tests and the demo). */
  customFetchApi?: typeof fetch;
}

export interface RequestOptions {
  variables?: Record<string, unknown>;
  signal?: AbortSignal;
  /** Receives Shopify's throttleStatus after every answer that carries one. */
  reportQuota?: (signal: QuotaSignal) => void;
}

interface GraphQLErrorJson {
  message?: string;
  extensions?: { code?: string; [key: string]: unknown };
  path?: (string | number)[];
}

/**
 * The Admin GraphQL API through `@shopify/admin-api-client`, with every failure turned into
 * the typed error the delivery engine acts on:
 * - HTTP 401 → AuthExpiredError; 429 → RateLimitedError with Retry-After; 5xx, timeouts and
 *   connection errors → TransientError; other HTTP 4xx → PermanentError `http_<status>`;
 * - GraphQL `THROTTLED` → RateLimitedError with the time the bucket needs to hold the
 *   request's cost again; `INTERNAL_SERVER_ERROR` → TransientError; any other top-level
 *   error (`MAX_COST_EXCEEDED`, `BAD_REQUEST`, ...) → PermanentError with Shopify's code.
 *
 * The client's own retry is switched off (`retries: 0`): it reads Retry-After as milliseconds
 * where Shopify sends seconds, and retrying is the delivery engine's job anyway.
 */
export class ShopifyGraphQLClient {
  private readonly client: AdminApiClient;
  private readonly timeoutMs: number;
  /** The latest throttleStatus Shopify reported, for `quota()`. */
  lastThrottleStatus: ThrottleStatus | undefined;
  /** Requests sent, by kind; tests and the bench compare them with the minimum. */
  readonly calls = { query: 0, mutation: 0, throttled: 0 };

  constructor(options: ShopifyClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.client = createAdminApiClient({
      storeDomain: options.storeDomain,
      apiVersion: options.apiVersion ?? SHOPIFY_API_VERSION,
      accessToken: options.credentials.accessToken,
      retries: 0,
      ...(options.customFetchApi ? { customFetchApi: options.customFetchApi } : {}),
      // The client warns about versions outside its rolling list; the hub logs its own way.
      logger: () => undefined,
    });
  }

  /** Runs one operation and returns its `data`, or throws a typed failure. */
  async request<T>(operation: string, options: RequestOptions = {}): Promise<T> {
    const isMutation = /^\s*mutation\b/.test(operation);
    if (isMutation) this.calls.mutation++;
    else this.calls.query++;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const traceHeaders = outboundTraceHeaders();
    let response: Awaited<ReturnType<AdminApiClient['request']>>;
    try {
      response = await this.client.request(operation, { variables: options.variables ?? {}, signal, ...(traceHeaders.traceparent && { headers: { ...traceHeaders } }) });
    } catch (error) {
      throw networkFailure(error);
    }
    const cost = (response.extensions as { cost?: QueryCost } | undefined)?.cost;
    if (cost?.throttleStatus) {
      this.lastThrottleStatus = cost.throttleStatus;
      options.reportQuota?.({
        kind: 'cost',
        currentlyAvailable: cost.throttleStatus.currentlyAvailable,
        maximumAvailable: cost.throttleStatus.maximumAvailable,
        restorePerSecond: cost.throttleStatus.restoreRate,
      });
    }
    const errors = response.errors;
    if (errors?.graphQLErrors && errors.graphQLErrors.length > 0) {
      const failure = graphQLFailure(errors.graphQLErrors as GraphQLErrorJson[], cost);
      if (failure instanceof RateLimitedError) this.calls.throttled++;
      throw failure;
    }
    if (errors) {
      const failure = httpFailure(errors.networkStatusCode, errors.message, errors.response);
      if (failure instanceof RateLimitedError) this.calls.throttled++;
      throw failure;
    }
    return response.data as T;
  }
}

function networkFailure(error: unknown): TransientError {
  return new TransientError(`Shopify request failed: ${error instanceof Error ? error.message : String(error)}`, { system: SHOPIFY_SYSTEM, code: 'network_error' }, { cause: error });
}

/** Top-level GraphQL errors: the request as a whole did not run. */
export function graphQLFailure(errors: readonly GraphQLErrorJson[], cost: QueryCost | undefined): Error {
  const first = errors[0] ?? {};
  const code = first.extensions?.code ?? 'GRAPHQL_ERROR';
  const message = `Shopify answered ${code}: ${first.message ?? 'no message'}`;
  if (code === 'THROTTLED') {
    const status = cost?.throttleStatus;
    const retryAfterMs = status
      ? throttleWaitMs({ needed: cost.requestedQueryCost, currentlyAvailable: status.currentlyAvailable, restoreRate: status.restoreRate })
      : DEFAULT_RETRY_AFTER_MS;
    return new RateLimitedError(message, { system: SHOPIFY_SYSTEM, code, retryAfterMs, ...(cost && { details: { requestedQueryCost: cost.requestedQueryCost } }) });
  }
  if (code === 'INTERNAL_SERVER_ERROR' || code === 'SERVICE_UNAVAILABLE' || code === 'TIMEOUT') {
    return new TransientError(message, { system: SHOPIFY_SYSTEM, code });
  }
  if (code === 'ACCESS_DENIED') {
    // A missing access scope: the app needs to be reinstalled with it; retrying will not help.
    return new PermanentError(`${message} (check the app's access scopes, docs/connectors/shopify.md)`, { system: SHOPIFY_SYSTEM, code });
  }
  return new PermanentError(message, {
    system: SHOPIFY_SYSTEM,
    code,
    ...(first.path && { field: first.path.join('.') }),
    details: { errors: errors.slice(0, 5).map((error) => ({ message: error.message, code: error.extensions?.code })) },
  });
}

/** Answers that are not GraphQL results: the HTTP status decides. */
export function httpFailure(status: number | undefined, message: string | undefined, response: Response | undefined): Error {
  const info = { system: SHOPIFY_SYSTEM, ...(status !== undefined && { details: { status } }) };
  if (status === undefined) return new TransientError(`Shopify request failed: ${message ?? 'no answer'}`, { ...info, code: 'network_error' });
  if (status === 401) {
    return new AuthExpiredError('Shopify refused the access token (HTTP 401): the app was uninstalled or its token rotated', { ...info, code: 'http_401' });
  }
  if (status === 429) {
    const retryAfter = Number(response?.headers.get('Retry-After'));
    // Shopify's Retry-After is in seconds, possibly fractional ("2.0").
    const retryAfterMs = Number.isFinite(retryAfter) && retryAfter > 0 ? Math.ceil(retryAfter * 1000) : DEFAULT_RETRY_AFTER_MS;
    return new RateLimitedError('Shopify throttled the request (HTTP 429)', { ...info, code: 'http_429', retryAfterMs });
  }
  if (status >= 500 || status === 408) return new TransientError(`Shopify answered HTTP ${status}`, { ...info, code: `http_${status}` });
  return new PermanentError(`Shopify answered HTTP ${status}: ${message ?? ''}`.trim(), { ...info, code: `http_${status}` });
}
