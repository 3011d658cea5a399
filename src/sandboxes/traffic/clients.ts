import { tbaClient } from '../netsuite/index.ts';
import type { SandboxDirectory } from '../run-all.ts';

/** What a system answered: the HTTP status and the parsed body (text when not JSON). */
export interface SystemReply {
  status: number;
  body: unknown;
}

/** The hub's inbound event endpoint the POS posts to (`POST <url>/events`). */
export interface HubEndpoint {
  url: string;
  /** Sent as `Authorization: Bearer <apiKey>` when the hub requires one. */
  apiKey?: string;
}

/** The system could not be reached at all (connection refused, reset): a transient failure. */
export class SystemUnreachableError extends Error {
  constructor(
    readonly system: string,
    cause: unknown,
  ) {
    super(`${system} could not be reached: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'SystemUnreachableError';
  }
}

/**
 * Attempts per request when throttled (429), as the vendors' own clients do (jsforce,
 * stripe-node). A flash sale sends many shoppers at once: they all get the same Retry-After,
 * so each wait adds a little jitter, or they would all come back in the same millisecond and
 * be refused together again.
 */
const THROTTLED_ATTEMPTS = 5;
const MAX_RETRY_AFTER_MS = 2_000;
const RETRY_JITTER_MS = 250;

async function send(system: string, url: string, init: RequestInit, attempt = 1): Promise<SystemReply> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw new SystemUnreachableError(system, error);
  }
  if (response.status === 429 && attempt < THROTTLED_ATTEMPTS) {
    await response.arrayBuffer();
    const retryAfterSeconds = Number(response.headers.get('retry-after') ?? '1');
    const waitMs = Math.min(MAX_RETRY_AFTER_MS, Number.isFinite(retryAfterSeconds) ? retryAfterSeconds * 1000 : 1000) + Math.random() * RETRY_JITTER_MS;
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    return send(system, url, init, attempt + 1);
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    // Not JSON (e.g. an HTML error page from a proxy): keep the text.
  }
  return { status: response.status, body };
}

const json = (body: unknown): RequestInit => ({ body: JSON.stringify(body) });

/**
 * The calls the traffic generator makes, one small client per system, each with the system's own
 * auth: Salesforce OAuth 2.0 client credentials, NetSuite TBA (HMAC-SHA256), the Shopify Admin
 * API access token, the WMS API key and the Stripe-style secret key.
 */
export class SystemClients {
  private salesforceToken: Promise<string> | undefined;
  private readonly netsuiteCall: ReturnType<typeof tbaClient>;

  constructor(
    readonly directory: SandboxDirectory,
    readonly hub?: HubEndpoint,
  ) {
    this.netsuiteCall = tbaClient({ baseUrl: directory.netsuite.url, credentials: directory.netsuite.tba });
  }

  /** Salesforce REST under /services/data/vXX.X; a 401 gets one new token and one retry. */
  async salesforce(method: string, path: string, body?: unknown): Promise<SystemReply> {
    const { url, apiVersion } = this.directory.salesforce;
    const call = async (token: string) =>
      send('salesforce', `${url}/services/data/v${apiVersion}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
        ...(body === undefined ? {} : json(body)),
      });
    const reply = await call(await this.salesforceAccessToken());
    if (reply.status !== 401) return reply;
    this.salesforceToken = undefined;
    return call(await this.salesforceAccessToken());
  }

  private salesforceAccessToken(): Promise<string> {
    this.salesforceToken ??= (async () => {
      const { loginUrl, clientId, clientSecret } = this.directory.salesforce;
      const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret });
      const reply = await send('salesforce', `${loginUrl}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
      const token = (reply.body as { access_token?: unknown } | null)?.access_token;
      if (reply.status !== 200 || typeof token !== 'string') {
        this.salesforceToken = undefined;
        throw new SystemUnreachableError('salesforce', new Error(`token request answered ${reply.status}`));
      }
      return token;
    })();
    return this.salesforceToken;
  }

  /** NetSuite REST record API, TBA-signed. */
  async netsuite(method: string, path: string, body?: unknown): Promise<SystemReply> {
    let response: Response;
    try {
      response = await this.netsuiteCall(method, `/services/rest${path}`, body === undefined ? {} : { body });
    } catch (error) {
      throw new SystemUnreachableError('netsuite', error);
    }
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : safeJson(text) };
  }

  /** Shopify Admin GraphQL. */
  shopifyGraphql(query: string, variables: Record<string, unknown> = {}): Promise<SystemReply> {
    const { url, apiVersion, accessToken } = this.directory.shopify;
    return send('shopify', `${url}/admin/api/${apiVersion}/graphql.json`, {
      method: 'POST',
      headers: { 'x-shopify-access-token': accessToken, 'content-type': 'application/json' },
      ...json({ query, variables }),
    });
  }

  /** Shopify sandbox admin route: what the storefront does at checkout. */
  shopifyStorefrontCheckout(order: unknown): Promise<SystemReply> {
    return send('shopify', `${this.directory.shopify.url}/__sandbox/shopify/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      ...json(order),
    });
  }

  wms(method: string, path: string, body?: unknown): Promise<SystemReply> {
    return send('wms', `${this.directory.wms.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.directory.wms.apiKey}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : json(body)),
    });
  }

  /** Stripe-style form POST with an Idempotency-Key. */
  payments(path: string, form: Record<string, string>, idempotencyKey: string): Promise<SystemReply> {
    return send('payments', `${this.directory.payments.url}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${this.directory.payments.secretKey}`,
        'content-type': 'application/x-www-form-urlencoded',
        'idempotency-key': idempotencyKey,
      },
      body: new URLSearchParams(form).toString(),
    });
  }

  /** A CloudEvent in structured content mode to the hub's inbound endpoint. */
  hubEvent(event: Record<string, unknown>): Promise<SystemReply> {
    if (!this.hub) throw new Error('no hub endpoint configured');
    return send('hub', `${this.hub.url.replace(/\/$/, '')}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json', ...(this.hub.apiKey ? { authorization: `Bearer ${this.hub.apiKey}` } : {}) },
      ...json(event),
    });
  }

  /** Reads and replaces a sandbox's faults through its admin route (`/__sandbox/faults`). */
  async updateFaults(system: 'netsuite', change: (faults: Record<string, unknown>) => Record<string, unknown>): Promise<SystemReply> {
    const url = `${this.directory[system].url}/__sandbox/faults`;
    const current = await send(system, url, { method: 'GET' });
    const faults = typeof current.body === 'object' && current.body !== null ? (current.body as Record<string, unknown>) : {};
    return send(system, url, { method: 'PUT', headers: { 'content-type': 'application/json' }, ...json(change(faults)) });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
