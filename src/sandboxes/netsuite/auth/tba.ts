import type { TbaCredentials } from './oauth1.ts';
import { computeSignature, parseOAuthHeader, signatureBaseString, signaturesMatch } from './oauth1.ts';

/**
 * Verifies NetSuite Token-Based Authentication (OAuth 1.0, HMAC-SHA256) on each request:
 * realm = account id, a known consumer key and token, a fresh timestamp, a nonce never seen in
 * the timestamp window, and the RFC 5849 signature. NetSuite deprecated HMAC-SHA1 for TBA, so
 * only HMAC-SHA256 is accepted.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_4247337262.html
 */
export type TbaVerdict = { ok: true; consumerKey: string; tokenId: string } | { ok: false; reason: string };

export interface TbaVerifierOptions {
  accountId: string;
  credentials: Omit<TbaCredentials, 'accountId'>[];
  /** Accepted clock skew for oauth_timestamp, seconds. */
  timestampToleranceSeconds?: number;
  clock?: () => number;
}

const DEFAULT_TOLERANCE_SECONDS = 300;

export class TbaVerifier {
  private readonly options: TbaVerifierOptions;
  private readonly tolerance: number;
  private readonly clock: () => number;
  /** Nonces seen, with the timestamp they came with, so they can expire with the window. */
  private readonly seenNonces = new Map<string, number>();

  constructor(options: TbaVerifierOptions) {
    this.options = options;
    this.tolerance = options.timestampToleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
    this.clock = options.clock ?? Date.now;
  }

  verify(args: { authorization: string; method: string; url: URL; formParams?: [string, string][] }): TbaVerdict {
    const params = parseOAuthHeader(args.authorization);
    if (!params) return { ok: false, reason: 'malformed OAuth header' };
    const realm = params.realm ?? '';
    if (realm.toUpperCase().replace(/-/g, '_') !== this.options.accountId.toUpperCase().replace(/-/g, '_')) {
      return { ok: false, reason: 'realm is not this account' };
    }
    if (params.oauth_signature_method !== 'HMAC-SHA256') return { ok: false, reason: 'signature method must be HMAC-SHA256' };
    if (params.oauth_version !== undefined && params.oauth_version !== '1.0') return { ok: false, reason: 'bad oauth_version' };
    const credential = this.options.credentials.find(
      (c) => c.consumerKey === params.oauth_consumer_key && c.tokenId === params.oauth_token,
    );
    if (!credential) return { ok: false, reason: 'unknown consumer key or token' };
    const timestamp = Number(params.oauth_timestamp);
    const nowSeconds = Math.floor(this.clock() / 1000);
    if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > this.tolerance) {
      return { ok: false, reason: 'stale or missing timestamp' };
    }
    const nonce = params.oauth_nonce;
    if (!nonce) return { ok: false, reason: 'missing nonce' };
    const received = params.oauth_signature ?? '';
    const expected = computeSignature({
      baseString: signatureBaseString({ method: args.method, url: args.url, oauthParams: params, formParams: args.formParams }),
      method: 'HMAC-SHA256',
      consumerSecret: credential.consumerSecret,
      tokenSecret: credential.tokenSecret,
    });
    if (!signaturesMatch(expected, received)) return { ok: false, reason: 'signature mismatch' };
    // Checked after the signature, so a forged request cannot burn a legitimate client's nonce.
    this.expireNonces(nowSeconds);
    const nonceKey = `${credential.consumerKey}:${credential.tokenId}:${nonce}`;
    if (this.seenNonces.has(nonceKey)) return { ok: false, reason: 'replayed nonce' };
    this.seenNonces.set(nonceKey, timestamp);
    return { ok: true, consumerKey: credential.consumerKey, tokenId: credential.tokenId };
  }

  reset(): void {
    this.seenNonces.clear();
  }

  private expireNonces(nowSeconds: number): void {
    // Insertion order is roughly timestamp order: stop at the first nonce still in the window.
    for (const [key, timestamp] of this.seenNonces) {
      if (nowSeconds - timestamp <= this.tolerance) break;
      this.seenNonces.delete(key);
    }
  }
}
