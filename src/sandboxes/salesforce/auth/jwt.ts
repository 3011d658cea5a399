import { X509Certificate, createPublicKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/**
 * JWT bearer assertions (RFC 7523) as Salesforce accepts them: header `{"alg":"RS256"}`, claims
 * iss = connected app consumer key, sub = username, aud = login URL, exp = expiry (seconds).
 * https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm
 */
export interface JwtBearerClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
}

export type AssertionCheck =
  | { ok: true; claims: JwtBearerClaims }
  | { ok: false; reason: 'malformed' | 'unsupported_alg' | 'bad_signature' };

/** The public key of a connected app's digital certificate (PEM certificate or public key). */
export function publicKeyFromPem(pem: string): KeyObject {
  return pem.includes('BEGIN CERTIFICATE') ? new X509Certificate(pem).publicKey : createPublicKey(pem);
}

function decodeJson(segment: string): unknown {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
}

/** Parses the assertion and verifies its RS256 signature against the app's key. */
export function verifyAssertion(assertion: string, key: KeyObject): AssertionCheck {
  const parts = assertion.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [headerPart, claimsPart, signaturePart] = parts as [string, string, string];
  let header: unknown;
  let claims: unknown;
  try {
    header = decodeJson(headerPart);
    claims = decodeJson(claimsPart);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof header !== 'object' || header === null || (header as { alg?: unknown }).alg !== 'RS256') {
    return { ok: false, reason: 'unsupported_alg' };
  }
  let signed = false;
  try {
    signed = verify('RSA-SHA256', Buffer.from(`${headerPart}.${claimsPart}`), key, Buffer.from(signaturePart, 'base64url'));
  } catch {
    // A key that can't verify RS256 (e.g. an EC certificate) fails like a bad signature.
  }
  if (!signed) return { ok: false, reason: 'bad_signature' };
  const c = claims as Partial<JwtBearerClaims> | null;
  if (!c || typeof c.iss !== 'string' || typeof c.sub !== 'string' || typeof c.exp !== 'number' || (typeof c.aud !== 'string' && !Array.isArray(c.aud))) {
    return { ok: false, reason: 'malformed' };
  }
  return { ok: true, claims: c as JwtBearerClaims };
}
