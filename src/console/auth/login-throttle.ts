/**
 * Slows password guessing: after `maxFailures` failed logins for one user name within
 * `windowMs`, further attempts for that name are refused until the window has passed (answer
 * 429 with Retry-After). Kept per user name rather than per address so that a guesser rotating
 * addresses gains nothing; a successful login clears the count. In memory, like the sessions.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly options: { maxFailures: number; windowMs: number; clock: () => number } = { maxFailures: 10, windowMs: 15 * 60_000, clock: Date.now },
  ) {}

  /** Milliseconds until `user` may try again; 0 when it may now. */
  blockedForMs(user: string): number {
    const recent = this.recent(user);
    if (recent.length < this.options.maxFailures) return 0;
    return Math.max(0, recent[0]! + this.options.windowMs - this.options.clock());
  }

  failed(user: string): void {
    const recent = this.recent(user);
    recent.push(this.options.clock());
    this.failures.set(user, recent.slice(-this.options.maxFailures));
  }

  succeeded(user: string): void {
    this.failures.delete(user);
  }

  private recent(user: string): number[] {
    const since = this.options.clock() - this.options.windowMs;
    const recent = (this.failures.get(user) ?? []).filter((at) => at > since);
    if (recent.length === 0) this.failures.delete(user);
    return recent;
  }
}
