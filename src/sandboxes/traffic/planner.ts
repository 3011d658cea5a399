import { seededRandom } from '../kit/index.ts';
import { ActionKind, BadData, ParcelCondition, ReturnReason, StorefrontReturnPath } from './actions.ts';
import type { CustomerSignupAction, CustomerSystem, OrderAction, OrderLineSpec, TrafficAction } from './actions.ts';
import { businessCustomers, DEMO_SEED, personCustomers, UNKNOWN_SKUS } from './demo-data.ts';
import type { DemoSeed } from './demo-data.ts';
import { Dice } from './dice.ts';

/** A flash sale: between `at` and `at + length` (fractions of the day) traffic runs at `multiplier` × rate. */
export interface BurstWindow {
  at: number;
  length: number;
  multiplier: number;
}

/** An ERP outage: NetSuite answers 503 from `at` for `length` (fractions of the day). */
export interface OutageWindow {
  at: number;
  length: number;
}

/** The kinds the planner draws at random (the outage is scheduled, payments follow till sales). */
export type DrawnKind = Exclude<ActionKind, typeof ActionKind.erpOutage | typeof ActionKind.paymentCapture>;

export interface RetailDayOptions {
  seed: number;
  /** The whole retail day, compressed into this many ms. */
  durationMs: number;
  /** Arrivals per second outside the burst (a till sale's card payment comes with it, uncounted). */
  rate: number;
  /** Share (0..1) of arrivals that carry bad data. Default 0.05. */
  badDataShare?: number;
  /** Default: a flash sale at 55 % of the day for 10 % of it, at 4 × the rate. `false`: none. */
  burst?: BurstWindow | false;
  /** Default none. */
  outage?: OutageWindow | false;
  /** Relative weights of the drawn kinds; missing kinds keep their default weight. */
  mix?: Partial<Record<DrawnKind, number>>;
  catalogue?: DemoSeed;
}

export const DEFAULT_BURST: BurstWindow = { at: 0.55, length: 0.1, multiplier: 4 };
export const DEFAULT_BAD_DATA_SHARE = 0.05;

/**
 * A retail day's shape: shipments and storefront orders dominate, returns are rare, and a few
 * exceptions happen: a backordered shipment, a store stock-out, a shopper's second account.
 */
export const DEFAULT_MIX: Record<DrawnKind, number> = {
  [ActionKind.storefrontOrder]: 30,
  [ActionKind.storeOrder]: 14,
  [ActionKind.b2bOrder]: 4,
  [ActionKind.stockReceipt]: 6,
  [ActionKind.stockMovement]: 6,
  [ActionKind.shipmentMilestone]: 22,
  [ActionKind.backorderShipment]: 2,
  [ActionKind.storeStockOut]: 1,
  [ActionKind.orderCancel]: 2,
  [ActionKind.storefrontReturn]: 4,
  [ActionKind.serviceReturnCase]: 2,
  [ActionKind.returnParcel]: 2,
  [ActionKind.customerEdit]: 12,
  [ActionKind.customerSignup]: 1,
};

const ORDER_KINDS = [ActionKind.storefrontOrder, ActionKind.storeOrder, ActionKind.b2bOrder] as const;
const CARRIERS = ['UPS', 'FedEx', 'USPS'] as const;
/**
 * Shoppers cancel what they just bought: only the newest storefront orders are candidates, so
 * some cancellations reach the hub before the ERP booking and some after the release to the WMS.
 */
const CANCELLABLE_RECENT_ORDERS = 10;
/**
 * A store reorders a sold-out SKU and the DC's transfer arrives three to five tenths of the day
 * later: long enough, even in a day compressed to a minute, for the hub to learn of the
 * stock-out from the ERP (its poller reads changes seconds old) and reroute pickup orders meanwhile.
 */
const REPLENISHED_AFTER = { min: 0.3, max: 0.5 } as const;
/**
 * Exceptions a retail day has at least once, and the fraction of the day by which they are due:
 * when none was drawn by then, the next arrival is one. Their weights are small, so a short day
 * (a one-minute demo) would often draw none of a kind, and a demo should show every flow.
 */
const DUE_ONCE_BY: Partial<Record<DrawnKind, number>> = {
  [ActionKind.storeStockOut]: 0.25,
  [ActionKind.backorderShipment]: 0.35,
  [ActionKind.customerSignup]: 0.35,
};
/**
 * A shopper with a second account calls customer service 15–25 % of the day after opening it:
 * by then the hub knows the new account as a customer of its own, so her new number on her
 * Salesforce account reveals the two are one.
 */
const SERVICE_CALL_AFTER = { min: 0.15, max: 0.25 } as const;

export class InvalidScenarioError extends Error {
  constructor(
    readonly option: string,
    detail: string,
  ) {
    super(`Invalid traffic scenario option ${option}: ${detail}`);
    this.name = 'InvalidScenarioError';
  }
}

/**
 * Plans a retail day as timed actions: a pure function of its options, so the same seed always
 * gives the same sequence. Arrivals follow a Poisson process whose rate rises to
 * `rate × multiplier` during the flash sale (the extra traffic is storefront orders); the
 * outage is one scheduled action. Some arrivals bring a later action of their own: a till sale
 * its payment, a store stock-out the DC's replenishment, a customer signup the service call.
 * Sorted by time; `sequence` is the position.
 *
 * @example
 * const plan = planRetailDay({ seed: 42, durationMs: 60_000, rate: 5, outage: { at: 0.3, length: 0.05 } });
 */
export function planRetailDay(options: RetailDayOptions): TrafficAction[] {
  validate(options);
  const dice = new Dice(seededRandom(options.seed));
  const builder = new DayBuilder(dice, options.catalogue ?? DEMO_SEED, options.badDataShare ?? DEFAULT_BAD_DATA_SHARE, { ...DEFAULT_MIX, ...options.mix }, options.durationMs);
  const burst = options.burst === undefined ? DEFAULT_BURST : options.burst;
  const inBurst = (t: number) => burst !== false && t >= burst.at * options.durationMs && t < (burst.at + burst.length) * options.durationMs;
  const baseRatePerMs = options.rate / 1000;
  const peakRatePerMs = baseRatePerMs * (burst === false ? 1 : Math.max(1, burst.multiplier));

  // Thinning (Lewis & Shedler): candidates at the peak rate, kept with probability rate(t) / peak.
  const actions: TrafficAction[] = [];
  for (let t = dice.exponential(peakRatePerMs); t < options.durationMs; t += dice.exponential(peakRatePerMs)) {
    const u = dice.next() * peakRatePerMs;
    if (u < baseRatePerMs) actions.push(...builder.arrival(Math.floor(t)));
    else if (inBurst(t)) actions.push(...builder.flashSaleOrder(Math.floor(t)));
  }
  if (options.outage) {
    actions.push({
      kind: ActionKind.erpOutage,
      atMs: Math.floor(options.outage.at * options.durationMs),
      durationMs: Math.max(1, Math.floor(options.outage.length * options.durationMs)),
      sequence: 0,
    });
  }
  // A stable sort keeps a till sale before its payment and arrivals in drawing order.
  return actions.sort((a, b) => a.atMs - b.atMs).map((action, sequence) => ({ ...action, sequence }));
}

function validate(options: RetailDayOptions): void {
  if (!Number.isFinite(options.durationMs) || options.durationMs <= 0) throw new InvalidScenarioError('durationMs', 'must be a positive number of milliseconds');
  if (!Number.isFinite(options.rate) || options.rate < 0) throw new InvalidScenarioError('rate', 'must be zero or more actions per second');
  const share = options.badDataShare ?? DEFAULT_BAD_DATA_SHARE;
  if (!(share >= 0 && share <= 1)) throw new InvalidScenarioError('badDataShare', 'must be between 0 and 1');
  for (const [name, window] of [['burst', options.burst], ['outage', options.outage]] as const) {
    if (!window) continue;
    if (!(window.at >= 0 && window.at <= 1 && window.length > 0 && window.at + window.length <= 1)) {
      throw new InvalidScenarioError(name, 'at and length are fractions of the day (0..1) and the window must end by the end of the day');
    }
  }
  if (options.burst && !(options.burst.multiplier >= 1)) throw new InvalidScenarioError('burst.multiplier', 'must be 1 or more');
}

/** Draws one arrival at a time and remembers the orders placed so far, for returns and cancellations. */
class DayBuilder {
  private readonly counters = { web: 0, pos: 0, b2b: 0, receipt: 0, signup: 0 };
  private readonly placed: OrderAction[] = [];
  // An order is either cancelled or returned, never both: a returned order has reached the
  // shopper, too late to cancel, and a cancelled one never ships, so there is nothing to return.
  private readonly cancelled = new Set<string>();
  private readonly returned = new Set<string>();
  /** Storefront returns planned so far: every fifth is a merchant refund, the rest are shoppers' requests. */
  private storefrontReturns = 0;
  private readonly kinds: DrawnKind[];
  private readonly weights: number[];
  /** Exceptions still due once today (see DUE_ONCE_BY), with the time they are due by. */
  private readonly due: [DrawnKind, number][];

  constructor(
    private readonly dice: Dice,
    private readonly seed: DemoSeed,
    private readonly badDataShare: number,
    mix: Record<DrawnKind, number>,
    private readonly durationMs: number,
  ) {
    this.kinds = Object.keys(mix) as DrawnKind[];
    this.weights = this.kinds.map((kind) => Math.max(0, mix[kind]));
    this.due = (Object.entries(DUE_ONCE_BY) as [DrawnKind, number][]).filter(([kind]) => mix[kind] > 0).map(([kind, by]) => [kind, by * durationMs]);
  }

  arrival(atMs: number): TrafficAction[] {
    const overdue = this.due.find(([, by]) => atMs >= by)?.[0];
    if (overdue === undefined && this.dice.chance(this.badDataShare)) {
      const kind = this.dice.pick(ORDER_KINDS);
      return this.order(kind, atMs, this.dice.pick(Object.values(BadData)));
    }
    const kind = overdue ?? this.dice.weighted(this.kinds, this.weights);
    const dueIndex = this.due.findIndex(([candidate]) => candidate === kind);
    if (dueIndex >= 0) this.due.splice(dueIndex, 1);
    switch (kind) {
      case ActionKind.storefrontOrder:
      case ActionKind.storeOrder:
      case ActionKind.b2bOrder:
        return this.order(kind, atMs);
      case ActionKind.stockReceipt:
        return [this.stockReceipt(atMs)];
      case ActionKind.stockMovement:
        return [this.stockMovement(atMs)];
      case ActionKind.shipmentMilestone:
        return [this.shipment(atMs)];
      case ActionKind.backorderShipment:
        return [this.backorderShipment(atMs)];
      case ActionKind.storeStockOut:
        return this.storeStockOut(atMs);
      case ActionKind.orderCancel:
        return this.cancellation(atMs);
      case ActionKind.storefrontReturn:
      case ActionKind.serviceReturnCase:
        return [this.returnOf(kind, atMs)];
      case ActionKind.returnParcel:
        return [this.returnParcel(atMs)];
      case ActionKind.customerEdit:
        return [this.customerEdit(atMs)];
      case ActionKind.customerSignup:
        return this.customerSignup(atMs);
    }
  }

  flashSaleOrder(atMs: number): TrafficAction[] {
    return this.order(ActionKind.storefrontOrder, atMs, this.dice.chance(this.badDataShare) ? this.dice.pick(Object.values(BadData)) : undefined);
  }

  private order(kind: OrderAction['kind'], atMs: number, badData?: BadData): TrafficAction[] {
    const b2b = kind === ActionKind.b2bOrder;
    const stores = this.seed.locations.filter((location) => location.kind === 'store');
    const warehouses = this.seed.locations.filter((location) => location.kind === 'warehouse');
    const location = this.dice.pick(kind === ActionKind.storeOrder ? stores : warehouses);
    const customer = this.dice.pick(b2b ? businessCustomers(this.seed) : personCustomers(this.seed));
    const products = this.dice.sample(this.seed.products, b2b ? this.dice.int(2, 4) : this.dice.int(1, 3));
    const lines: OrderLineSpec[] = products.map((product) => ({
      sku: product.sku,
      quantity: b2b ? this.dice.int(6, 24) : this.dice.int(1, 2),
      unitPrice: product.listPrice,
    }));
    const first = lines[0] as OrderLineSpec;
    if (badData === BadData.unknownSku) first.sku = this.dice.pick(UNKNOWN_SKUS);
    // A stale price in the channel: off by 10..40 % against the price book.
    if (badData === BadData.priceMismatch) first.unitPrice = (Number(first.unitPrice) * (1 - this.dice.int(10, 40) / 100)).toFixed(2);
    const channel = kind === ActionKind.storefrontOrder ? 'web' : kind === ActionKind.storeOrder ? 'pos' : 'b2b';
    this.counters[channel] += 1;
    const orderRef = `${channel.toUpperCase()}-${String(this.counters[channel]).padStart(6, '0')}`;
    const order: OrderAction = {
      kind, atMs, sequence: 0, orderRef, customerNumber: customer.customerNumber, locationCode: location?.code ?? '', lines,
      ...(badData ? { badData } : {}),
    };
    if (!badData) this.placed.push(order);
    if (kind !== ActionKind.storeOrder || badData) return [order];
    const amountMinor = lines.reduce((sum, line) => sum + Math.round(Number(line.unitPrice) * 100) * line.quantity, 0);
    return [order, { kind: ActionKind.paymentCapture, atMs, sequence: 0, orderRef, amountMinor, method: this.dice.weighted(['card', 'gift_card'] as const, [9, 1]) }];
  }

  private stockReceipt(atMs: number): TrafficAction {
    this.counters.receipt += 1;
    const warehouse = this.dice.pick(this.seed.locations.filter((location) => location.kind === 'warehouse'));
    return {
      kind: ActionKind.stockReceipt, atMs, sequence: 0,
      sku: this.dice.pick(this.seed.products).sku,
      quantity: this.dice.int(2, 10) * 12,
      locationCode: warehouse?.code ?? '',
      reference: `PO-${String(4100 + this.counters.receipt)}`,
    };
  }

  private stockMovement(atMs: number): TrafficAction {
    const movement = this.dice.weighted(['transfer', 'cycle-count', 'shrinkage', 'damaged'] as const, [4, 2, 2, 1]);
    const warehouse = this.dice.pick(this.seed.locations.filter((location) => location.kind === 'warehouse'));
    const store = this.dice.pick(this.seed.locations.filter((location) => location.kind === 'store'));
    const sku = this.dice.pick(this.seed.products).sku;
    if (movement === 'transfer') {
      return { kind: ActionKind.stockMovement, atMs, sequence: 0, sku, quantity: this.dice.int(1, 4) * 6, movement, fromLocationCode: warehouse?.code ?? '', toLocationCode: store?.code ?? '' };
    }
    // A count finds more or fewer units than the books say; shrinkage and damage only remove.
    const units = this.dice.int(1, 3);
    const quantity = movement === 'cycle-count' && this.dice.chance(0.5) ? units : -units;
    return { kind: ActionKind.stockMovement, atMs, sequence: 0, sku, quantity, movement, fromLocationCode: warehouse?.code ?? '' };
  }

  private shipment(atMs: number): TrafficAction {
    const carrier = this.dice.pick(CARRIERS);
    return { kind: ActionKind.shipmentMilestone, atMs, sequence: 0, carrier, trackingNumber: trackingNumber(carrier, this.dice) };
  }

  private backorderShipment(atMs: number): TrafficAction {
    const carrier = this.dice.pick(CARRIERS);
    return { kind: ActionKind.backorderShipment, atMs, sequence: 0, carrier, trackingNumber: trackingNumber(carrier, this.dice) };
  }

  /**
   * A store count finds a SKU sold out, and the store reorders it: the DC's replenishment
   * transfer follows later in the day (or tomorrow, when the day ends first).
   */
  private storeStockOut(atMs: number): TrafficAction[] {
    const store = this.dice.pick(this.seed.locations.filter((location) => location.kind === 'store'));
    const warehouse = this.dice.pick(this.seed.locations.filter((location) => location.kind === 'warehouse'));
    const sku = this.dice.pick(this.seed.products).sku;
    const replenishedAt = atMs + Math.floor(this.dayFraction(REPLENISHED_AFTER));
    const quantity = this.dice.int(4, 8) * 6;
    const stockOut: TrafficAction = { kind: ActionKind.storeStockOut, atMs, sequence: 0, sku, locationCode: store?.code ?? '' };
    if (replenishedAt >= this.durationMs) return [stockOut];
    return [stockOut, { kind: ActionKind.stockMovement, atMs: replenishedAt, sequence: 0, sku, quantity, movement: 'transfer', fromLocationCode: warehouse?.code ?? '', toLocationCode: store?.code ?? '' }];
  }

  /**
   * A returning shopper with a new mobile number opens a second account under a new e-mail, and
   * later customer service record the number on her Salesforce account. Each signup gets its own
   * number (Chicago's 773 area, 555 exchange), unlike any the day's profile edits give out.
   */
  private customerSignup(atMs: number): TrafficAction[] {
    const customer = this.dice.pick(personCustomers(this.seed));
    const calledAt = Math.min(this.durationMs - 1, atMs + Math.max(1, Math.floor(this.dayFraction(SERVICE_CALL_AFTER))));
    if (!customer) return [];
    this.counters.signup += 1;
    const name = [customer.firstName, customer.lastName].map((part) => (part ?? '').toLowerCase().replace(/[^a-z]/g, '')).filter(Boolean).join('.');
    const account: CustomerSignupAction = {
      kind: ActionKind.customerSignup, atMs, sequence: 0, step: 'account',
      signupRef: `SIGNUP-${String(this.counters.signup).padStart(6, '0')}`,
      customerNumber: customer.customerNumber,
      email: `${name || 'shopper'}.${this.counters.signup}@mail.example`,
      phone: `+1773555${String(this.counters.signup % 10_000).padStart(4, '0')}`,
    };
    return [account, { ...account, atMs: Math.max(atMs, calledAt), step: 'mobile-number' }];
  }

  /** A duration drawn between two fractions of the day, in ms. */
  private dayFraction(range: { min: number; max: number }): number {
    return (range.min + this.dice.next() * (range.max - range.min)) * this.durationMs;
  }

  private returnOf(kind: typeof ActionKind.storefrontReturn | typeof ActionKind.serviceReturnCase, atMs: number): TrafficAction {
    // Customer service takes returns of any channel, a till sale included (it was paid by card, so the refund goes back to it).
    const returnable = this.placed.filter((order) => !this.cancelled.has(order.orderRef));
    const candidates = kind === ActionKind.storefrontReturn ? returnable.filter((order) => order.kind === ActionKind.storefrontOrder) : returnable;
    const order = candidates.length > 0 ? this.dice.pick(candidates) : undefined;
    if (order) this.returned.add(order.orderRef);
    const customer = order?.customerNumber ?? this.dice.pick(personCustomers(this.seed))?.customerNumber ?? '';
    // Counted, not drawn: the day's other draws stay what they were for a seed.
    const via = kind === ActionKind.storefrontReturn ? (++this.storefrontReturns % 5 === 0 ? StorefrontReturnPath.merchantRefund : StorefrontReturnPath.returnRequest) : undefined;
    return {
      kind, atMs, sequence: 0,
      ...(order ? { orderRef: order.orderRef } : {}),
      customerNumber: customer,
      reason: this.dice.weighted(Object.values(ReturnReason), [2, 1, 4, 3, 1]),
      quantity: 1,
      ...(via ? { via } : {}),
    };
  }

  /** One of the newest storefront orders, cancelled; none when there is nothing left a shopper could cancel. */
  private cancellation(atMs: number): TrafficAction[] {
    const candidates = this.recentStorefrontOrders().filter((order) => !this.cancelled.has(order.orderRef) && !this.returned.has(order.orderRef));
    if (candidates.length === 0) return [];
    const { orderRef } = this.dice.pick(candidates);
    this.cancelled.add(orderRef);
    return [{ kind: ActionKind.orderCancel, atMs, sequence: 0, orderRef }];
  }

  /** The last storefront orders placed, newest first (walked from the end: `placed` grows all day). */
  private recentStorefrontOrders(): OrderAction[] {
    const recent: OrderAction[] = [];
    for (let index = this.placed.length - 1; index >= 0 && recent.length < CANCELLABLE_RECENT_ORDERS; index -= 1) {
      const order = this.placed[index] as OrderAction;
      if (order.kind === ActionKind.storefrontOrder) recent.push(order);
    }
    return recent;
  }

  /** Most parcels come back as sold, some opened, a few damaged. */
  private returnParcel(atMs: number): TrafficAction {
    const condition = this.dice.weighted([ParcelCondition.sellable, ParcelCondition.opened, ParcelCondition.damaged], [7, 2, 1]);
    return { kind: ActionKind.returnParcel, atMs, sequence: 0, condition };
  }

  private customerEdit(atMs: number): TrafficAction {
    const system: CustomerSystem = this.dice.pick(['salesforce', 'shopify', 'netsuite'] as const);
    const customer = this.dice.pick(personCustomers(this.seed));
    const change = this.dice.pick(['phone', 'city', 'marketingOptIn', 'note'] as const);
    const changes =
      change === 'phone' ? { phone: `+1312555${String(this.dice.int(0, 9999)).padStart(4, '0')}` }
      : change === 'city' ? { city: this.dice.pick(['Evanston', 'Oak Park', 'Naperville', 'Dayton']) }
      : change === 'marketingOptIn' ? { marketingOptIn: this.dice.chance(0.5) }
      : { note: this.dice.pick(['Prefers evening delivery', 'VIP since 2019', 'Allergic to wool']) };
    return { kind: ActionKind.customerEdit, atMs, sequence: 0, system, customerNumber: customer?.customerNumber ?? '', changes };
  }
}

function trackingNumber(carrier: (typeof CARRIERS)[number], dice: Dice): string {
  const digits = (count: number) => Array.from({ length: count }, () => String(dice.int(0, 9))).join('');
  // Formats as printed by each carrier: UPS 1Z + 16, FedEx 12 digits, USPS 22 digits starting 94.
  if (carrier === 'UPS') return `1Z${digits(16)}`;
  if (carrier === 'FedEx') return digits(12);
  return `94${digits(20)}`;
}
