import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Bearer API keys for inbound sources (RFC 6750 section 2.1: `Authorization: Bearer <token>`).
 * Keys are compared as SHA-256 digests with a constant-time comparison, so neither the content
 * nor the length of a configured key leaks through response timing.
 */
export const ApiKeyCheck = { accepted: 'accepted', missing: 'missing', invalid: 'invalid' } as const;
export type ApiKeyCheck = (typeof ApiKeyCheck)[keyof typeof ApiKeyCheck];

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export interface ApiKeyVerifier {
  check(authorization: string | undefined): ApiKeyCheck;
}

/**
 * @example
 * const verifier = createApiKeyVerifier(['pos-store-0042-key']);
 * verifier.check('Bearer pos-store-0042-key'); // 'accepted'
 */
export function createApiKeyVerifier(keys: readonly string[]): ApiKeyVerifier {
  const digests = keys.map(digest);
  return {
    check(authorization) {
      if (authorization === undefined || authorization.trim() === '') return ApiKeyCheck.missing;
      const token = BEARER.exec(authorization)?.[1];
      if (token === undefined) return ApiKeyCheck.invalid;
      const presented = digest(token);
      // Compare against every key, without stopping early, so timing says nothing about which matched.
      let matched = false;
      for (const known of digests) matched = timingSafeEqual(presented, known) || matched;
      return matched ? ApiKeyCheck.accepted : ApiKeyCheck.invalid;
    },
  };
}
