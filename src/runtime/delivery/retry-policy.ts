import { ExponentialBackoff, decorrelatedJitterGenerator } from 'cockatiel';

export interface RetryOptions {
  /** Attempts before a transient failure is dead-lettered (the first try counts). */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryOptions: RetryOptions = { maxAttempts: 8, initialDelayMs: 500, maxDelayMs: 5 * 60_000 };

/**
 * Backoff with decorrelated jitter (cockatiel's generator; see
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/). Retries are
 * durable: the delay becomes the item's `availableAt` in storage rather than a sleep in memory,
 * so a restart neither forgets a retry nor retries early.
 */
export class RetryPolicy {
  private readonly backoff: ExponentialBackoff<[number, number]>;

  constructor(readonly options: RetryOptions = defaultRetryOptions) {
    this.backoff = new ExponentialBackoff({
      initialDelay: options.initialDelayMs,
      maxDelay: options.maxDelayMs,
      generator: decorrelatedJitterGenerator,
    });
  }

  /** Whether an item that has now failed `attempts` times may be tried again. */
  canRetry(attempts: number): boolean {
    return attempts < this.options.maxAttempts;
  }

  /** Delay before the next try after `attempts` failures. */
  delayAfter(attempts: number): number {
    let step = this.backoff.next();
    for (let index = 1; index < attempts; index++) step = step.next(undefined);
    return Math.round(step.duration);
  }
}
