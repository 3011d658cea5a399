import type { FastifyRequest } from 'fastify';
import type { M2MTokenService } from './oauth2.ts';
import type { TbaVerifier } from './tba.ts';

/**
 * Authenticates a REST web services request by its Authorization header: `OAuth ...` (TBA) or
 * `Bearer <access token>` (OAuth 2.0). Failures carry the WWW-Authenticate header NetSuite sends
 * with a 401 to bearer clients.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/subsect_158521885412.html
 */
export type AuthOutcome = { ok: true; scheme: 'tba' | 'oauth2' } | { ok: false; reason: string; wwwAuthenticate?: string };

export function authenticate(args: {
  request: FastifyRequest;
  accountId: string;
  tba: TbaVerifier;
  oauth2: M2MTokenService | undefined;
  /** Origin clients sign against (http://host:port), when it differs from the Host header. */
  publicOrigin?: string;
}): AuthOutcome {
  const header = args.request.headers.authorization;
  if (!header) return { ok: false, reason: 'no Authorization header' };
  if (/^Bearer\s/i.test(header)) {
    const token = header.replace(/^Bearer\s+/i, '').trim();
    if (args.oauth2?.validate(token)) return { ok: true, scheme: 'oauth2' };
    return {
      ok: false,
      reason: 'invalid or expired access token',
      wwwAuthenticate: `Bearer realm="${args.accountId}", error="invalid_token", error_description="Invalid login attempt."`,
    };
  }
  if (/^OAuth\s/i.test(header)) {
    const origin = args.publicOrigin ?? `${args.request.protocol}://${args.request.headers.host ?? 'localhost'}`;
    const url = new URL(args.request.url, origin);
    const contentType = args.request.headers['content-type'] ?? '';
    const formParams =
      contentType.startsWith('application/x-www-form-urlencoded') && args.request.rawBody !== undefined
        ? [...new URLSearchParams(args.request.rawBody).entries()]
        : undefined;
    const verdict = args.tba.verify({ authorization: header, method: args.request.method, url, ...(formParams ? { formParams } : {}) });
    return verdict.ok ? { ok: true, scheme: 'tba' } : { ok: false, reason: verdict.reason };
  }
  return { ok: false, reason: 'unsupported authorization scheme' };
}
