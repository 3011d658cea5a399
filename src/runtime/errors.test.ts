import { describe, expect, it } from 'vitest';
import { validateOrThrow } from '../canonical/index.ts';
import { isRetryable, PermanentError, RateLimitedError, toSerializedFailure, TransientError } from './errors.ts';

describe('failure classification', () => {
  it('keeps the typed failures as they are', () => {
    expect(toSerializedFailure(new RateLimitedError('429', { retryAfterMs: 1500, system: 'netsuite' }))).toMatchObject({
      type: 'RateLimitedError',
      retryable: true,
      retryAfterMs: 1500,
      system: 'netsuite',
    });
    expect(isRetryable(new TransientError('503'))).toBe(true);
    expect(isRetryable(new PermanentError('bad', { code: 'INVALID_FIELD', field: 'Name' }))).toBe(false);
  });

  it('treats an unknown error as transient, but honours an error that says it is not retryable', () => {
    expect(isRetryable(new Error('socket hang up'))).toBe(true);
    let validation: unknown;
    try {
      validateOrThrow('order', { orderNumber: 42 });
    } catch (error) {
      validation = error;
    }
    expect(validation).toBeInstanceOf(Error);
    expect(isRetryable(validation)).toBe(false);
    expect(toSerializedFailure(validation)).toMatchObject({ retryable: false, type: 'CanonicalValidationError' });
  });
});
