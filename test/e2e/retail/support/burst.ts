import type { FaultConfig } from '../../../../src/sandboxes/kit/index.ts';
import { seededRandom } from '../../../../src/sandboxes/kit/index.ts';
import { SANDBOX_SYSTEMS, type RunningSandboxes, type SandboxSystem } from '../../../../src/sandboxes/run-all.ts';
import { ActionKind, DEMO_SEED, planRetailDay, type DemoSeed, type ParcelCondition, type RetailDayOptions, type TrafficAction } from '../../../../src/sandboxes/traffic/index.ts';

/**
 * A retail day weighted towards orders, with everything else a day brings: shipments moving
 * in the warehouse, storefront and service returns (their parcels received at the dock, so
 * refunds reach the payment provider and the storefront), stock receipts and movements, and
 * profile edits. Relative weights of `planRetailDay`.
 */
export const BURST_MIX: RetailDayOptions['mix'] = {
  [ActionKind.storefrontOrder]: 30,
  [ActionKind.storeOrder]: 10,
  [ActionKind.b2bOrder]: 4,
  [ActionKind.stockReceipt]: 4,
  [ActionKind.stockMovement]: 4,
  [ActionKind.shipmentMilestone]: 20,
  [ActionKind.storefrontReturn]: 4,
  [ActionKind.serviceReturnCase]: 4,
  [ActionKind.returnParcel]: 4,
  [ActionKind.customerEdit]: 6,
  // Shoppers cancelling recent web orders: some before booking, some after the release.
  [ActionKind.orderCancel]: 2,
};

/** Stock deep enough that a burst of thousands of orders is not refused for want of it. */
export const BURST_CATALOGUE: DemoSeed = { ...DEMO_SEED, unitsOnHand: 100_000 };

const ORDER_KINDS: ReadonlySet<string> = new Set([ActionKind.storefrontOrder, ActionKind.storeOrder, ActionKind.b2bOrder]);

export const isOrder = (action: TrafficAction) => ORDER_KINDS.has(action.kind);

/**
 * Plans a burst holding at least `orders` orders (bad data included, as in a real day) at
 * `rate` arrivals per second, without a flash sale or a scheduled outage (faults are injected
 * separately). The same seed gives the same burst.
 */
export function planRetailBurst(options: { seed: number; orders: number; rate: number; catalogue?: DemoSeed }): { actions: TrafficAction[]; orders: number; durationMs: number } {
  // About half the arrivals are orders with BURST_MIX; the loop corrects the estimate.
  let durationMs = Math.ceil((options.orders / (options.rate * 0.5)) * 1000);
  for (;;) {
    const actions = planRetailDay({ seed: options.seed, durationMs, rate: options.rate, burst: false, outage: false, mix: BURST_MIX, catalogue: options.catalogue ?? BURST_CATALOGUE });
    const orders = actions.filter(isOrder).length;
    if (orders >= options.orders) return { actions, orders, durationMs };
    durationMs = Math.ceil((durationMs * options.orders * 1.02) / Math.max(1, orders));
  }
}

export interface RandomFaultsOptions {
  seed: number;
  /** When the faulty period starts (ms since epoch) and how long it lasts. */
  from: number;
  spanMs: number;
  /** Each system is down once for this long, at a random moment of the span. */
  downtimeMs: number;
  /** Share of requests answered with each status instead of being served. */
  errorRates: NonNullable<FaultConfig['errorRates']>;
  /** Webhooks sent twice / shuffled within groups (Shopify and WMS). */
  webhooks?: NonNullable<FaultConfig['webhooks']>;
}

/**
 * Random faults for every sandbox, seeded: injected 429s and 5xx on every request (the hub's
 * and the traffic's alike, as on real systems), one downtime window per system, and duplicated
 * and reordered webhooks.
 */
export function randomFaults(options: RandomFaultsOptions): Record<SandboxSystem, FaultConfig> {
  const random = seededRandom(options.seed);
  const faults = {} as Record<SandboxSystem, FaultConfig>;
  for (const system of SANDBOX_SYSTEMS) {
    const from = options.from + Math.floor(random() * Math.max(0, options.spanMs - options.downtimeMs));
    faults[system] = {
      errorRates: options.errorRates,
      downtime: [{ from, to: from + options.downtimeMs }],
      ...((system === 'shopify' || system === 'wms') && options.webhooks && { webhooks: options.webhooks }),
    };
  }
  return faults;
}

/** Sets (or, with `{}` per system, clears) the faults of every sandbox. */
export function applyFaults(sandboxes: RunningSandboxes, faults: Partial<Record<SandboxSystem, FaultConfig>>): void {
  for (const system of SANDBOX_SYSTEMS) {
    const config = faults[system];
    if (config) sandboxes[system].faults.set(config);
  }
}

/**
 * The `flows.returns` settings of the proof runs: a flow re-checks a pending command at least
 * every 2 s and looks for an order's booking for ~15 s (defaults: every minute, ~6 minutes). The
 * behaviour is the same; the proof only stops waiting a quarter of an hour for what the burst
 * already settled (the quiet check waits for every flow timer due within a minute).
 */
export const PROOF_RETURNS_SETTINGS = { outcomeCheckMaxSeconds: 2, orderLookPausesSeconds: [1, 2, 4, 8] } as const;

/**
 * The dock catches up: one parcel per return receipt the WMS still expects, received in turn
 * (mostly sellable, some opened, a few damaged). A burst of seconds ends before most mail
 * returns are even authorized, so without this tail no return would reach its credit memo and
 * its refund through the payment system or the storefront.
 */
export async function expectedParcels(sandboxes: RunningSandboxes): Promise<TrafficAction[]> {
  const response = await fetch(`${sandboxes.wms.url}/__sandbox/state`);
  if (!response.ok) throw new Error(`reading the WMS sandbox state failed: ${response.status}`);
  const state = (await response.json()) as { returnReceipts: { status: string }[] };
  const expected = state.returnReceipts.filter((receipt) => receipt.status === 'expected').length;
  const conditions: ParcelCondition[] = ['sellable', 'sellable', 'opened', 'sellable', 'damaged'];
  return Array.from({ length: expected }, (_, index) => ({ kind: ActionKind.returnParcel, atMs: index * 20, sequence: 0, condition: conditions[index % conditions.length]! }));
}
