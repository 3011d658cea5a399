import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { computeSignature, parseOAuthHeader, percentEncode, signTbaRequest, signatureBaseString } from './oauth1.ts';

describe('RFC 5849 signatures', () => {
  it('reproduces the HMAC-SHA1 signature of the RFC 5849 section 1.2 example', () => {
    // GET http://photos.example.net/photos?file=vacation.jpg&size=original, client secret
    // kd94hf93k423kf44, token secret pfkkdhi9sl3r4s00: signature MdpQcU8iPSUjWoN/UDMsK2sui9I=
    const baseString = signatureBaseString({
      method: 'GET',
      url: new URL('http://photos.example.net/photos?file=vacation.jpg&size=original'),
      oauthParams: {
        oauth_consumer_key: 'dpf43f3p2l4k3l03',
        oauth_token: 'nnch734d00sl2jdk',
        oauth_signature_method: 'HMAC-SHA1',
        oauth_timestamp: '137131202',
        oauth_nonce: 'chapoH',
      },
    });
    const signature = computeSignature({ baseString, method: 'HMAC-SHA1', consumerSecret: 'kd94hf93k423kf44', tokenSecret: 'pfkkdhi9sl3r4s00' });
    expect(signature).toBe('MdpQcU8iPSUjWoN/UDMsK2sui9I=');
  });

  it('builds the signature base string of the RFC 5849 section 3.4.1.1 example (query, form body, encoding)', () => {
    const baseString = signatureBaseString({
      method: 'POST',
      url: new URL('http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b'),
      oauthParams: {
        realm: 'Example',
        oauth_consumer_key: '9djdj82h48djs9d2',
        oauth_token: 'kkk9d7dh3k39sjv7',
        oauth_signature_method: 'HMAC-SHA1',
        oauth_timestamp: '137131201',
        oauth_nonce: '7d8f3e4a',
        oauth_signature: 'ignored',
      },
      formParams: [...new URLSearchParams('c2&a3=2+q').entries()],
    });
    expect(baseString).toBe(
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
    );
  });

  it('percent-encodes the reserved characters RFC 3986 leaves out of encodeURIComponent', () => {
    expect(percentEncode("a!*'()b ~")).toBe('a%21%2A%27%28%29b%20~');
  });

  it('signs NetSuite TBA headers with HMAC-SHA256 over the port-qualified URL and parses them back', () => {
    const header = signTbaRequest({
      method: 'POST',
      url: 'http://127.0.0.1:4100/services/rest/query/v1/suiteql?limit=10&offset=0',
      credentials: { accountId: '1234567_SB1', consumerKey: 'ck', consumerSecret: 'cs', tokenId: 'tk', tokenSecret: 'ts' },
      nonce: 'n0nce123',
      timestamp: 1700000000,
    });
    const params = parseOAuthHeader(header);
    expect(params?.realm).toBe('1234567_SB1');
    expect(params?.oauth_signature_method).toBe('HMAC-SHA256');
    const expectedBase =
      'POST&http%3A%2F%2F127.0.0.1%3A4100%2Fservices%2Frest%2Fquery%2Fv1%2Fsuiteql&limit%3D10%26oauth_consumer_key%3Dck%26oauth_nonce%3Dn0nce123%26oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1700000000%26oauth_token%3Dtk%26oauth_version%3D1.0%26offset%3D0';
    expect(params?.oauth_signature).toBe(createHmac('sha256', 'cs&ts').update(expectedBase).digest('base64'));
  });
});
