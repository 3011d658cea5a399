import type { FastifyInstance } from 'fastify';
import { ADMIN_PREFIX, SlidingWindowLimit } from '../kit/index.ts';
import { WmsError } from './errors.ts';

/**
 * Requests per second per API key. There is no industry standard for warehouse APIs; 10/s is a
 * plausible figure in the range of common WMS and 3PL REST APIs, not a vendor-published number.
 */
export const WMS_REQUESTS_PER_SECOND = 10;

export interface WmsAccessOptions {
  apiKeys: string[];
  requestsPerSecond: number;
  clock: () => number;
}

/**
 * API-key auth (`Authorization: Bearer <key>` or `X-Api-Key: <key>`) and a per-key rate limit,
 * answered with 429, `Retry-After` (seconds) and the `X-RateLimit-*` headers.
 */
export function installWmsAccess(app: FastifyInstance, options: WmsAccessOptions): { limits(): unknown; reset(): void } {
  const windows = new Map<string, SlidingWindowLimit>();
  const windowFor = (key: string) => {
    let window = windows.get(key);
    if (!window) {
      window = new SlidingWindowLimit({ limit: options.requestsPerSecond, windowMs: 1000, clock: options.clock });
      windows.set(key, window);
    }
    return window;
  };

  app.addHook('preHandler', async (request, reply) => {
    if (request.url.startsWith(ADMIN_PREFIX)) return;
    const key = apiKeyOf(request.headers);
    if (!key) throw new WmsError(401, 'unauthorized', 'Missing API key: send Authorization: Bearer <key> or X-Api-Key.');
    if (!options.apiKeys.includes(key)) throw new WmsError(401, 'unauthorized', 'Invalid API key.');
    const window = windowFor(key);
    const decision = window.tryTake(options.clock());
    reply.header('X-RateLimit-Limit', String(window.limit));
    reply.header('X-RateLimit-Remaining', String(window.remaining));
    if (!decision.ok) {
      const retryAfterSeconds = String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
      throw new WmsError(
        429,
        'rate_limited',
        `Rate limit of ${window.limit} requests per second exceeded; retry after ${retryAfterSeconds} s.`,
        undefined,
        { 'Retry-After': retryAfterSeconds },
      );
    }
  });

  return {
    limits: () => ({
      requestsPerSecond: {
        limit: options.requestsPerSecond,
        perKey: Object.fromEntries(
          [...windows].map(([key, window]) => [`${key.slice(0, 6)}…`, { used: window.used, remaining: window.remaining }]),
        ),
      },
    }),
    reset: () => windows.clear(),
  };
}

function apiKeyOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.length > 0) return apiKey;
  const authorization = headers.authorization;
  if (typeof authorization !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  return match?.[1];
}
