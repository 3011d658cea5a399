import { constants, createPublicKey, randomBytes, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/**
 * OAuth 2.0 client credentials (machine to machine) as NetSuite implements it: the client posts
 * `grant_type=client_credentials`, `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`
 * and a JWT signed with the private key of the certificate mapped to the integration.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_162755359851.html
 * JWT header: typ JWT, alg PS256/PS384/PS512/ES256/ES384/ES512, kid = certificate id.
 * Payload: iss = client id, scope (restlets, rest_webservices, suite_analytics), aud = token
 * endpoint, iat, exp at most 60 minutes after iat.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_162790605110.html
 */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const TOKEN_PATH = '/services/rest/auth/oauth2/v1/token';

/** Access tokens from the client credentials flow are valid for 60 minutes. */
export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 3600;
/** exp may be at most 60 minutes after iat (The Request Token Structure). */
const MAX_ASSERTION_LIFETIME_SECONDS = 3600;
const CLOCK_SKEW_SECONDS = 60;

export interface M2MCertificateMapping {
  clientId: string;
  certificateId: string;
  /** PEM of the certificate or its public key. */
  publicKeyPem: string;
}

export interface TokenError {
  /** RFC 6749 section 5.2 error code. */
  error: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type' | 'invalid_scope';
  description: string;
}

export interface IssuedToken {
  access_token: string;
  /** NetSuite sends expires_in as a string. */
  expires_in: string;
  token_type: 'Bearer';
}

interface ActiveToken {
  clientId: string;
  scopes: string[];
  expiresAt: number;
}

const ALGORITHMS: Record<string, { hash: string; kind: 'pss' | 'ec' }> = {
  PS256: { hash: 'sha256', kind: 'pss' },
  PS384: { hash: 'sha384', kind: 'pss' },
  PS512: { hash: 'sha512', kind: 'pss' },
  ES256: { hash: 'sha256', kind: 'ec' },
  ES384: { hash: 'sha384', kind: 'ec' },
  ES512: { hash: 'sha512', kind: 'ec' },
};

export class M2MTokenService {
  private readonly mappings: { mapping: M2MCertificateMapping; key: KeyObject }[];
  private readonly ttlSeconds: number;
  private readonly clock: () => number;
  private readonly tokens = new Map<string, ActiveToken>();
  private readonly usedAssertionIds = new Map<string, number>();

  constructor(options: { mappings: M2MCertificateMapping[]; accessTokenTtlSeconds?: number; clock?: () => number }) {
    this.mappings = options.mappings.map((mapping) => ({ mapping, key: createPublicKey(mapping.publicKeyPem) }));
    this.ttlSeconds = options.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS;
    this.clock = options.clock ?? Date.now;
  }

  /** Handles a token request body (already form-decoded). */
  issue(form: Record<string, unknown>): { ok: true; token: IssuedToken } | { ok: false; error: TokenError } {
    if (form.grant_type !== 'client_credentials') {
      return fail('unsupported_grant_type', 'grant_type must be client_credentials');
    }
    if (form.client_assertion_type !== JWT_BEARER_ASSERTION_TYPE) {
      return fail('invalid_request', `client_assertion_type must be ${JWT_BEARER_ASSERTION_TYPE}`);
    }
    if (typeof form.client_assertion !== 'string') return fail('invalid_request', 'client_assertion is required');
    const verdict = this.verifyAssertion(form.client_assertion);
    if (!verdict.ok) return verdict;
    const accessToken = randomBytes(32).toString('base64url');
    this.tokens.set(accessToken, {
      clientId: verdict.clientId,
      scopes: verdict.scopes,
      expiresAt: this.clock() + this.ttlSeconds * 1000,
    });
    return { ok: true, token: { access_token: accessToken, expires_in: String(this.ttlSeconds), token_type: 'Bearer' } };
  }

  /** True when the bearer token is known, unexpired and carries the rest_webservices scope. */
  validate(accessToken: string): boolean {
    const token = this.tokens.get(accessToken);
    if (!token) return false;
    if (this.clock() >= token.expiresAt) {
      this.tokens.delete(accessToken);
      return false;
    }
    return token.scopes.includes('rest_webservices');
  }

  reset(): void {
    this.tokens.clear();
    this.usedAssertionIds.clear();
  }

  private verifyAssertion(
    assertion: string,
  ): { ok: true; clientId: string; scopes: string[] } | { ok: false; error: TokenError } {
    const parts = assertion.split('.');
    if (parts.length !== 3) return fail('invalid_request', 'client_assertion is not a JWT');
    const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
    const header = decodeJson(headerPart);
    const payload = decodeJson(payloadPart);
    if (!header || !payload) return fail('invalid_request', 'client_assertion is not a JWT');
    const algorithm = typeof header.alg === 'string' ? ALGORITHMS[header.alg] : undefined;
    if (!algorithm) return fail('invalid_client', `alg must be one of ${Object.keys(ALGORITHMS).join(', ')}`);
    const entry = this.mappings.find(({ mapping }) => mapping.certificateId === header.kid);
    if (!entry) return fail('invalid_client', 'kid does not match a certificate mapped to an integration');
    const signed = Buffer.from(`${headerPart}.${payloadPart}`);
    const signature = Buffer.from(signaturePart, 'base64url');
    const valid =
      algorithm.kind === 'pss'
        ? verify(algorithm.hash, signed, { key: entry.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, signature)
        : verify(algorithm.hash, signed, { key: entry.key, dsaEncoding: 'ieee-p1363' }, signature);
    if (!valid) return fail('invalid_client', 'client_assertion signature does not verify with the mapped certificate');
    if (payload.iss !== entry.mapping.clientId) return fail('invalid_client', 'iss must be the client id of the integration');
    if (typeof payload.aud !== 'string' || !payload.aud.endsWith(TOKEN_PATH)) {
      return fail('invalid_grant', `aud must be the token endpoint (…${TOKEN_PATH})`);
    }
    const now = Math.floor(this.clock() / 1000);
    const { iat, exp } = payload;
    if (typeof iat !== 'number' || typeof exp !== 'number') return fail('invalid_grant', 'iat and exp are required');
    if (exp <= now) return fail('invalid_grant', 'client_assertion has expired');
    if (iat > now + CLOCK_SKEW_SECONDS) return fail('invalid_grant', 'iat is in the future');
    if (exp - iat > MAX_ASSERTION_LIFETIME_SECONDS) return fail('invalid_grant', 'exp must be less than 60 minutes after iat');
    const scopes = parseScopes(payload.scope);
    if (scopes.length === 0) return fail('invalid_scope', 'scope must name restlets, rest_webservices or suite_analytics');
    if (typeof payload.jti === 'string') {
      const key = `${entry.mapping.clientId}:${payload.jti}`;
      if (this.usedAssertionIds.has(key)) return fail('invalid_grant', 'client_assertion was already used');
      this.usedAssertionIds.set(key, exp);
    }
    return { ok: true, clientId: entry.mapping.clientId, scopes };
  }
}

const KNOWN_SCOPES = new Set(['restlets', 'rest_webservices', 'suite_analytics']);

function parseScopes(scope: unknown): string[] {
  const raw = Array.isArray(scope) ? scope.map(String) : typeof scope === 'string' ? scope.split(/[\s,]+/) : [];
  return raw.filter((s) => KNOWN_SCOPES.has(s));
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function fail(error: TokenError['error'], description: string): { ok: false; error: TokenError } {
  return { ok: false, error: { error, description } };
}
