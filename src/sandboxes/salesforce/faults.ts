import type { ErrorRenderer } from '../kit/index.ts';

/**
 * Injected failures in Salesforce's error shape. Salesforce itself answers overload with 503
 * SERVER_UNAVAILABLE and an exhausted allocation with 403 REQUEST_LIMIT_EXCEEDED; it rarely
 * sends 429. An injected 429 is rendered as REQUEST_LIMIT_EXCEEDED with a Retry-After header,
 * so clients can exercise their rate-limit path; the status tells it apart from the daily limit.
 */
export const renderSalesforceError: ErrorRenderer = (status, reason) => {
  switch (status) {
    case 503:
      return {
        body: [
          {
            errorCode: 'SERVER_UNAVAILABLE',
            message: reason === 'downtime' ? 'The Salesforce instance is down for scheduled maintenance. Try again later.' : 'Server is temporarily unavailable. Try again later.',
          },
        ],
      };
    case 429:
      return {
        body: [{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'Too many requests in a short time. Retry after the delay in the Retry-After header.' }],
        headers: { 'Retry-After': '1' },
      };
    case 500:
      return {
        body: [{ errorCode: 'UNKNOWN_EXCEPTION', message: 'An unexpected error occurred. Please include this ErrorId if you contact support: 1407236511-57201 (-1152391247)' }],
      };
  }
};
