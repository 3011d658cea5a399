import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyWmsSignature } from './auth.ts';

const body = Buffer.from('{"id":"evt_000001","type":"stock.adjusted","createdAt":"2026-11-23T09:00:00.000Z","data":{}}');
const sign = (secret: string, timestamp: number, payload: Buffer = body) =>
  createHmac('sha256', secret).update(`${timestamp}.`).update(payload).digest('hex');
const now = 1_795_000_000;

describe('verifyWmsSignature', () => {
  it('accepts the signature of the raw body with the timestamp', () => {
    expect(verifyWmsSignature({ header: `t=${now},v1=${sign('whsec_a', now)}`, rawBody: body, secrets: ['whsec_a'], nowSeconds: now })).toEqual({ valid: true });
  });

  it('accepts either secret while one is rotated, and any of several v1 entries', () => {
    const header = `t=${now},v1=${'0'.repeat(64)},v1=${sign('whsec_new', now)}`;
    expect(verifyWmsSignature({ header, rawBody: body, secrets: ['whsec_old', 'whsec_new'], nowSeconds: now }).valid).toBe(true);
    expect(verifyWmsSignature({ header, rawBody: body, secrets: ['whsec_old'], nowSeconds: now })).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('refuses a changed body, a missing or malformed header, and a timestamp outside the tolerance', () => {
    const header = `t=${now},v1=${sign('whsec_a', now)}`;
    const check = (overrides: Partial<Parameters<typeof verifyWmsSignature>[0]>) =>
      verifyWmsSignature({ header, rawBody: body, secrets: ['whsec_a'], nowSeconds: now, ...overrides });
    expect(check({ rawBody: Buffer.concat([body, Buffer.from(' ')]) })).toEqual({ valid: false, reason: 'mismatch' });
    expect(check({ header: undefined })).toEqual({ valid: false, reason: 'missing' });
    expect(check({ header: `v1=${sign('whsec_a', now)}` })).toEqual({ valid: false, reason: 'malformed' });
    expect(check({ header: `t=${now},v1=zz` })).toEqual({ valid: false, reason: 'mismatch' });
    expect(check({ nowSeconds: now + 301 })).toEqual({ valid: false, reason: 'too-old' });
    expect(check({ nowSeconds: now + 301, toleranceSeconds: 600 })).toEqual({ valid: true });
  });
});
