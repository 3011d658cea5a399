import { describe, expect, it } from 'vitest';
import { signTbaRequest } from '../../sandboxes/netsuite/index.ts';
import { oauthEncode, tbaAuthorization, tbaBaseString, tbaNonce } from './tba.ts';

const credentials = { accountId: '1234567_SB1', consumerKey: 'ck', consumerSecret: 'cs&secret', tokenId: 'tid', tokenSecret: 'ts' };

describe('TBA request signing (RFC 5849, HMAC-SHA256)', () => {
  it('builds the base string from the method, the base URI without default port and the sorted, encoded parameters', () => {
    const url = new URL('HTTPS://Example.COM:443/services/rest/record/v1/salesOrder/eid:WEB-1?replace=item&b=2%203&a=1');
    const base = tbaBaseString({ method: 'put', url, oauthParameters: { oauth_nonce: 'n', oauth_consumer_key: 'ck' } });
    expect(base).toBe(
      'PUT&https%3A%2F%2Fexample.com%2Fservices%2Frest%2Frecord%2Fv1%2FsalesOrder%2Feid%3AWEB-1&a%3D1%26b%3D2%25203%26oauth_consumer_key%3Dck%26oauth_nonce%3Dn%26replace%3Ditem',
    );
    expect(oauthEncode("a b!*'()~")).toBe('a%20b%21%2A%27%28%29~');
  });

  it('produces the signature an independent implementation (the sandbox verifier side) computes for the same request', () => {
    const url = 'https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/query/v1/suiteql?limit=1000&offset=2000';
    const ours = tbaAuthorization({ method: 'POST', url: new URL(url), credentials, nonce: 'abcdef123456', timestampSeconds: 1_790_000_000 });
    const theirs = signTbaRequest({ method: 'POST', url, credentials, nonce: 'abcdef123456', timestamp: 1_790_000_000 });
    const signature = (header: string) => /oauth_signature="([^"]+)"/.exec(header)?.[1];
    expect(signature(ours)).toBeDefined();
    expect(signature(ours)).toBe(signature(theirs));
    expect(ours).toMatch(/^OAuth realm="1234567_SB1", oauth_consumer_key="ck", oauth_token="tid", oauth_signature_method="HMAC-SHA256"/);
  });

  it('uses a fresh nonce of at least 6 characters per request', () => {
    const nonces = new Set(Array.from({ length: 50 }, () => tbaNonce()));
    expect(nonces.size).toBe(50);
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9]{20}$/);
  });
});
