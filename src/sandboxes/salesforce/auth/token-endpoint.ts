import { createHmac, timingSafeEqual } from 'node:crypto';
import type { OrgUser, SalesforceOrg } from '../org.ts';
import type { ConnectedAppConfig } from '../options.ts';
import { publicKeyFromPem, verifyAssertion } from './jwt.ts';

/**
 * `POST /services/oauth2/token` for the two server-to-server flows Crossdock uses:
 * - `client_credentials` (consumer key + secret; the session runs as the app's "Run As" user)
 *   https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_client_credentials_flow.htm
 * - `urn:ietf:params:oauth:grant-type:jwt-bearer` (RS256 assertion signed with the key of the
 *   app's certificate) https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm
 * Failures answer the OAuth error shape `{ error, error_description }` with HTTP 400.
 */
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Allowed clock skew when checking `exp`, as OAuth servers commonly allow. */
const EXP_LEEWAY_SECONDS = 5;

export interface TokenResult {
  status: number;
  body: Record<string, unknown>;
}

const oauthError = (error: string, description: string, status = 400): TokenResult => ({
  status,
  body: { error, error_description: description },
});

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function requestToken(args: { org: SalesforceOrg; params: Record<string, unknown>; instanceUrl: string }): TokenResult {
  const { org, params, instanceUrl } = args;
  const grantType = typeof params.grant_type === 'string' ? params.grant_type : '';
  if (grantType === 'client_credentials') return clientCredentials(org, params, instanceUrl);
  if (grantType === JWT_BEARER_GRANT) return jwtBearer(org, params, instanceUrl);
  return oauthError('unsupported_grant_type', 'grant type not supported');
}

function findApp(org: SalesforceOrg, clientId: unknown): ConnectedAppConfig | undefined {
  return typeof clientId === 'string' ? org.connectedApps.find((app) => app.clientId === clientId) : undefined;
}

function clientCredentials(org: SalesforceOrg, params: Record<string, unknown>, instanceUrl: string): TokenResult {
  const app = findApp(org, params.client_id);
  const secret = typeof params.client_secret === 'string' ? params.client_secret : '';
  if (!app || !app.clientSecret || !sameSecret(secret, app.clientSecret)) {
    return oauthError('invalid_client', 'invalid client credentials');
  }
  const user = app.clientCredentialsUser ? org.user(app.clientCredentialsUser) : undefined;
  if (!user) return oauthError('invalid_grant', 'no client credentials user enabled');
  return issue(org, app, user, instanceUrl);
}

function jwtBearer(org: SalesforceOrg, params: Record<string, unknown>, instanceUrl: string): TokenResult {
  const assertion = typeof params.assertion === 'string' ? params.assertion : '';
  if (!assertion) return oauthError('invalid_request', 'assertion is required');
  const unverified = peekIssuer(assertion);
  const app = findApp(org, unverified);
  if (!app) return oauthError('invalid_client_id', 'client identifier invalid');
  if (!app.certificate) return oauthError('invalid_grant', 'invalid assertion');
  const check = verifyAssertion(assertion, publicKeyFromPem(app.certificate));
  if (!check.ok) return oauthError('invalid_grant', 'invalid assertion');
  const { claims } = check;
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  const accepted = acceptedAudiences(instanceUrl);
  if (!audiences.some((aud) => accepted.has(aud.replace(/\/$/, '')))) return oauthError('invalid_grant', 'audience is invalid');
  if (claims.exp + EXP_LEEWAY_SECONDS < Math.floor(org.clock() / 1000)) return oauthError('invalid_grant', 'expired authorization code');
  const user = org.user(claims.sub);
  if (!user) return oauthError('invalid_grant', 'user hasn\'t approved this consumer');
  const approved = app.preAuthorizedUsers?.some((name) => name.toLowerCase() === user.username.toLowerCase()) ?? true;
  if (!approved) return oauthError('invalid_grant', 'user hasn\'t approved this consumer');
  return issue(org, app, user, instanceUrl);
}

/** The sandbox's own URL stands for the login URL; the real ones are accepted too. */
function acceptedAudiences(instanceUrl: string): Set<string> {
  return new Set([instanceUrl, 'https://login.salesforce.com', 'https://test.salesforce.com']);
}

function peekIssuer(assertion: string): unknown {
  try {
    const claims = JSON.parse(Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iss?: unknown };
    return claims.iss;
  } catch {
    return undefined;
  }
}

function issue(org: SalesforceOrg, app: ConnectedAppConfig, user: OrgUser, instanceUrl: string): TokenResult {
  const now = org.clock();
  const session = org.sessions.issue({ username: user.username, userId: user.userId, clientId: app.clientId, now });
  const id = `${instanceUrl}/id/${org.orgId}/${user.userId}`;
  const issuedAt = String(now);
  // Salesforce signs id + issued_at with the consumer secret (HMAC-SHA256, base64).
  const signature = createHmac('sha256', app.clientSecret ?? app.clientId).update(id + issuedAt).digest('base64');
  return {
    status: 200,
    body: { access_token: session.accessToken, signature, scope: 'api', instance_url: instanceUrl, id, token_type: 'Bearer', issued_at: issuedAt },
  };
}
