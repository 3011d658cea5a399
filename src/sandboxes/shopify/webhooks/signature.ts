import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Shopify signs each HTTPS delivery with HMAC-SHA256 of the raw body, keyed with the app's
 * client secret, base64-encoded in X-Shopify-Hmac-Sha256
 * (https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-2-validate-the-origin-of-your-webhook-to-ensure-its-coming-from-shopify).
 */
export function signWebhookBody(rawBody: string, clientSecret: string): string {
  return createHmac('sha256', clientSecret).update(rawBody, 'utf8').digest('base64');
}

/** What a receiver does: recompute and compare in constant time. */
export function verifyWebhookSignature(rawBody: string, header: string | undefined, clientSecret: string): boolean {
  if (!header) return false;
  const expected = Buffer.from(signWebhookBody(rawBody, clientSecret), 'base64');
  const received = Buffer.from(header, 'base64');
  return expected.length === received.length && timingSafeEqual(expected, received);
}
