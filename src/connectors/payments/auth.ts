/**
 * Stripe authenticates with a secret API key sent as `Authorization: Bearer sk_…`
 * (https://docs.stripe.com/api/authentication). Use a restricted key (`rk_…`) with only
 * "Refunds: write" for the hub. Keys do not expire and cannot be refreshed: a 401 means the key
 * was rolled or revoked in the Dashboard, reported as `AuthExpiredError`, and fixed by putting
 * the new key in the configuration.
 */
export interface StripeCredentials {
  /** `sk_live_…`, `rk_live_…` (recommended), or a test key; the sandbox's is `sk_test_crossdock`. */
  secretKey: string;
  /** Connect: act on a connected account (`Stripe-Account: acct_…`). */
  account?: string;
}

/**
 * The API version the connector is written against. Pinning it means a Dashboard upgrade of the
 * account's default version cannot change the answers under us
 * (https://docs.stripe.com/api/versioning); it is the version stripe-node 18.5 pins.
 */
export const STRIPE_API_VERSION = '2025-08-27.basil';

export function stripeAuthHeaders(credentials: StripeCredentials, apiVersion: string): Record<string, string> {
  return {
    authorization: `Bearer ${credentials.secretKey}`,
    'stripe-version': apiVersion,
    ...(credentials.account ? { 'stripe-account': credentials.account } : {}),
  };
}
