import { verifyHmac } from '../inbound/signature.ts';

/**
 * Both directions of trust with the warehouse:
 * - outbound: the hub's API key, sent as `Authorization: Bearer <key>`;
 * - inbound: the webhook subscription's signing secret, checked on every delivery.
 *
 * API keys do not expire and cannot be refreshed: a 401 means the key was revoked or rotated
 * on the WMS side. The client reports it as `AuthExpiredError` (retried a bounded number of
 * times, then dead-lettered) and the operator puts the new key in the configuration.
 */
export interface WmsCredentials {
  /** The API key issued by the WMS for the hub (sandbox default: `wms_test_key`). */
  apiKey: string;
}

export function wmsAuthHeaders(credentials: WmsCredentials): Record<string, string> {
  return { authorization: `Bearer ${credentials.apiKey}` };
}

/** Why a webhook signature was refused; never told to the sender, kept for the hub's log. */
export type WmsSignatureVerdict = { valid: true } | { valid: false; reason: 'missing' | 'malformed' | 'mismatch' | 'too-old' };

/** Five minutes, as Stripe's scheme which the WMS signature copies; wide enough for clock skew. */
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * Checks `X-WMS-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * Every `v1` entry is tried against every secret, so a subscription secret can be rotated
 * without a gap (configure the old and the new one until the WMS signs with the new one).
 * A timestamp outside the tolerance is refused even with a good signature: a replayed request.
 */
export function verifyWmsSignature(options: {
  header: string | undefined;
  rawBody: Buffer;
  secrets: readonly string[];
  nowSeconds: number;
  toleranceSeconds?: number;
}): WmsSignatureVerdict {
  if (!options.header) return { valid: false, reason: 'missing' };
  const entries = options.header.split(',').map((part) => {
    const separator = part.indexOf('=');
    return [part.slice(0, separator).trim(), part.slice(separator + 1).trim()] as const;
  });
  const timestamp = entries.find(([key]) => key === 't')?.[1];
  const signatures = entries.filter(([key]) => key === 'v1').map(([, value]) => value);
  if (!timestamp || !/^\d+$/.test(timestamp) || signatures.length === 0) return { valid: false, reason: 'malformed' };

  const payload = Buffer.concat([Buffer.from(`${timestamp}.`), options.rawBody]);
  const matches = options.secrets.some((secret) =>
    signatures.some((signature) => /^[0-9a-f]{64}$/i.test(signature) && verifyHmac({ secret, payload, signature, encoding: 'hex' })),
  );
  if (!matches) return { valid: false, reason: 'mismatch' };
  const tolerance = options.toleranceSeconds ?? DEFAULT_SIGNATURE_TOLERANCE_SECONDS;
  if (Math.abs(options.nowSeconds - Number(timestamp)) > tolerance) return { valid: false, reason: 'too-old' };
  return { valid: true };
}
