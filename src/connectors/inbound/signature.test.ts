import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { header, verifyHmac } from './signature.ts';

const secret = 'shpss_test_secret';
const body = Buffer.from('{"id":820982911946154500,"name":"#9999"}');
const good = createHmac('sha256', secret).update(body).digest('base64');

describe('verifyHmac', () => {
  it('accepts the signature of the exact raw body', () => {
    expect(verifyHmac({ secret, payload: body, signature: good, encoding: 'base64' })).toBe(true);
  });

  it('rejects a tampered body, a forged or truncated signature, and a missing one', () => {
    expect(verifyHmac({ secret, payload: Buffer.from(body.toString().replace('9999', '9998')), signature: good, encoding: 'base64' })).toBe(false);
    expect(verifyHmac({ secret: 'wrong', payload: body, signature: good, encoding: 'base64' })).toBe(false);
    expect(verifyHmac({ secret, payload: body, signature: good.slice(0, 20), encoding: 'base64' })).toBe(false);
    expect(verifyHmac({ secret, payload: body, signature: undefined, encoding: 'base64' })).toBe(false);
  });

  it('supports hex signatures over a timestamped payload', () => {
    const payload = `1732300000.${body.toString()}`;
    const signature = createHmac('sha256', 'whsec_1').update(payload).digest('hex');
    expect(verifyHmac({ secret: 'whsec_1', payload, signature, encoding: 'hex' })).toBe(true);
  });

  it('reads headers case-insensitively as Node lower-cases them', () => {
    expect(header({ 'x-shopify-hmac-sha256': good }, 'X-Shopify-Hmac-Sha256')).toBe(good);
    expect(header({ 'x-multi': ['a', 'b'] }, 'X-Multi')).toBe('a');
  });
});
