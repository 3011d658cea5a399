import jsforce from 'jsforce';
import type { HttpMethods, HttpRequest, HttpRequestOptions, HttpResponse } from 'jsforce';
import { Transport } from 'jsforce/lib/transport.js';
import type { StreamPromise } from 'jsforce';
import type { Logger } from '../../observability/logger.ts';
import { outboundTraceHeaders } from '../../observability/traceparent.ts';
import type { QuotaSignal } from '../../runtime/delivery/budget.ts';
import { AuthExpiredError } from '../../runtime/errors.ts';
import { requestSession, type SalesforceCredentials } from './auth.ts';
import { requestFailure } from './failures.ts';
import { parseLimitInfo } from './limits.ts';

/** API version the connector speaks (Winter '25); any org on a newer release serves it too. */
export const SALESFORCE_API_VERSION = '62.0';

export interface SalesforceClientOptions {
  /** https://login.salesforce.com, https://test.salesforce.com, a My Domain URL, or a sandbox's `url`. */
  loginUrl: string;
  credentials: SalesforceCredentials;
  apiVersion?: string;
  timeoutMs?: number;
  clock?: () => number;
  logger?: Pick<Logger, 'warn' | 'info'>;
}

export interface RestCall {
  method: HttpMethods;
  /** Relative to `/services/data/vXX.X` (e.g. `/composite`), or absolute from the host (`/services/data/...`). */
  path: string;
  body?: unknown;
  /** What the call does, for error messages: `upsert 200 Account`. */
  what: string;
  headers?: Record<string, string>;
}

/**
 * Records the answer of one exchange. jsforce keeps response headers to itself (it parses only
 * Sforce-Limit-Info, into a connection-wide field that concurrent requests overwrite); the
 * connector needs each request's own `Sforce-Limit-Info` and `Retry-After`.
 */
class RecordingTransport extends Transport {
  response: HttpResponse | undefined;
  override httpRequest(request: HttpRequest, options?: HttpRequestOptions): StreamPromise<HttpResponse> {
    const promise = super.httpRequest(request, options);
    promise.then(
      (response) => {
        this.response = response;
      },
      () => undefined,
    );
    return promise;
  }
}

/**
 * The org's REST API through jsforce: logs in (JWT bearer or client credentials), refreshes the
 * session once on 401 INVALID_SESSION_ID and retries that request once, reads each answer's
 * `Sforce-Limit-Info`, and turns failures into the hub's typed errors. jsforce's own retries
 * (GET/PUT/DELETE on 429/5xx) are switched off: the delivery engine decides when to retry.
 */
export class SalesforceClient {
  readonly conn: jsforce.Connection;
  readonly apiVersion: string;
  /** Requests sent (token requests excluded) and logins, for tests and benchmarks. */
  readonly calls = { requests: 0, logins: 0 };
  /** The org's last reported use of its daily allocation. */
  lastUsage: { used: number; limit: number } | undefined;
  private login: Promise<void> | undefined;
  private readonly clock: () => number;

  constructor(private readonly options: SalesforceClientOptions) {
    this.apiVersion = options.apiVersion ?? SALESFORCE_API_VERSION;
    this.clock = options.clock ?? Date.now;
    this.conn = new jsforce.Connection({ loginUrl: options.loginUrl, version: this.apiVersion });
  }

  /** The REST base path of the API version, e.g. `/services/data/v62.0`. */
  get basePath(): string {
    return `/services/data/v${this.apiVersion}`;
  }

  /** An authorized connection (for jsforce helpers such as Bulk API 2.0). */
  async connection(): Promise<jsforce.Connection> {
    if (!this.conn.accessToken) await this.refreshSession(undefined);
    return this.conn;
  }

  /** Logs in again unless another caller already replaced the token that failed. */
  async refreshSession(failedToken: string | undefined): Promise<void> {
    if (this.login) return this.login;
    if (failedToken !== undefined && this.conn.accessToken && this.conn.accessToken !== failedToken) return;
    this.login = (async () => {
      try {
        const session = await requestSession({ loginUrl: this.options.loginUrl, credentials: this.options.credentials, now: this.clock(), timeoutMs: this.options.timeoutMs ?? 60_000 });
        this.conn.accessToken = session.accessToken;
        this.conn.instanceUrl = session.instanceUrl;
        this.calls.logins++;
      } finally {
        this.login = undefined;
      }
    })();
    return this.login;
  }

  /**
   * Sends one REST call and answers its parsed body. `onQuota` receives the org's own
   * `Sforce-Limit-Info` figures from the answer (errors included).
   */
  async request<T>(call: RestCall, onQuota?: (signal: QuotaSignal) => void): Promise<T> {
    await this.connection();
    const token = this.conn.accessToken ?? undefined;
    try {
      return await this.send<T>(call, onQuota);
    } catch (error) {
      if (!(error instanceof AuthExpiredError)) throw error;
      // Refresh once and retry once; a second 401 goes to the engine as AuthExpiredError.
      await this.refreshSession(token);
      return this.send<T>(call, onQuota);
    }
  }

  private async send<T>(call: RestCall, onQuota?: (signal: QuotaSignal) => void): Promise<T> {
    const transport = new RecordingTransport();
    const url = call.path.startsWith('/services/') ? call.path : `${this.basePath}${call.path}`;
    const request: HttpRequest = {
      method: call.method,
      url,
      // The delivery span's traceparent (none when tracing is off): Salesforce ignores it, but a
      // proxy or API gateway in front of the org (and Event Monitoring's logs) can join the trace.
      headers: { 'Content-Type': 'application/json', ...outboundTraceHeaders(), ...call.headers },
      ...(call.body !== undefined && { body: JSON.stringify(call.body) }),
    };
    const options = { transport, retry: { maxRetries: 0 }, timeout: this.options.timeoutMs ?? 60_000 };
    this.calls.requests++;
    try {
      return (await this.conn.request<T>(request, options)) as T;
    } catch (error) {
      const failure = requestFailure({ error, status: transport.response?.statusCode, headers: transport.response?.headers ?? {}, what: `Salesforce ${call.what}` });
      if (failure.code === 'REQUEST_LIMIT_EXCEEDED' && transport.response?.statusCode === 403) {
        this.options.logger?.warn(
          { system: 'salesforce', usage: this.lastUsage, retryAfterMs: (failure as { retryAfterMs?: number }).retryAfterMs },
          'Salesforce daily API request allocation exhausted (REQUEST_LIMIT_EXCEEDED): deliveries to the org pause; raise the allocation or lower other integrations\' use',
        );
      }
      throw failure;
    } finally {
      const usage = parseLimitInfo(transport.response?.headers['sforce-limit-info']);
      if (usage) {
        this.lastUsage = { used: usage.used, limit: usage.limit };
        onQuota?.(usage);
      }
    }
  }
}
