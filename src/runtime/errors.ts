/**
 * Typed failures. The delivery engine and the flow runtime decide retry versus dead letter
 * from the class of the error, never from its message.
 *
 * - TransientError: try again later (timeouts, 5xx, lock contention).
 * - RateLimitedError: the target said slow down; `retryAfterMs` is its own hint.
 * - AuthExpiredError: refresh credentials and retry once.
 * - PermanentError: the same request will fail again (validation, missing reference,
 *   duplicate); goes to the dead letters with the system's code and the offending field.
 */
export interface FailureDetails {
  /** The target system's own error code when it has one (e.g. `REQUIRED_FIELD_MISSING`). */
  code?: string;
  /** The offending field, when the failure is about one. */
  field?: string;
  /** Which system reported it. */
  system?: string;
  /** Anything else worth keeping for the operator (HTTP status, raw body excerpt). */
  details?: Record<string, unknown>;
}

export abstract class CrossdockFailure extends Error {
  abstract readonly retryable: boolean;
  readonly code: string | undefined;
  readonly field: string | undefined;
  readonly system: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(message: string, info: FailureDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = info.code;
    this.field = info.field;
    this.system = info.system;
    this.details = info.details;
  }

  /** A plain object for storage and the console. */
  toJSON(): SerializedFailure {
    return {
      type: this.name,
      message: this.message,
      retryable: this.retryable,
      ...(this.code !== undefined && { code: this.code }),
      ...(this.field !== undefined && { field: this.field }),
      ...(this.system !== undefined && { system: this.system }),
      ...(this.details !== undefined && { details: this.details }),
    };
  }
}

export class TransientError extends CrossdockFailure {
  readonly retryable = true;
}

export class RateLimitedError extends TransientError {
  readonly retryAfterMs: number | undefined;
  constructor(message: string, info: FailureDetails & { retryAfterMs?: number } = {}, options?: { cause?: unknown }) {
    super(message, info, options);
    this.retryAfterMs = info.retryAfterMs;
  }
}

export class AuthExpiredError extends TransientError {}

export class PermanentError extends CrossdockFailure {
  readonly retryable = false;
}

export interface SerializedFailure {
  type: string;
  message: string;
  retryable: boolean;
  code?: string;
  field?: string;
  system?: string;
  details?: Record<string, unknown>;
  retryAfterMs?: number;
}

/**
 * Turns anything thrown into a serializable failure. Unknown errors are treated as
 * transient: a bug or an unexpected network error should be retried a bounded number of
 * times and then dead-lettered, not lost.
 */
export function toSerializedFailure(error: unknown): SerializedFailure {
  if (error instanceof RateLimitedError) {
    return { ...error.toJSON(), ...(error.retryAfterMs !== undefined && { retryAfterMs: error.retryAfterMs }) };
  }
  if (error instanceof CrossdockFailure) return error.toJSON();
  if (error instanceof Error) {
    // Errors from layers that cannot import the runtime (canonical validation) say for
    // themselves whether a retry could help, with the same fields.
    const own = error as Error & Partial<Pick<SerializedFailure, 'retryable' | 'code' | 'field'>>;
    return {
      type: error.name,
      message: error.message,
      retryable: typeof own.retryable === 'boolean' ? own.retryable : true,
      ...(typeof own.code === 'string' && { code: own.code }),
      ...(typeof own.field === 'string' && { field: own.field }),
    };
  }
  return { type: 'Error', message: String(error), retryable: true };
}

export function isRetryable(error: unknown): boolean {
  return toSerializedFailure(error).retryable;
}
