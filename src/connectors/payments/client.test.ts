import { describe, expect, it } from 'vitest';
import { AuthExpiredError, PermanentError, RateLimitedError, TransientError } from '../../runtime/errors.ts';
import { encodeStripeForm, stripeFailure } from './client.ts';
import { stripeIdempotencyKey } from './outbound.ts';

const failure = (status: number, error: Record<string, string> | undefined, headers: Record<string, string> = {}) =>
  stripeFailure({ status, body: error && { error }, headers: new Headers(headers), request: 'POST /v1/refunds' });

describe('stripeFailure: Stripe error JSON as a typed failure', () => {
  it('keeps the Stripe code and param of a refused request', () => {
    const refused = failure(400, { type: 'invalid_request_error', code: 'amount_too_large', param: 'amount', message: 'Refund amount is greater than unrefunded amount' });
    expect(refused).toBeInstanceOf(PermanentError);
    expect(refused).toMatchObject({ code: 'amount_too_large', field: 'amount', system: 'stripe', details: { status: 400, type: 'invalid_request_error' } });
    expect(failure(402, { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds', message: 'declined' })).toMatchObject({ code: 'card_declined', details: { declineCode: 'insufficient_funds' } });
    expect(failure(400, { type: 'idempotency_error', message: 'Keys for idempotent requests can only be used with the same parameters' })).toMatchObject({ code: 'idempotency_error', retryable: false });
  });

  it('retries what can succeed later', () => {
    expect(failure(429, { type: 'invalid_request_error', code: 'rate_limit', message: 'Request rate limit exceeded.' })).toBeInstanceOf(RateLimitedError);
    expect(failure(429, { type: 'invalid_request_error', code: 'rate_limit', message: 'x' }, { 'retry-after': '3' })).toMatchObject({ retryAfterMs: 3_000 });
    expect(failure(500, { type: 'api_error', message: 'An unknown error occurred' })).toBeInstanceOf(TransientError);
    expect(failure(502, undefined)).toBeInstanceOf(TransientError);
    expect(failure(409, { type: 'invalid_request_error', code: 'idempotency_key_in_use', message: 'in use' })).toBeInstanceOf(TransientError);
    expect(failure(401, { type: 'invalid_request_error', message: 'Invalid API Key provided: sk_test_****lled' })).toBeInstanceOf(AuthExpiredError);
  });

  it('does not retry a replayed 500: the same key can only replay it', () => {
    const replayed = failure(500, { type: 'api_error', message: 'An unknown error occurred' }, { 'idempotent-replayed': 'true' });
    expect(replayed).toBeInstanceOf(PermanentError);
    expect(replayed).toMatchObject({ details: { idempotentReplayed: true } });
  });
});

describe('encodeStripeForm', () => {
  it('writes nested parameters in bracket notation and leaves out missing ones', () => {
    expect(decodeURIComponent(encodeStripeForm({ payment_intent: 'pi_1', amount: 1250, reason: undefined, metadata: { order_number: 'WEB-1', rma_number: 'RMA 1' }, expand: ['charge'] }))).toBe(
      'payment_intent=pi_1&amount=1250&metadata[order_number]=WEB-1&metadata[rma_number]=RMA+1&expand[0]=charge',
    );
  });
});

describe('stripeIdempotencyKey', () => {
  it('keeps keys Stripe accepts and digests longer ones the same way every time', () => {
    expect(stripeIdempotencyKey('refund:RMA-1:1')).toBe('refund:RMA-1:1');
    const long = 'x'.repeat(300);
    expect(stripeIdempotencyKey(long)).toBe(stripeIdempotencyKey(long));
    expect(stripeIdempotencyKey(long).length).toBeLessThanOrEqual(255);
  });
});
