import { GraphQLFieldError } from '../graphql/errors.ts';
import type { GraphQLObject, ResolveInfo } from '../graphql/execute.ts';
import { IDEMPOTENCY_REQUIRED_SINCE, IDEMPOTENCY_SINCE, isVersionAtLeast } from './versions.ts';

interface Remembered {
  mutation: string;
  fingerprint: string;
  payload: GraphQLObject;
}

/**
 * The `@idempotent(key:)` directive (https://shopify.dev/docs/api/usage/idempotent-requests):
 * a retry with the same key and the same arguments returns the first result instead of
 * running the mutation again; the same key with different arguments is refused.
 */
export class IdempotencyLedger {
  private readonly entries = new Map<string, Remembered>();

  run(options: {
    mutation: string;
    args: Record<string, unknown>;
    info: ResolveInfo;
    apiVersion: string;
    mismatch: (message: string) => GraphQLObject;
    execute: () => GraphQLObject;
  }): GraphQLObject {
    const directive = options.info.directives.idempotent;
    if (directive && !isVersionAtLeast(options.apiVersion, IDEMPOTENCY_SINCE)) {
      throw new GraphQLFieldError('Directive @idempotent is not defined', { code: 'undefinedDirective', directiveName: 'idempotent' });
    }
    const key = directive?.key;
    if (typeof key !== 'string' || key.length === 0) {
      if (isVersionAtLeast(options.apiVersion, IDEMPOTENCY_REQUIRED_SINCE)) {
        throw new GraphQLFieldError('The @idempotent directive is required for this mutation but was not provided.', { code: 'BAD_REQUEST' });
      }
      return options.execute();
    }
    const fingerprint = JSON.stringify(options.args);
    const remembered = this.entries.get(key);
    if (remembered) {
      if (remembered.mutation !== options.mutation || remembered.fingerprint !== fingerprint) {
        return options.mismatch('The same idempotency key cannot be used with different operation parameters.');
      }
      return remembered.payload;
    }
    const payload = options.execute();
    this.entries.set(key, { mutation: options.mutation, fingerprint, payload });
    return payload;
  }

  get size(): number {
    return this.entries.size;
  }

  reset(): void {
    this.entries.clear();
  }
}
