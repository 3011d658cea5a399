import { createHmac, timingSafeEqual } from 'node:crypto';

export interface HmacCheck {
  secret: string | Buffer;
  /** Exactly the bytes received: a parsed-and-reserialised body would not match. */
  payload: Buffer | string;
  /** The signature the sender put in its header. */
  signature: string | undefined;
  encoding: 'base64' | 'hex';
  algorithm?: 'sha256' | 'sha1' | 'sha512';
}

/**
 * Verifies an HMAC signature in constant time (Shopify: base64 HMAC-SHA256 of the raw body in
 * `X-Shopify-Hmac-Sha256`; Stripe-style schemes sign `timestamp.body` in hex). A missing or
 * malformed signature is simply not valid.
 */
export function verifyHmac(check: HmacCheck): boolean {
  if (!check.signature) return false;
  const expected = createHmac(check.algorithm ?? 'sha256', check.secret).update(check.payload).digest();
  let received: Buffer;
  try {
    received = Buffer.from(check.signature.trim(), check.encoding);
  } catch {
    return false;
  }
  // timingSafeEqual throws on different lengths; a length mismatch reveals nothing secret.
  return received.length === expected.length && timingSafeEqual(received, expected);
}

/** The first value of a header, whatever its case in the request. */
export function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
