import { M2MTokenSource, TOKEN_PATH, type M2MCredentials } from './m2m-token.ts';
import { tbaAuthorization, tbaNonce, type TbaCredentials } from './tba.ts';

export type { TbaCredentials } from './tba.ts';
export type { M2MCredentials, M2MAlgorithm } from './m2m-token.ts';

/** How the connector authenticates: TBA (OAuth 1.0) or OAuth 2.0 client credentials. */
export type NetSuiteCredentials = { tba: Omit<TbaCredentials, 'accountId'> } | { oauth2: M2MCredentials };

/** Produces the Authorization header of each request; `refused` is told about a 401. */
export interface NetSuiteAuth {
  readonly scheme: 'tba' | 'oauth2';
  authorization(request: { method: string; url: URL }): Promise<string>;
  /** NetSuite answered 401 to this header: drop what produced it (a cached token). */
  refused(authorization: string): void;
}

export function createNetSuiteAuth(args: {
  accountId: string;
  baseUrl: string;
  credentials: NetSuiteCredentials;
  clock: () => number;
  fetch: typeof fetch;
  timeoutMs: number;
}): NetSuiteAuth {
  if ('tba' in args.credentials) {
    const credentials: TbaCredentials = { accountId: args.accountId, ...args.credentials.tba };
    return {
      scheme: 'tba',
      // Each request is signed afresh (new nonce and timestamp): nothing to cache, nothing to refresh.
      authorization: ({ method, url }) =>
        Promise.resolve(tbaAuthorization({ method, url, credentials, nonce: tbaNonce(), timestampSeconds: Math.floor(args.clock() / 1000) })),
      refused: () => undefined,
    };
  }
  const tokens = new M2MTokenSource({
    tokenUrl: `${args.baseUrl}${TOKEN_PATH}`,
    credentials: args.credentials.oauth2,
    clock: args.clock,
    fetch: args.fetch,
    timeoutMs: args.timeoutMs,
  });
  return {
    scheme: 'oauth2',
    authorization: async () => `Bearer ${await tokens.accessToken()}`,
    refused: (authorization) => tokens.invalidate(authorization.replace(/^Bearer\s+/i, '')),
  };
}
