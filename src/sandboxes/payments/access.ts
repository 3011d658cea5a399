import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ADMIN_PREFIX, SlidingWindowLimit } from '../kit/index.ts';
import { RATE_LIMIT_MESSAGE, StripeApiError } from './errors.ts';

/**
 * Stripe's basic rate limiter in test mode: 25 read and 25 write operations per second
 * (https://docs.stripe.com/rate-limits; live mode: 100 + 100). Newer revisions of that page
 * state a global 25 requests/s for sandboxes; reads and writes are kept apart here as the
 * long-published figure, and tests lower both.
 */
export const STRIPE_TEST_READS_PER_SECOND = 25;
export const STRIPE_TEST_WRITES_PER_SECOND = 25;

export interface StripeAccessOptions {
  secretKeys: string[];
  readsPerSecond: number;
  writesPerSecond: number;
  clock: () => number;
}

/** The secret key a request authenticated with (set by the access hook). */
export function secretKeyOf(request: FastifyRequest): string {
  return keyFromHeader(request.headers.authorization) ?? '';
}

/**
 * Secret-key auth as Stripe accepts it (`Authorization: Bearer sk_test_…`, or Basic with the key
 * as user name) and the read/write rate limits, answered with Stripe's 401 and 429 bodies.
 */
export function installStripeAccess(app: FastifyInstance, options: StripeAccessOptions) {
  const reads = new SlidingWindowLimit({ limit: options.readsPerSecond, windowMs: 1000, clock: options.clock });
  const writes = new SlidingWindowLimit({ limit: options.writesPerSecond, windowMs: 1000, clock: options.clock });

  app.addHook('preHandler', async (request) => {
    if (request.url.startsWith(ADMIN_PREFIX)) return;
    const key = keyFromHeader(request.headers.authorization);
    if (!key) {
      throw new StripeApiError({
        status: 401,
        type: 'invalid_request_error',
        stored: false,
        message:
          "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
      });
    }
    if (!options.secretKeys.includes(key)) {
      throw new StripeApiError({
        status: 401,
        type: 'invalid_request_error',
        stored: false,
        message: `Invalid API Key provided: ${maskKey(key)}`,
      });
    }
    const limit = request.method === 'GET' ? reads : writes;
    if (!limit.tryTake(options.clock()).ok) {
      throw new StripeApiError({
        status: 429,
        type: 'invalid_request_error',
        code: 'rate_limit',
        message: RATE_LIMIT_MESSAGE,
        stored: false,
      });
    }
  });

  return {
    limits: () => ({
      reads: { limit: reads.limit, used: reads.used, windowMs: reads.windowMs },
      writes: { limit: writes.limit, used: writes.used, windowMs: writes.windowMs },
    }),
    reset: () => {
      reads.reset();
      writes.reset();
    },
  };
}

function keyFromHeader(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+(\S+)$/i.exec(authorization);
  if (basic?.[1]) return Buffer.from(basic[1], 'base64').toString().split(':')[0] || undefined;
  return undefined;
}

/** Stripe shows only the last four characters of a wrong key. */
function maskKey(key: string): string {
  const prefix = /^(sk|rk|pk)_(test|live)_/.exec(key)?.[0] ?? '';
  return `${prefix}${'*'.repeat(Math.max(0, key.length - prefix.length - 4))}${key.slice(-4)}`;
}
