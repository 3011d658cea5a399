import { createPrivateKey, sign } from 'node:crypto';
import { AuthExpiredError, RateLimitedError, TransientError } from '../../runtime/errors.ts';

/**
 * How the hub logs in to the org, as a connected app (see docs/connectors/salesforce.md).
 *
 * - JWT bearer (server-to-server, no secret on the wire): the connected app holds the
 *   certificate, the hub the private key; the assertion names the pre-authorized user.
 *   https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm
 * - Client credentials: consumer key + secret; the session runs as the app's "Run As" user.
 *   Token requests go to the org's My Domain URL.
 *   https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_client_credentials_flow.htm
 */
export type SalesforceCredentials =
  | {
      flow: 'jwt-bearer';
      /** Consumer key of the connected app (the assertion's `iss`). */
      clientId: string;
      /** The integration user (the assertion's `sub`). */
      username: string;
      /** PEM private key matching the certificate uploaded to the connected app. */
      privateKey: string;
      /** `aud`: https://login.salesforce.com, https://test.salesforce.com, or the sandbox URL. Default: the login URL. */
      audience?: string;
    }
  | { flow: 'client-credentials'; clientId: string; clientSecret: string };

/** Salesforce accepts an assertion whose `exp` is at most 3 minutes ahead. */
const ASSERTION_LIFETIME_SECONDS = 180;

/** Signs a JWT bearer assertion (RS256 over `header.claims`, base64url), as the OAuth flow requires. */
export function signJwtAssertion(args: { privateKey: string; clientId: string; username: string; audience: string; now: number }): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = { iss: args.clientId, sub: args.username, aud: args.audience, exp: Math.floor(args.now / 1000) + ASSERTION_LIFETIME_SECONDS };
  const signingInput = `${encode({ alg: 'RS256' })}.${encode(claims)}`;
  const signature = sign('RSA-SHA256', Buffer.from(signingInput), createPrivateKey(args.privateKey));
  return `${signingInput}.${signature.toString('base64url')}`;
}

export interface SalesforceSession {
  accessToken: string;
  instanceUrl: string;
}

/**
 * Asks the token endpoint (`POST <login URL>/services/oauth2/token`) for a session. Done with
 * fetch rather than jsforce's OAuth2 class so that the answer's status and `Retry-After` are
 * known: a throttled or unavailable login must be retried later, and a refused one must say
 * what to fix in the connected app.
 */
export async function requestSession(args: { loginUrl: string; credentials: SalesforceCredentials; now: number; timeoutMs: number }): Promise<SalesforceSession> {
  const { credentials } = args;
  const form: Record<string, string> =
    credentials.flow === 'client-credentials'
      ? { grant_type: 'client_credentials', client_id: credentials.clientId, client_secret: credentials.clientSecret }
      : {
          grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          assertion: signJwtAssertion({ privateKey: credentials.privateKey, clientId: credentials.clientId, username: credentials.username, audience: credentials.audience ?? args.loginUrl, now: args.now }),
        };
  const url = `${args.loginUrl.replace(/\/+$/, '')}/services/oauth2/token`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(args.timeoutMs),
    });
  } catch (error) {
    throw new TransientError(`Salesforce login (${credentials.flow}) at ${url} got no answer: ${(error as Error).message}`, { system: 'salesforce', code: 'NETWORK' }, { cause: error });
  }
  const text = await response.text();
  let body: Record<string, unknown> | undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    body = Array.isArray(parsed) ? (parsed[0] as Record<string, unknown>) : (parsed as Record<string, unknown>);
  } catch {
    body = undefined;
  }
  if (response.ok && typeof body?.access_token === 'string' && typeof body.instance_url === 'string') {
    return { accessToken: body.access_token, instanceUrl: body.instance_url };
  }
  const code = String(body?.error ?? body?.errorCode ?? `HTTP_${response.status}`);
  const reason = String(body?.error_description ?? body?.message ?? text.slice(0, 200));
  const message = `Salesforce login (${credentials.flow}, client ${credentials.clientId}) refused: ${code}: ${reason}`;
  const info = { system: 'salesforce', code, details: { status: response.status } };
  if (response.status === 429 || code === 'REQUEST_LIMIT_EXCEEDED') {
    const retryAfter = Number(response.headers.get('retry-after'));
    throw new RateLimitedError(message, { ...info, retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 1_000 });
  }
  if (response.status >= 500) throw new TransientError(message, info);
  // invalid_grant / invalid_client: the connected app, certificate, user or secret needs fixing.
  // Not a dead letter for every queued record: an auth failure the engine retries with backoff.
  throw new AuthExpiredError(`${message} (check the connected app, its certificate or secret, and that the user is pre-authorized)`, info);
}
