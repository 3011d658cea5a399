import { constants, generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { JWT_BEARER_ASSERTION_TYPE, M2MTokenService, TOKEN_PATH } from './oauth2.ts';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const aud = `https://1234567.suitetalk.api.netsuite.com${TOKEN_PATH}`;
const nowSeconds = 1_700_000_000;

function jwt(args: { alg: string; kid: string; key: KeyObject; payload?: Record<string, unknown> }): string {
  const header = Buffer.from(JSON.stringify({ typ: 'JWT', alg: args.alg, kid: args.kid })).toString('base64url');
  const payload = Buffer.from(
    JSON.stringify({ iss: 'client-1', scope: ['rest_webservices'], aud, iat: nowSeconds, exp: nowSeconds + 3000, ...args.payload }),
  ).toString('base64url');
  const input = Buffer.from(`${header}.${payload}`);
  const signature = args.alg.startsWith('PS')
    ? sign('sha256', input, { key: args.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST })
    : args.alg.startsWith('ES')
      ? sign('sha256', input, { key: args.key, dsaEncoding: 'ieee-p1363' })
      : sign('sha256', input, args.key);
  return `${header}.${payload}.${signature.toString('base64url')}`;
}

function service(clock: () => number, ttl?: number): M2MTokenService {
  return new M2MTokenService({
    mappings: [
      { clientId: 'client-1', certificateId: 'cert-rsa', publicKeyPem: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
      { clientId: 'client-1', certificateId: 'cert-ec', publicKeyPem: ec.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
    ],
    clock,
    ...(ttl !== undefined ? { accessTokenTtlSeconds: ttl } : {}),
  });
}

const form = (assertion: string) => ({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER_ASSERTION_TYPE, client_assertion: assertion });

describe('M2MTokenService (OAuth 2.0 client credentials)', () => {
  it('issues a 60-minute bearer token for a PS256 assertion and an ES256 assertion', () => {
    const tokens = service(() => nowSeconds * 1000);
    for (const [alg, kid, key] of [['PS256', 'cert-rsa', rsa.privateKey], ['ES256', 'cert-ec', ec.privateKey]] as const) {
      const outcome = tokens.issue(form(jwt({ alg, kid, key })));
      expect(outcome.ok).toBe(true);
      if (!outcome.ok) continue;
      expect(outcome.token).toMatchObject({ token_type: 'Bearer', expires_in: '3600' });
      expect(tokens.validate(outcome.token.access_token)).toBe(true);
    }
  });

  it('expires the access token after its configured lifetime', () => {
    let now = nowSeconds * 1000;
    const tokens = service(() => now, 60);
    const outcome = tokens.issue(form(jwt({ alg: 'PS256', kid: 'cert-rsa', key: rsa.privateKey })));
    if (!outcome.ok) throw new Error('token refused');
    now += 59_000;
    expect(tokens.validate(outcome.token.access_token)).toBe(true);
    now += 1_000;
    expect(tokens.validate(outcome.token.access_token)).toBe(false);
  });

  it('refuses a forged signature, an unknown kid, RS256, a wrong issuer and a too long assertion', () => {
    const tokens = service(() => nowSeconds * 1000);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const refused = (assertion: string) => {
      const outcome = tokens.issue(form(assertion));
      return outcome.ok ? 'issued' : outcome.error.error;
    };
    expect(refused(jwt({ alg: 'PS256', kid: 'cert-rsa', key: other }))).toBe('invalid_client');
    expect(refused(jwt({ alg: 'PS256', kid: 'cert-unknown', key: rsa.privateKey }))).toBe('invalid_client');
    expect(refused(jwt({ alg: 'RS256', kid: 'cert-rsa', key: rsa.privateKey }))).toBe('invalid_client');
    expect(refused(jwt({ alg: 'PS256', kid: 'cert-rsa', key: rsa.privateKey, payload: { iss: 'client-2' } }))).toBe('invalid_client');
    expect(refused(jwt({ alg: 'PS256', kid: 'cert-rsa', key: rsa.privateKey, payload: { exp: nowSeconds + 3601 } }))).toBe('invalid_grant');
    expect(refused(jwt({ alg: 'PS256', kid: 'cert-rsa', key: rsa.privateKey, payload: { scope: 'restlets' } }))).toBe('issued');
    expect(tokens.issue({ ...form('x.y.z'), grant_type: 'password' })).toMatchObject({ ok: false, error: { error: 'unsupported_grant_type' } });
  });

  it('does not let a token without the rest_webservices scope call REST web services', () => {
    const tokens = service(() => nowSeconds * 1000);
    const outcome = tokens.issue(form(jwt({ alg: 'PS256', kid: 'cert-rsa', key: rsa.privateKey, payload: { scope: 'restlets' } })));
    if (!outcome.ok) throw new Error('token refused');
    expect(tokens.validate(outcome.token.access_token)).toBe(false);
  });
});
