import { describe, expect, it } from 'vitest';
import { StripeApiError } from './errors.ts';
import { IDEMPOTENCY_KEY_TTL_MS, IdempotencyStore } from './idempotency.ts';

const response = { status: 200, body: { id: 're_1' }, requestId: 'req_1' };

describe('IdempotencyStore', () => {
  it('replays the saved response for the same key and parameters, whatever their key order', () => {
    const store = new IdempotencyStore(() => 0);
    const scope = { apiKey: 'sk_test_a', key: 'k1', endpoint: 'POST /v1/refunds', params: { amount: '100', charge: 'ch_1' } };
    expect(store.lookup(scope)).toEqual({ kind: 'new' });
    store.save({ ...scope, response });
    expect(store.lookup({ ...scope, params: { charge: 'ch_1', amount: '100' } })).toEqual({ kind: 'replay', response });
  });

  it('refuses the same key with other parameters or another endpoint; scopes keys per API key', () => {
    const store = new IdempotencyStore(() => 0);
    const scope = { apiKey: 'sk_test_a', key: 'k1', endpoint: 'POST /v1/refunds', params: { amount: '100' } };
    store.save({ ...scope, response });
    const mismatch = () => store.lookup({ ...scope, params: { amount: '200' } });
    expect(mismatch).toThrow(StripeApiError);
    expect(mismatch).toThrow(/same parameters/);
    expect(() => store.lookup({ ...scope, endpoint: 'POST /v1/payment_intents' })).toThrow(/same parameters/);
    expect(store.lookup({ ...scope, apiKey: 'sk_test_b', params: { amount: '200' } })).toEqual({ kind: 'new' });
  });

  it('expires keys after 24 hours', () => {
    let now = 0;
    const store = new IdempotencyStore(() => now);
    const scope = { apiKey: 'sk', key: 'k', endpoint: 'POST /v1/refunds', params: {} };
    store.save({ ...scope, response });
    now = IDEMPOTENCY_KEY_TTL_MS - 1;
    expect(store.lookup(scope).kind).toBe('replay');
    now = IDEMPOTENCY_KEY_TTL_MS;
    expect(store.lookup(scope).kind).toBe('new');
    expect(store.size).toBe(0);
  });

  it('rejects keys longer than 255 characters', () => {
    const store = new IdempotencyStore(() => 0);
    expect(() => store.lookup({ apiKey: 'sk', key: 'x'.repeat(256), endpoint: 'POST /v1/refunds', params: {} })).toThrow(
      /at most 255/,
    );
  });
});
