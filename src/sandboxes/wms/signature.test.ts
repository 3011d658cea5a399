import { describe, expect, it } from 'vitest';
import { signWmsPayload, verifyWmsSignature } from './signature.ts';

describe('WMS webhook signature', () => {
  const secret = 'whsec_test';
  const body = '{"id":"evt_000001","type":"fulfillment_order.shipped"}';
  const header = signWmsPayload({ secret, body, timestampSeconds: 1_800_000_000 });

  it('has the t=…,v1=<hex> shape and verifies against the same body and secret', () => {
    expect(header).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    expect(verifyWmsSignature({ secret, body, header, nowSeconds: 1_800_000_010 })).toEqual({ valid: true });
  });

  it('rejects a tampered body, a wrong secret, a stale timestamp and a malformed header', () => {
    const tampered = body.replace('shipped', 'delivered');
    expect(verifyWmsSignature({ secret, body: tampered, header, nowSeconds: 1_800_000_000 })).toEqual({ valid: false, reason: 'mismatch' });
    expect(verifyWmsSignature({ secret: 'other', body, header, nowSeconds: 1_800_000_000 })).toEqual({ valid: false, reason: 'mismatch' });
    expect(verifyWmsSignature({ secret, body, header, nowSeconds: 1_800_000_301 })).toEqual({ valid: false, reason: 'expired' });
    expect(verifyWmsSignature({ secret, body, header: 'v1=abc', nowSeconds: 1_800_000_000 })).toEqual({ valid: false, reason: 'malformed' });
    expect(verifyWmsSignature({ secret, body, header: undefined })).toEqual({ valid: false, reason: 'malformed' });
  });
});
