import type { DeliveryItem } from '../../ports/storage.ts';
import type { DeliveryBudget } from '../delivery/budget.ts';
import type { DeliveryContext, DeliveryTarget, ItemOutcome } from '../delivery/target.ts';

/**
 * A delivery target that records what reaches it, for tests and benchmarks of the runtime.
 * It behaves like a real target that dedupes by idempotency key: `effects` holds each key once,
 * `requests` every request as received. `behaviour` decides each request's fate.
 */
export class RecordingTarget implements DeliveryTarget {
  readonly requests: DeliveryItem[][] = [];
  readonly effects = new Map<string, DeliveryItem>();
  /** Per key, the payloads in the order they were applied. */
  readonly appliedByKey = new Map<string, unknown[]>();
  inFlight = 0;
  maxInFlight = 0;

  constructor(
    readonly name: string,
    readonly budget: DeliveryBudget,
    private readonly behaviour: (batch: readonly DeliveryItem[], call: number) => Promise<ItemOutcome[] | void> | ItemOutcome[] | void = () => undefined,
  ) {}

  async deliver(batch: readonly DeliveryItem[], _context: DeliveryContext): Promise<ItemOutcome[]> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const call = this.requests.length;
    this.requests.push([...batch]);
    try {
      const decided = await this.behaviour(batch, call);
      const outcomes = decided ?? batch.map((): ItemOutcome => ({ ok: true }));
      outcomes.forEach((outcome, index) => {
        const item = batch[index]!;
        if (!outcome.ok || this.effects.has(item.idempotencyKey)) return;
        this.effects.set(item.idempotencyKey, item);
        const applied = this.appliedByKey.get(item.key) ?? [];
        applied.push(item.payload);
        this.appliedByKey.set(item.key, applied);
      });
      return outcomes;
    } finally {
      this.inFlight--;
    }
  }

  get itemsReceived(): number {
    return this.requests.reduce((sum, batch) => sum + batch.length, 0);
  }
}
