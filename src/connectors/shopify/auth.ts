import { header, verifyHmac } from '../inbound/signature.ts';
import type { InboundRequest } from '../connector.ts';

/**
 * Both directions of trust with one Shopify store:
 * - outbound: the Admin API access token of the store's custom app (`shpat_…`), sent as
 *   `X-Shopify-Access-Token` by `@shopify/admin-api-client`. Custom-app tokens do not expire;
 *   a 401 means the app was uninstalled or the token rotated, so it surfaces as
 *   `AuthExpiredError` and the operator installs the new token.
 * - inbound: the app's client secret (API secret key), with which Shopify signs every webhook.
 */
export interface ShopifyCredentials {
  /** Admin API access token (`shpat_…`). */
  accessToken: string;
  /** The app's client secret; several while rotating (old and new both accepted). */
  clientSecret: string | readonly string[];
}

/**
 * True when `X-Shopify-Hmac-Sha256` is the base64 HMAC-SHA256 of the raw body keyed with the
 * client secret, compared in constant time
 * (https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-2-validate-the-origin-of-your-webhook-to-ensure-its-coming-from-shopify).
 */
export function verifyShopifyWebhook(request: InboundRequest, clientSecret: string | readonly string[]): boolean {
  const signature = header(request.headers, 'X-Shopify-Hmac-Sha256');
  const secrets = typeof clientSecret === 'string' ? [clientSecret] : clientSecret;
  return secrets.some((secret) => verifyHmac({ secret, payload: request.rawBody, signature, encoding: 'base64' }));
}
