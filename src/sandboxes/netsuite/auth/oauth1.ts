import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * OAuth 1.0 signatures per RFC 5849 section 3.4, as NetSuite Token-Based Authentication uses
 * them (HMAC-SHA256). Used by the sandbox to verify requests and by tests to sign them exactly
 * as a client would.
 * https://www.rfc-editor.org/rfc/rfc5849#section-3.4
 */
export type OAuthSignatureMethod = 'HMAC-SHA256' | 'HMAC-SHA1';

/** RFC 3986 percent-encoding of every character outside the unreserved set (RFC 5849 3.6). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Base string URI (RFC 5849 3.4.1.2): lowercase scheme and host, default port dropped, path kept,
 * no query or fragment.
 */
export function baseStringUri(url: URL): string {
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  const defaultPort = (scheme === 'http' && url.port === '80') || (scheme === 'https' && url.port === '443');
  const port = url.port && !defaultPort ? `:${url.port}` : '';
  return `${scheme}://${url.hostname.toLowerCase()}${port}${url.pathname}`;
}

/** Parameter normalisation (RFC 5849 3.4.1.3.2): encode, sort by name then value, join. */
export function normaliseParameters(params: [string, string][]): string {
  return params
    .map(([name, value]) => [percentEncode(name), percentEncode(value)] as const)
    .sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

export interface SignatureBaseInput {
  method: string;
  url: URL;
  /** oauth_* protocol parameters, without oauth_signature and realm. */
  oauthParams: Record<string, string>;
  /** Parameters of an application/x-www-form-urlencoded body (RFC 5849 3.4.1.3.1); none for JSON. */
  formParams?: [string, string][];
}

export function signatureBaseString(input: SignatureBaseInput): string {
  const params: [string, string][] = [...input.url.searchParams.entries()];
  for (const [name, value] of Object.entries(input.oauthParams)) {
    if (name !== 'oauth_signature' && name !== 'realm') params.push([name, value]);
  }
  params.push(...(input.formParams ?? []));
  return [input.method.toUpperCase(), percentEncode(baseStringUri(input.url)), percentEncode(normaliseParameters(params))].join(
    '&',
  );
}

export function computeSignature(args: {
  baseString: string;
  method: OAuthSignatureMethod;
  consumerSecret: string;
  tokenSecret: string;
}): string {
  const key = `${percentEncode(args.consumerSecret)}&${percentEncode(args.tokenSecret)}`;
  const algorithm = args.method === 'HMAC-SHA256' ? 'sha256' : 'sha1';
  return createHmac(algorithm, key).update(args.baseString).digest('base64');
}

/** Constant-time comparison of two base64 signatures. */
export function signaturesMatch(expected: string, received: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(received);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Parses `Authorization: OAuth realm="..", oauth_consumer_key="..", ...` (RFC 5849 3.5.1). */
export function parseOAuthHeader(header: string): Record<string, string> | undefined {
  const match = /^OAuth\s+(.*)$/is.exec(header.trim());
  if (!match?.[1]) return undefined;
  const params: Record<string, string> = {};
  const pattern = /([A-Za-z0-9_.-]+)\s*=\s*"([^"]*)"/g;
  for (let part = pattern.exec(match[1]); part; part = pattern.exec(match[1])) {
    const [, name, value] = part;
    if (name === undefined || value === undefined) continue;
    try {
      params[decodeURIComponent(name)] = decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  return params;
}

export interface TbaCredentials {
  accountId: string;
  consumerKey: string;
  consumerSecret: string;
  tokenId: string;
  tokenSecret: string;
}

/**
 * Builds the `Authorization` header of a TBA-signed request, as a NetSuite client does.
 *
 * @example
 * const header = signTbaRequest({ method: 'GET', url: `${base}/services/rest/record/v1/customer/1`,
 *   credentials, nonce: randomBytes(16).toString('hex'), timestamp: Math.floor(Date.now() / 1000) });
 */
export function signTbaRequest(args: {
  method: string;
  url: string;
  credentials: TbaCredentials;
  nonce: string;
  timestamp: number;
  signatureMethod?: OAuthSignatureMethod;
}): string {
  const signatureMethod = args.signatureMethod ?? 'HMAC-SHA256';
  const oauthParams: Record<string, string> = {
    oauth_consumer_key: args.credentials.consumerKey,
    oauth_token: args.credentials.tokenId,
    oauth_signature_method: signatureMethod,
    oauth_timestamp: String(args.timestamp),
    oauth_nonce: args.nonce,
    oauth_version: '1.0',
  };
  const baseString = signatureBaseString({ method: args.method, url: new URL(args.url), oauthParams });
  const signature = computeSignature({
    baseString,
    method: signatureMethod,
    consumerSecret: args.credentials.consumerSecret,
    tokenSecret: args.credentials.tokenSecret,
  });
  const fields = { realm: args.credentials.accountId, ...oauthParams, oauth_signature: signature };
  return `OAuth ${Object.entries(fields)
    .map(([name, value]) => `${name}="${name === 'realm' ? value : percentEncode(value)}"`)
    .join(', ')}`;
}
