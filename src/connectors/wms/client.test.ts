import { describe, expect, it } from 'vitest';
import { AuthExpiredError, PermanentError, RateLimitedError, TransientError } from '../../runtime/errors.ts';
import { retryAfterMs } from '../http.ts';
import { wmsFailure } from './client.ts';

const failure = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  wmsFailure({ status, body, headers: new Headers(headers), request: 'POST /v1/fulfillment-orders' });

describe('wmsFailure: the WMS answer as a typed failure', () => {
  it('classifies by status, keeping the WMS code and field', () => {
    expect(failure(429, { error: { code: 'rate_limited', message: 'slow down' } }, { 'retry-after': '2' })).toMatchObject({ retryAfterMs: 2_000, code: 'rate_limited' });
    expect(failure(429, undefined)).toBeInstanceOf(RateLimitedError);
    expect(failure(429, undefined)).toMatchObject({ retryAfterMs: 1_000, code: 'http_429' });
    expect(failure(401, { error: { code: 'unauthorized', message: 'Invalid API key.' } })).toBeInstanceOf(AuthExpiredError);
    expect(failure(503, { error: { code: 'service_unavailable', message: 'down' } })).toBeInstanceOf(TransientError);
    expect(failure(408, undefined)).toBeInstanceOf(TransientError);
    const refused = failure(422, { error: { code: 'insufficient_stock', message: 'no stock', field: 'lines.0.quantity' } });
    expect(refused).toBeInstanceOf(PermanentError);
    expect(refused).toMatchObject({ code: 'insufficient_stock', field: 'lines.0.quantity', system: 'wms', details: { status: 422 } });
    expect(refused.message).toContain('POST /v1/fulfillment-orders answered 422 insufficient_stock: no stock');
  });
});

describe('retryAfterMs', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(retryAfterMs('1')).toBe(1_000);
    expect(retryAfterMs('0.25')).toBe(250);
    expect(retryAfterMs('Mon, 23 Nov 2026 09:00:05 GMT', Date.parse('2026-11-23T09:00:00Z'))).toBe(5_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});
