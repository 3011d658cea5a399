import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The WMS webhook signature, a Stripe-style scheme (no single WMS standard exists):
 *
 *   X-WMS-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, `${t}.${rawBody}`)>
 *
 * Signing the timestamp with the body lets a receiver reject replays older than a tolerance.
 * Receivers must verify against the raw bytes received, before any JSON parsing.
 */
export const WMS_SIGNATURE_HEADER = 'X-WMS-Signature';
export const WMS_DELIVERY_ID_HEADER = 'X-WMS-Delivery-Id';
export const WMS_EVENT_ID_HEADER = 'X-WMS-Event-Id';
export const WMS_TOPIC_HEADER = 'X-WMS-Topic';

export function signWmsPayload(options: { secret: string; body: string; timestampSeconds: number }): string {
  const digest = createHmac('sha256', options.secret).update(`${options.timestampSeconds}.${options.body}`).digest('hex');
  return `t=${options.timestampSeconds},v1=${digest}`;
}

export type WmsSignatureCheck = { valid: true } | { valid: false; reason: 'malformed' | 'mismatch' | 'expired' };

/** Verifies a `X-WMS-Signature` header in constant time, with a replay tolerance (default 5 minutes). */
export function verifyWmsSignature(options: {
  secret: string;
  body: string;
  header: string | undefined;
  nowSeconds?: number;
  toleranceSeconds?: number;
}): WmsSignatureCheck {
  const parts = new Map(
    (options.header ?? '').split(',').map((part) => {
      const [key, ...value] = part.trim().split('=');
      return [key ?? '', value.join('=')] as const;
    }),
  );
  const timestamp = Number(parts.get('t'));
  const received = parts.get('v1');
  if (!Number.isInteger(timestamp) || !received || !/^[0-9a-f]{64}$/.test(received)) {
    return { valid: false, reason: 'malformed' };
  }
  const expected = createHmac('sha256', options.secret).update(`${timestamp}.${options.body}`).digest();
  if (!timingSafeEqual(Buffer.from(received, 'hex'), expected)) return { valid: false, reason: 'mismatch' };
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300)) return { valid: false, reason: 'expired' };
  return { valid: true };
}
