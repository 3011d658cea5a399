import type { Storage } from '../../ports/storage.ts';

/** How fresh one flow's work is: when it last handled an event, when its last delivery landed. */
export interface FlowFreshness {
  flow: string;
  /**
   * When the flow last did something with an event: its newest instance change (durable flows)
   * or its newest delivery work (every flow that delivers; stateless flows keep no instances).
   * Null when storage has no trace of it (it never ran, or its history was pruned).
   */
  lastHandledAt: number | null;
  lastHandledAgeMs: number | null;
  /** When the newest of its deliveries reached its target; null when none is on record. */
  lastDeliveredAt: number | null;
  lastDeliveredAgeMs: number | null;
}

const ageAt = (at: number | null, now: number): number | null => (at === null ? null : Math.max(0, now - at));

/**
 * Data freshness per flow, from storage alone (so every worker of a distributed hub tells the
 * same): `flows.lastUpdates` and `delivery.flowActivity`, one index seek per flow each.
 * With `flows`, exactly those flows are listed (a configured flow that never ran shows with
 * nulls); without, every flow storage knows.
 *
 * @example
 * await flowFreshness(storage, { flows: ['order-capture', 'inventory-sync'], now: Date.now() });
 * // [{ flow: 'inventory-sync', lastHandledAt: ..., lastHandledAgeMs: 1200, lastDeliveredAt: ..., lastDeliveredAgeMs: 900 }, ...]
 */
export async function flowFreshness(storage: Pick<Storage, 'flows' | 'delivery'>, options: { flows?: readonly string[] | undefined; now: number }): Promise<FlowFreshness[]> {
  const [instances, deliveries] = await Promise.all([storage.flows.lastUpdates(), storage.delivery.flowActivity()]);
  const handled = new Map<string, number>();
  const delivered = new Map<string, number>();
  for (const row of instances) handled.set(row.flow, Math.max(handled.get(row.flow) ?? row.updatedAt, row.updatedAt));
  for (const row of deliveries) {
    handled.set(row.flow, Math.max(handled.get(row.flow) ?? row.lastEnqueuedAt, row.lastEnqueuedAt));
    if (row.lastDeliveredAt !== null) delivered.set(row.flow, row.lastDeliveredAt);
  }
  const names = options.flows ? [...new Set(options.flows)] : [...new Set([...handled.keys(), ...delivered.keys()])];
  return names
    .sort((a, b) => a.localeCompare(b))
    .map((flow) => {
      const lastHandledAt = handled.get(flow) ?? null;
      const lastDeliveredAt = delivered.get(flow) ?? null;
      return { flow, lastHandledAt, lastHandledAgeMs: ageAt(lastHandledAt, options.now), lastDeliveredAt, lastDeliveredAgeMs: ageAt(lastDeliveredAt, options.now) };
    });
}
