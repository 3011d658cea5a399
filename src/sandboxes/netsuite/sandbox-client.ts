import { randomBytes } from 'node:crypto';
import type { TbaCredentials } from './auth/oauth1.ts';
import { signTbaRequest } from './auth/oauth1.ts';

/**
 * A minimal TBA-signing HTTP client for the sandbox, for tests and demos: signs each request
 * exactly as a NetSuite client does (RFC 5849, HMAC-SHA256, fresh nonce and timestamp).
 *
 * @example
 * const call = tbaClient({ baseUrl: sandbox.url, credentials: { accountId: sandbox.accountId, ...SANDBOX_TBA_CREDENTIALS } });
 * const response = await call('GET', '/services/rest/record/v1/customer/1');
 */
export function tbaClient(args: { baseUrl: string; credentials: TbaCredentials; clock?: () => number }) {
  const clock = args.clock ?? Date.now;
  return async (
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string>; nonce?: string } = {},
  ): Promise<Response> => {
    const url = `${args.baseUrl}${path}`;
    const authorization = signTbaRequest({
      method,
      url,
      credentials: args.credentials,
      nonce: options.nonce ?? randomBytes(16).toString('hex'),
      timestamp: Math.floor(clock() / 1000),
    });
    const headers: Record<string, string> = { Authorization: authorization, ...options.headers };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    return fetch(url, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
  };
}
