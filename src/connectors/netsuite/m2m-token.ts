import { constants, createPrivateKey, randomUUID, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { PermanentError, TransientError } from '../../runtime/errors.ts';

/**
 * OAuth 2.0 client credentials (machine to machine) as NetSuite implements it: the hub posts a
 * JWT signed with the private key of a certificate uploaded to NetSuite and mapped to the
 * integration and a role (Setup > Integration > Manage Authentication > OAuth 2.0 Client
 * Credentials (M2M) Setup). JWT header: `typ` JWT, `alg` PS256/384/512 or ES256/384/512, `kid` =
 * the certificate id NetSuite shows for the mapping. Payload: `iss` = client id of the
 * integration, `scope`, `aud` = the token endpoint, `iat`, `exp` at most 60 minutes later.
 * Access tokens live 60 minutes.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_162755359851.html
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_162790605110.html
 */
export const TOKEN_PATH = '/services/rest/auth/oauth2/v1/token';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export type M2MAlgorithm = 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512';

export interface M2MCredentials {
  /** Client id of the integration record. */
  clientId: string;
  /** Certificate id of the M2M mapping: the JWT's `kid`. */
  certificateId: string;
  /** PEM of the private key whose certificate was uploaded to the mapping. */
  privateKeyPem: string;
  /** Default PS256 (RSA-PSS); ES256 for an EC P-256 key. */
  algorithm?: M2MAlgorithm;
  /** Default `rest_webservices`. */
  scopes?: readonly string[];
}

/** Refresh this long before NetSuite's expiry, so a token never expires in flight. */
const REFRESH_MARGIN_MS = 60_000;
/** The assertion only has to live until the token endpoint answers. */
const ASSERTION_LIFETIME_SECONDS = 300;

/**
 * Fetches and caches the access token; concurrent callers share one token request.
 * `invalidate` drops a token NetSuite refused (401), so the next call gets a new one.
 */
export class M2MTokenSource {
  private readonly key: KeyObject;
  private token: { value: string; expiresAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly options: {
      tokenUrl: string;
      credentials: M2MCredentials;
      clock: () => number;
      fetch: typeof fetch;
      timeoutMs: number;
    },
  ) {
    try {
      this.key = createPrivateKey(options.credentials.privateKeyPem);
    } catch (error) {
      throw new Error(`netsuite: oauth2.privateKeyPem is not a readable PEM private key (${(error as Error).message})`);
    }
  }

  async accessToken(): Promise<string> {
    if (this.token && this.options.clock() < this.token.expiresAt - REFRESH_MARGIN_MS) return this.token.value;
    this.pending ??= this.requestToken().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  invalidate(refused: string): void {
    if (this.token?.value === refused) this.token = undefined;
  }

  private async requestToken(): Promise<string> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: JWT_BEARER,
      client_assertion: this.assertion(),
    });
    let response: Response;
    try {
      response = await this.options.fetch(this.options.tokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      throw new TransientError(`netsuite: the OAuth 2.0 token endpoint did not answer (${(error as Error).message})`, { system: 'netsuite', code: 'TOKEN_ENDPOINT_UNREACHABLE' }, { cause: error });
    }
    const body = (await response.json().catch(() => ({}))) as { access_token?: string; expires_in?: string | number; error?: string; error_description?: string };
    if (response.status >= 500 || response.status === 429) {
      throw new TransientError(`netsuite: the OAuth 2.0 token endpoint answered ${response.status}`, { system: 'netsuite', code: 'TOKEN_ENDPOINT_UNAVAILABLE' });
    }
    if (!response.ok || typeof body.access_token !== 'string') {
      // invalid_client / invalid_grant: the certificate mapping, client id or clock is wrong; retrying will not fix it.
      throw new PermanentError(
        `netsuite: OAuth 2.0 client credentials refused (${body.error ?? response.status}: ${body.error_description ?? 'no description'}). ` +
          'Check the client id, the certificate id of the M2M mapping and that the private key matches its certificate.',
        { system: 'netsuite', code: body.error ?? `HTTP_${response.status}`, field: 'oauth2' },
      );
    }
    const lifetimeMs = Number(body.expires_in ?? 3600) * 1000;
    this.token = { value: body.access_token, expiresAt: this.options.clock() + (Number.isFinite(lifetimeMs) ? lifetimeMs : 3_600_000) };
    return body.access_token;
  }

  /** The signed JWT client assertion (RFC 7523), a fresh `jti` each time. */
  private assertion(): string {
    const { credentials, clock, tokenUrl } = this.options;
    const algorithm = credentials.algorithm ?? 'PS256';
    const now = Math.floor(clock() / 1000);
    const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    const header = encode({ typ: 'JWT', alg: algorithm, kid: credentials.certificateId });
    const payload = encode({
      iss: credentials.clientId,
      scope: [...(credentials.scopes ?? ['rest_webservices'])],
      aud: tokenUrl,
      iat: now,
      exp: now + ASSERTION_LIFETIME_SECONDS,
      jti: randomUUID(),
    });
    const input = Buffer.from(`${header}.${payload}`);
    const hash = `sha${algorithm.slice(2)}`;
    const signature = algorithm.startsWith('PS')
      ? sign(hash, input, { key: this.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST })
      : sign(hash, input, { key: this.key, dsaEncoding: 'ieee-p1363' });
    return `${header}.${payload}.${signature.toString('base64url')}`;
  }
}
