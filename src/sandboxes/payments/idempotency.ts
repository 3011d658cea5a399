import { canonicalJson } from '../kit/index.ts';
import { StripeApiError } from './errors.ts';

/**
 * Stripe's idempotency semantics (https://docs.stripe.com/api/idempotent_requests):
 * - the first result for a key (status and body, errors included once the endpoint began) is
 *   saved and replayed for the same key, with `Idempotent-Replayed: true`;
 * - the same key with a different endpoint or different parameters is a 400 `idempotency_error`;
 * - keys are scoped to the API key and can be removed after 24 hours.
 */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;
/** Stripe limits keys to 255 characters. */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

export interface SavedResponse {
  status: number;
  body: unknown;
  requestId: string;
}

interface Entry extends SavedResponse {
  endpoint: string;
  params: string;
  savedAt: number;
}

export type IdempotencyLookup = { kind: 'new' } | { kind: 'replay'; response: SavedResponse };

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: () => number) {}

  /** What to do with a request carrying `key`: run it, or replay the saved response. */
  lookup(options: { apiKey: string; key: string; endpoint: string; params: unknown }): IdempotencyLookup {
    if (options.key.length > IDEMPOTENCY_KEY_MAX_LENGTH) {
      throw new StripeApiError({
        status: 400,
        type: 'invalid_request_error',
        message: `Invalid Idempotency-Key: keys must be at most ${IDEMPOTENCY_KEY_MAX_LENGTH} characters long.`,
        stored: false,
      });
    }
    this.expire();
    const entry = this.entries.get(scoped(options.apiKey, options.key));
    if (!entry) return { kind: 'new' };
    if (entry.endpoint !== options.endpoint || entry.params !== canonicalJson(options.params)) {
      throw new StripeApiError({
        status: 400,
        type: 'idempotency_error',
        message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${options.key}' if you meant to execute a different request.`,
        stored: false,
      });
    }
    return { kind: 'replay', response: { status: entry.status, body: entry.body, requestId: entry.requestId } };
  }

  save(options: { apiKey: string; key: string; endpoint: string; params: unknown; response: SavedResponse }): void {
    this.entries.set(scoped(options.apiKey, options.key), {
      ...options.response,
      endpoint: options.endpoint,
      params: canonicalJson(options.params),
      savedAt: this.clock(),
    });
  }

  get size(): number {
    this.expire();
    return this.entries.size;
  }

  reset(): void {
    this.entries.clear();
  }

  /** Entries are kept in insertion order, so expiry stops at the first young one. */
  private expire(): void {
    const cutoff = this.clock() - IDEMPOTENCY_KEY_TTL_MS;
    for (const [key, entry] of this.entries) {
      if (entry.savedAt > cutoff) break;
      this.entries.delete(key);
    }
  }
}

function scoped(apiKey: string, key: string): string {
  return `${apiKey}\u0000${key}`;
}
