import { outboundTraceHeaders } from '../../observability/traceparent.ts';
import { TransientError } from '../../runtime/errors.ts';
import type { NetSuiteAuth } from './auth.ts';
import { failureOf, NETSUITE_SYSTEM } from './failures.ts';
import type { AccountSlots } from './limits.ts';

export interface NetSuiteResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export interface NetSuiteRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Below the base URL, e.g. `/services/rest/record/v1/salesOrder/eid:WEB-1`. */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface SuiteQlPage {
  items: Record<string, string>[];
  hasMore: boolean;
  totalResults?: number;
}

/**
 * HTTP to NetSuite REST web services: signs each request, holds one of the connector's
 * concurrency slots while it is in flight, refreshes credentials once on a 401, and turns
 * failures into typed errors. Everything else (which record, which body) is the caller's.
 */
export class NetSuiteClient {
  constructor(
    private readonly options: {
      baseUrl: string;
      auth: NetSuiteAuth;
      slots: AccountSlots;
      timeoutMs: number;
      fetch: typeof fetch;
    },
  ) {}

  async send(request: NetSuiteRequest): Promise<NetSuiteResponse> {
    const url = new URL(`${this.options.baseUrl}${request.path}`);
    for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
    const label = `${request.method} ${request.path}`;
    // One retry after a 401: a cached token may have expired or been revoked early.
    for (let attempt = 1; ; attempt++) {
      const authorization = await this.options.auth.authorization({ method: request.method, url });
      const response = await this.once(url, request, authorization, label);
      if (response.status === 401 && attempt === 1) {
        this.options.auth.refused(authorization);
        continue;
      }
      if (response.status >= 200 && response.status < 300) return response;
      throw failureOf({ status: response.status, body: response.body, headers: response.headers, request: label });
    }
  }

  /** Upsert by external id: `PUT /record/v1/{type}/eid:{externalId}`; answers the internal id. */
  async upsert(args: { type: string; externalId: string; body: Record<string, unknown>; replace?: readonly string[]; signal?: AbortSignal }): Promise<string> {
    const response = await this.send({
      method: 'PUT',
      path: recordPath(args.type, `eid:${args.externalId}`),
      ...(args.replace?.length ? { query: { replace: args.replace.join(',') } } : {}),
      body: args.body,
      ...(args.signal && { signal: args.signal }),
    });
    return internalIdOf(response, args.type);
  }

  /**
   * Update by internal id: `PATCH /record/v1/{type}/{id}`; omitted fields stay as they are, and a
   * missing record is a 404 `NONEXISTENT_ID` (never a create). Answers the internal id.
   * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1545142173.html
   */
  async update(args: { type: string; id: string; body: Record<string, unknown>; signal?: AbortSignal }): Promise<string> {
    await this.send({ method: 'PATCH', path: recordPath(args.type, args.id), body: args.body, ...(args.signal && { signal: args.signal }) });
    return args.id;
  }

  /** A record by external id, or undefined when there is none. */
  async findByExternalId(args: { type: string; externalId: string; signal?: AbortSignal }): Promise<{ id: string } | undefined> {
    try {
      const response = await this.send({ method: 'GET', path: recordPath(args.type, `eid:${args.externalId}`), ...(args.signal && { signal: args.signal }) });
      const id = (response.body as { id?: unknown }).id;
      return { id: String(id) };
    } catch (error) {
      if ((error as { code?: string }).code === 'NONEXISTENT_ID') return undefined;
      throw error;
    }
  }

  /**
   * A record with its sublist lines inlined (`?expandSubResources=true`; without it a sublist is
   * only a link), by internal id or `eid:`; undefined when there is none (404 `NONEXISTENT_ID`).
   */
  async read(args: { type: string; id: string; signal?: AbortSignal }): Promise<Record<string, unknown> | undefined> {
    try {
      const response = await this.send({ method: 'GET', path: recordPath(args.type, args.id), query: { expandSubResources: 'true' }, ...(args.signal && { signal: args.signal }) });
      return response.body as Record<string, unknown>;
    } catch (error) {
      if ((error as { code?: string }).code === 'NONEXISTENT_ID') return undefined;
      throw error;
    }
  }

  /** `POST /record/v1/{type}/{id}/!transform/{target}`: a new record created from another. */
  async transform(args: { type: string; id: string; target: string; body: Record<string, unknown>; idempotencyKey: string; signal?: AbortSignal }): Promise<string> {
    const response = await this.send({
      method: 'POST',
      path: `${recordPath(args.type, args.id)}/!transform/${args.target}`,
      body: args.body,
      headers: { 'X-NetSuite-Idempotency-Key': args.idempotencyKey },
      ...(args.signal && { signal: args.signal }),
    });
    return internalIdOf(response, args.target);
  }

  /** One page of a SuiteQL query (`Prefer: transient`, at most 1,000 rows). */
  async suiteql(args: { q: string; limit: number; offset: number; signal?: AbortSignal }): Promise<SuiteQlPage> {
    const response = await this.send({
      method: 'POST',
      path: '/services/rest/query/v1/suiteql',
      query: { limit: String(args.limit), offset: String(args.offset) },
      headers: { Prefer: 'transient' },
      body: { q: args.q },
      ...(args.signal && { signal: args.signal }),
    });
    const body = response.body as { items?: Record<string, string>[]; hasMore?: boolean; totalResults?: number };
    return { items: (body.items ?? []).map(({ links: _links, ...row }) => row), hasMore: body.hasMore === true, ...(body.totalResults !== undefined && { totalResults: body.totalResults }) };
  }

  private async once(url: URL, request: NetSuiteRequest, authorization: string, label: string): Promise<NetSuiteResponse> {
    await this.options.slots.acquire(request.signal);
    try {
      const timeout = AbortSignal.timeout(this.options.timeoutMs);
      const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
      const headers: Record<string, string> = { Authorization: authorization, Accept: 'application/json', ...outboundTraceHeaders(), ...request.headers };
      if (request.body !== undefined) headers['Content-Type'] = 'application/json';
      const response = await this.options.fetch(url, {
        method: request.method,
        headers,
        ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
        signal,
      });
      const text = await response.text();
      let body: unknown = undefined;
      if (text.length > 0) {
        try {
          body = JSON.parse(text);
        } catch {
          body = { 'o:errorDetails': [{ detail: text.slice(0, 500), 'o:errorCode': `HTTP_${response.status}` }] };
        }
      }
      return { status: response.status, headers: response.headers, body };
    } catch (error) {
      throw new TransientError(`netsuite ${label}: no answer (${(error as Error).message})`, { system: NETSUITE_SYSTEM, code: 'NETWORK_ERROR' }, { cause: error });
    } finally {
      this.options.slots.release();
    }
  }
}

/** Record URLs: NetSuite takes `eid:` external ids and internal ids in the same position. */
export function recordPath(type: string, id: string): string {
  return `/services/rest/record/v1/${type}/${encodeURIComponent(id).replace(/%3A/gi, ':')}`;
}

/** The internal id at the end of the `Location` header of a 204 (`.../salesorder/123`). */
function internalIdOf(response: NetSuiteResponse, type: string): string {
  const location = response.headers.get('location');
  const id = location?.split('/').pop();
  if (!id) throw new TransientError(`netsuite: a ${type} write answered ${response.status} without a Location header`, { system: NETSUITE_SYSTEM, code: 'NO_LOCATION' });
  return id;
}
