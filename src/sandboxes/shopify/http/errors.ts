import type { ErrorRenderer } from '../../kit/index.ts';

/** Shopify's answer to a bad or missing X-Shopify-Access-Token (HTTP 401). */
export const INVALID_TOKEN_BODY = { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' } as const;

/**
 * Injected failures in Shopify's HTTP-level error shapes: `{"errors": "..."}` bodies, and for
 * 429 the request-rate throttle message with a Retry-After of 2.0 seconds
 * (https://shopify.dev/docs/api/admin-rest/usage/rate-limits; the GraphQL cost throttle is the
 * separate THROTTLED error with HTTP 200).
 */
export const renderShopifyError: ErrorRenderer = (status) => {
  switch (status) {
    case 429:
      return {
        body: { errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' },
        headers: { 'Retry-After': '2.0' },
      };
    case 503:
      return { body: { errors: 'Service Unavailable' } };
    default:
      return { body: { errors: 'Internal Server Error' } };
  }
};
