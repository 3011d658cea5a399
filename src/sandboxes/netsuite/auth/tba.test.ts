import { describe, expect, it } from 'vitest';
import { signTbaRequest } from './oauth1.ts';
import { TbaVerifier } from './tba.ts';

const credentials = { accountId: '1234567_SB1', consumerKey: 'ck', consumerSecret: 'cs', tokenId: 'tk', tokenSecret: 'ts' };
const url = 'http://127.0.0.1:4100/services/rest/record/v1/customer/7?expandSubResources=true';
const now = 1_700_000_000_000;

function verifier(clock = () => now): TbaVerifier {
  return new TbaVerifier({ accountId: '1234567-sb1', credentials: [credentials], clock });
}

function sign(overrides: { nonce?: string; timestamp?: number; url?: string; method?: string } = {}): string {
  return signTbaRequest({
    method: overrides.method ?? 'GET',
    url: overrides.url ?? url,
    credentials,
    nonce: overrides.nonce ?? 'nonce-1',
    timestamp: overrides.timestamp ?? now / 1000,
  });
}

describe('TbaVerifier', () => {
  it('accepts a correctly signed request (realm matched in either sandbox spelling)', () => {
    expect(verifier().verify({ authorization: sign(), method: 'GET', url: new URL(url) })).toMatchObject({ ok: true, tokenId: 'tk' });
  });

  it('rejects a tampered signature, a changed URL and a different method', () => {
    const tampered = sign().replace(/oauth_signature="[^"]+"/, 'oauth_signature="AAAA"');
    expect(verifier().verify({ authorization: tampered, method: 'GET', url: new URL(url) })).toEqual({ ok: false, reason: 'signature mismatch' });
    expect(verifier().verify({ authorization: sign(), method: 'GET', url: new URL(url.replace('/7?', '/8?')) }).ok).toBe(false);
    expect(verifier().verify({ authorization: sign(), method: 'DELETE', url: new URL(url) }).ok).toBe(false);
  });

  it('rejects a replayed nonce but accepts a fresh one', () => {
    const tba = verifier();
    expect(tba.verify({ authorization: sign(), method: 'GET', url: new URL(url) }).ok).toBe(true);
    expect(tba.verify({ authorization: sign(), method: 'GET', url: new URL(url) })).toEqual({ ok: false, reason: 'replayed nonce' });
    expect(tba.verify({ authorization: sign({ nonce: 'nonce-2' }), method: 'GET', url: new URL(url) }).ok).toBe(true);
  });

  it('rejects stale and future timestamps beyond the tolerance', () => {
    const tba = verifier();
    expect(tba.verify({ authorization: sign({ timestamp: now / 1000 - 301 }), method: 'GET', url: new URL(url) })).toEqual({ ok: false, reason: 'stale or missing timestamp' });
    expect(tba.verify({ authorization: sign({ timestamp: now / 1000 + 301, nonce: 'n3' }), method: 'GET', url: new URL(url) }).ok).toBe(false);
  });

  it('rejects another realm, an unknown token and HMAC-SHA1', () => {
    const otherRealm = sign().replace('realm="1234567_SB1"', 'realm="7654321"');
    expect(verifier().verify({ authorization: otherRealm, method: 'GET', url: new URL(url) }).ok).toBe(false);
    const unknownToken = signTbaRequest({ method: 'GET', url, credentials: { ...credentials, tokenId: 'other' }, nonce: 'x1', timestamp: now / 1000 });
    expect(verifier().verify({ authorization: unknownToken, method: 'GET', url: new URL(url) })).toEqual({ ok: false, reason: 'unknown consumer key or token' });
    const sha1 = signTbaRequest({ method: 'GET', url, credentials, nonce: 'x2', timestamp: now / 1000, signatureMethod: 'HMAC-SHA1' });
    expect(verifier().verify({ authorization: sha1, method: 'GET', url: new URL(url) }).ok).toBe(false);
  });
});
