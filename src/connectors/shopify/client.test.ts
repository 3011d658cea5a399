import { describe, expect, it } from 'vitest';
import { AuthExpiredError, PermanentError, RateLimitedError, TransientError } from '../../runtime/errors.ts';
import { graphQLFailure, httpFailure } from './client.ts';
import { throttleWaitMs } from './limits.ts';

const cost = (requested: number, available: number, restoreRate = 100) => ({
  requestedQueryCost: requested,
  actualQueryCost: null,
  throttleStatus: { maximumAvailable: 1000, currentlyAvailable: available, restoreRate },
});

describe('Shopify failure classification', () => {
  it('THROTTLED waits for the missing points at the restore rate', () => {
    const error = graphQLFailure([{ message: 'Throttled', extensions: { code: 'THROTTLED' } }], cost(252, 52));
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(2_000);
    expect(throttleWaitMs({ needed: 10, currentlyAvailable: 50, restoreRate: 100 })).toBe(10);
  });

  it('MAX_COST_EXCEEDED and BAD_REQUEST are permanent with the code; INTERNAL_SERVER_ERROR transient', () => {
    const maxCost = graphQLFailure([{ message: 'Query cost is 3252', extensions: { code: 'MAX_COST_EXCEEDED' } }], cost(3252, 1000));
    expect(maxCost).toBeInstanceOf(PermanentError);
    expect((maxCost as PermanentError).code).toBe('MAX_COST_EXCEEDED');
    const badRequest = graphQLFailure([{ message: 'The @idempotent directive is required', extensions: { code: 'BAD_REQUEST' }, path: ['refundCreate'] }], undefined);
    expect(badRequest).toMatchObject({ code: 'BAD_REQUEST', field: 'refundCreate', system: 'shopify' });
    expect(graphQLFailure([{ message: 'oops', extensions: { code: 'INTERNAL_SERVER_ERROR' } }], undefined)).toBeInstanceOf(TransientError);
  });

  it('HTTP: 401 auth, 429 with Retry-After in seconds, 5xx and no answer transient, 404 permanent', () => {
    expect(httpFailure(401, 'Unauthorized', undefined)).toBeInstanceOf(AuthExpiredError);
    const throttled = httpFailure(429, 'Too Many Requests', new Response('{}', { status: 429, headers: { 'Retry-After': '2.0' } }));
    expect((throttled as RateLimitedError).retryAfterMs).toBe(2_000);
    expect(httpFailure(503, 'Service Unavailable', undefined)).toBeInstanceOf(TransientError);
    expect(httpFailure(undefined, 'fetch failed', undefined)).toBeInstanceOf(TransientError);
    const notFound = httpFailure(404, 'Not Found', undefined);
    expect(notFound).toBeInstanceOf(PermanentError);
    expect((notFound as PermanentError).code).toBe('http_404');
  });
});
