import { createHmac, randomBytes } from 'node:crypto';

/**
 * NetSuite Token-Based Authentication: OAuth 1.0 request signing (RFC 5849) with HMAC-SHA256.
 * NetSuite's rules on top of the RFC: the signature method is HMAC-SHA256, `realm` is the
 * account id in upper case with an underscore (`1234567_SB1`, while the host name uses
 * `1234567-sb1`), a nonce of at least 6 characters used once, and a timestamp within a few
 * minutes of NetSuite's clock.
 * https://www.rfc-editor.org/rfc/rfc5849#section-3.4
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1544787084.html (REST web services setup)
 */
export interface TbaCredentials {
  /** The account id, e.g. `1234567` or `1234567_SB1`: the realm of every signature. */
  accountId: string;
  /** Consumer key and secret of the integration record. */
  consumerKey: string;
  consumerSecret: string;
  /** Token id and secret of the access token (user + role + integration). */
  tokenId: string;
  tokenSecret: string;
}

/** RFC 3986 percent-encoding of everything but unreserved characters (RFC 5849 section 3.6). */
export function oauthEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** RFC 5849 3.4.1.2: lower-case scheme and host, default port dropped, no query. */
function baseUri(url: URL): string {
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  const isDefaultPort = url.port === '' || (scheme === 'http' && url.port === '80') || (scheme === 'https' && url.port === '443');
  return `${scheme}://${url.hostname.toLowerCase()}${isDefaultPort ? '' : `:${url.port}`}${url.pathname}`;
}

/**
 * The signature base string (RFC 5849 3.4.1): method, base URI, and the query parameters with
 * the oauth_* parameters, each encoded, sorted by name then value, joined. JSON bodies are not
 * part of it (only form bodies are, and NetSuite's REST API takes JSON).
 */
export function tbaBaseString(args: { method: string; url: URL; oauthParameters: Record<string, string> }): string {
  const parameters: [string, string][] = [...args.url.searchParams.entries(), ...Object.entries(args.oauthParameters)].map(
    ([name, value]) => [oauthEncode(name), oauthEncode(value)],
  );
  parameters.sort(([an, av], [bn, bv]) => (an === bn ? (av < bv ? -1 : av > bv ? 1 : 0) : an < bn ? -1 : 1));
  const normalised = parameters.map(([name, value]) => `${name}=${value}`).join('&');
  return `${args.method.toUpperCase()}&${oauthEncode(baseUri(args.url))}&${oauthEncode(normalised)}`;
}

/** NetSuite's realm: the account id upper-cased with `_` (the URL form uses `-`). */
export function tbaRealm(accountId: string): string {
  return accountId.replace(/-/g, '_').toUpperCase();
}

/**
 * The `Authorization` header of one TBA-signed request.
 *
 * @example
 * const header = tbaAuthorization({ method: 'GET', url: new URL(`${base}/services/rest/record/v1/customer/1`),
 *   credentials, nonce: 'a1b2c3d4e5f6', timestampSeconds: Math.floor(Date.now() / 1000) });
 */
export function tbaAuthorization(args: { method: string; url: URL; credentials: TbaCredentials; nonce: string; timestampSeconds: number }): string {
  const { credentials } = args;
  const oauthParameters: Record<string, string> = {
    oauth_consumer_key: credentials.consumerKey,
    oauth_token: credentials.tokenId,
    oauth_signature_method: 'HMAC-SHA256',
    oauth_timestamp: String(args.timestampSeconds),
    oauth_nonce: args.nonce,
    oauth_version: '1.0',
  };
  const key = `${oauthEncode(credentials.consumerSecret)}&${oauthEncode(credentials.tokenSecret)}`;
  const signature = createHmac('sha256', key).update(tbaBaseString({ method: args.method, url: args.url, oauthParameters })).digest('base64');
  const fields = Object.entries({ ...oauthParameters, oauth_signature: signature }).map(([name, value]) => `${name}="${oauthEncode(value)}"`);
  return `OAuth realm="${tbaRealm(credentials.accountId)}", ${fields.join(', ')}`;
}

/** A fresh nonce: 20 random alphanumeric characters (NetSuite wants at least 6, each used once). */
export function tbaNonce(): string {
  return randomBytes(15).toString('base64url').replace(/[-_]/g, '0').slice(0, 20);
}
