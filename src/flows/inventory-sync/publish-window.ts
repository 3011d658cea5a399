/**
 * Holds availability updates briefly so they leave in full batches. The first update for a
 * target opens a window of `windowMs`; every update enqueued while it is open becomes due when
 * it closes. Meanwhile a newer level of the same sku@location replaces the held one (the
 * delivery queue coalesces pending state updates), so a burst of N updates over K keys costs
 * about K / batch size calls instead of one small call per wake-up of the dispatcher.
 *
 * The window lives in memory: after a restart the next update opens a new one, which costs at
 * most one extra, smaller batch. With `windowMs` 0 updates are due at once.
 *
 * @example
 * const window = new PublishWindow(1_000, Date.now);
 * window.dueAt('commerce'); // now + 1 s, and the same for every update in that second
 */
export class PublishWindow {
  private readonly closesAt = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly clock: () => number,
  ) {}

  /** When an update for `target` enqueued now should be delivered. */
  dueAt(target: string): number {
    const now = this.clock();
    if (this.windowMs <= 0) return now;
    const open = this.closesAt.get(target);
    if (open !== undefined && open > now) return open;
    const closes = now + this.windowMs;
    this.closesAt.set(target, closes);
    return closes;
  }
}
