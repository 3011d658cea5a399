import { describe, expect, it } from 'vitest';
import { ActionKind, countByKind, StorefrontReturnPath } from './actions.ts';
import type { CustomerSignupAction, OrderAction, OrderCancelAction, ReturnAction, ReturnParcelAction, StockMovementAction, StoreStockOutAction, TrafficAction } from './actions.ts';
import { DEMO_SEED, UNKNOWN_SKUS } from './demo-data.ts';
import { InvalidScenarioError, planRetailDay } from './planner.ts';

const arrivals = (plan: TrafficAction[]) => plan.filter((a) => a.kind !== ActionKind.paymentCapture && a.kind !== ActionKind.erpOutage);

describe('planRetailDay', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const options = { seed: 42, durationMs: 60_000, rate: 10 };
    expect(planRetailDay(options)).toEqual(planRetailDay(options));
    expect(JSON.stringify(planRetailDay({ ...options, seed: 43 }))).not.toEqual(JSON.stringify(planRetailDay(options)));
  });

  it('honours the rate: about rate × duration arrivals without a burst', () => {
    const plan = planRetailDay({ seed: 7, durationMs: 100_000, rate: 20, burst: false });
    // Expected 2,000 (Poisson, sd ≈ 45): loose bounds that still catch a wrong unit or a missing event.
    expect(arrivals(plan).length).toBeGreaterThan(1800);
    expect(arrivals(plan).length).toBeLessThan(2200);
    expect(plan.every((a) => a.atMs >= 0 && a.atMs < 100_000)).toBe(true);
    expect(plan.map((a) => a.atMs)).toEqual([...plan.map((a) => a.atMs)].sort((a, b) => a - b));
    expect(plan.map((a) => a.sequence)).toEqual(plan.map((_, index) => index));
  });

  it('raises traffic during the flash sale, with the extra traffic as storefront orders', () => {
    const durationMs = 100_000;
    const plan = planRetailDay({ seed: 3, durationMs, rate: 20, burst: { at: 0.5, length: 0.1, multiplier: 5 } });
    const inside = arrivals(plan).filter((a) => a.atMs >= 50_000 && a.atMs < 60_000);
    const before = arrivals(plan).filter((a) => a.atMs >= 30_000 && a.atMs < 40_000);
    // 1,000 expected in the burst window vs 200 in a normal one of the same length.
    expect(inside.length).toBeGreaterThan(3 * before.length);
    const storefrontShare = (list: TrafficAction[]) => list.filter((a) => a.kind === ActionKind.storefrontOrder).length / list.length;
    expect(storefrontShare(inside)).toBeGreaterThan(storefrontShare(before) + 0.3);
  });

  it('schedules the ERP outage once, at its window', () => {
    const plan = planRetailDay({ seed: 1, durationMs: 20_000, rate: 5, outage: { at: 0.25, length: 0.1 } });
    const outages = plan.filter((a) => a.kind === ActionKind.erpOutage);
    expect(outages).toEqual([expect.objectContaining({ atMs: 5_000, durationMs: 2_000 })]);
    expect(planRetailDay({ seed: 1, durationMs: 20_000, rate: 5 }).some((a) => a.kind === ActionKind.erpOutage)).toBe(false);
  });

  it('puts bad data on about the configured share of arrivals, only on orders', () => {
    const plan = arrivals(planRetailDay({ seed: 11, durationMs: 100_000, rate: 20, burst: false, badDataShare: 0.2 }));
    const bad = plan.filter((a) => a.badData !== undefined);
    expect(bad.length / plan.length).toBeGreaterThan(0.16);
    expect(bad.length / plan.length).toBeLessThan(0.24);
    expect(new Set(bad.map((a) => a.kind))).toEqual(new Set([ActionKind.storefrontOrder, ActionKind.storeOrder, ActionKind.b2bOrder]));
    const unknown = bad.filter((a) => a.badData === 'unknown-sku') as OrderAction[];
    expect(unknown.every((order) => (UNKNOWN_SKUS as readonly string[]).includes(order.lines[0]?.sku ?? ''))).toBe(true);
    const mismatched = bad.filter((a) => a.badData === 'price-mismatch') as OrderAction[];
    for (const order of mismatched) {
      const line = order.lines[0];
      const listPrice = DEMO_SEED.products.find((p) => p.sku === line?.sku)?.listPrice;
      expect(line?.unitPrice).not.toBe(listPrice);
    }
    expect(arrivals(planRetailDay({ seed: 11, durationMs: 20_000, rate: 20, badDataShare: 0 })).some((a) => a.badData)).toBe(false);
  });

  it('draws every kind of a retail day and gives each till sale its payment', () => {
    const plan = planRetailDay({ seed: 5, durationMs: 60_000, rate: 10 });
    const counts = countByKind(plan);
    for (const kind of Object.values(ActionKind)) {
      if (kind !== ActionKind.erpOutage) expect(counts[kind], kind).toBeGreaterThan(0);
    }
    const goodStoreOrders = plan.filter((a) => a.kind === ActionKind.storeOrder && !a.badData);
    expect(counts[ActionKind.paymentCapture]).toBe(goodStoreOrders.length);
    const returns = plan.filter((a) => a.kind === ActionKind.storefrontReturn && 'orderRef' in a && a.orderRef);
    const placedBefore = (ref: string, at: number) => plan.some((a) => a.kind === ActionKind.storefrontOrder && a.orderRef === ref && a.atMs <= at);
    expect(returns.every((r) => r.kind === ActionKind.storefrontReturn && placedBefore(r.orderRef ?? '', r.atMs))).toBe(true);
  });

  it('plans return parcels in a drawn condition, mostly sellable, some opened, a few damaged', () => {
    const options = { seed: 21, durationMs: 100_000, rate: 20, burst: false as const, mix: { [ActionKind.returnParcel]: 100 } };
    const parcels = planRetailDay(options).filter((a): a is ReturnParcelAction => a.kind === ActionKind.returnParcel);
    // About half the arrivals (≈ 1,000) with these weights: enough for stable shares.
    expect(parcels.length).toBeGreaterThan(500);
    const share = (condition: ReturnParcelAction['condition']) => parcels.filter((p) => p.condition === condition).length / parcels.length;
    expect(share('sellable')).toBeGreaterThan(0.6);
    expect(share('opened')).toBeGreaterThan(share('damaged'));
    expect(share('damaged')).toBeGreaterThan(0.03);
    expect(share('sellable') + share('opened') + share('damaged')).toBeCloseTo(1);
    // The condition is part of the plan, so a seed replays the same parcels.
    expect(planRetailDay(options).filter((a) => a.kind === ActionKind.returnParcel)).toEqual(parcels);
  });

  it('lets customer service take returns of till sales as well as shipped orders', () => {
    const plan = planRetailDay({ seed: 8, durationMs: 60_000, rate: 10, burst: false, badDataShare: 0, mix: { [ActionKind.serviceReturnCase]: 20 } });
    const cases = plan.filter((a): a is ReturnAction => a.kind === ActionKind.serviceReturnCase && a.orderRef !== undefined);
    const kindOf = (ref: string | undefined) => plan.find((a) => a.kind !== ActionKind.paymentCapture && 'orderRef' in a && a.orderRef === ref)?.kind;
    const returnedKinds = new Set(cases.map((c) => kindOf(c.orderRef)));
    expect(returnedKinds).toContain(ActionKind.storeOrder);
    expect(returnedKinds).toContain(ActionKind.storefrontOrder);
    // A till sale returned through service was paid at the till before the case is opened.
    const tillReturns = cases.filter((c) => kindOf(c.orderRef) === ActionKind.storeOrder);
    expect(tillReturns.every((c) => plan.some((a) => a.kind === ActionKind.paymentCapture && a.orderRef === c.orderRef && a.atMs <= c.atMs))).toBe(true);
  });

  it("sends four in five storefront returns through the shopper's return request and every fifth to a merchant refund, the same for a seed", () => {
    const options = { seed: 23, durationMs: 60_000, rate: 10, burst: false as const, mix: { [ActionKind.storefrontReturn]: 20, [ActionKind.serviceReturnCase]: 10 } };
    const plan = planRetailDay(options);
    const storefront = plan.filter((a): a is ReturnAction => a.kind === ActionKind.storefrontReturn);
    expect(storefront.length).toBeGreaterThan(20);
    // Counted, not drawn: exactly the fifth, tenth, … storefront return of the day is a merchant refund.
    expect(storefront.map((r) => r.via)).toEqual(storefront.map((_, index) => ((index + 1) % 5 === 0 ? StorefrontReturnPath.merchantRefund : StorefrontReturnPath.returnRequest)));
    const cases = plan.filter((a): a is ReturnAction => a.kind === ActionKind.serviceReturnCase);
    expect(cases.length).toBeGreaterThan(0);
    expect(cases.filter((c) => c.via !== undefined)).toEqual([]);
    expect(planRetailDay(options).filter((a) => a.kind === ActionKind.storefrontReturn)).toEqual(storefront);
  });

  it('cancels only recent storefront orders placed before, each once, and never one it returns', () => {
    const mix = { [ActionKind.orderCancel]: 10, [ActionKind.storefrontReturn]: 10, [ActionKind.serviceReturnCase]: 10 };
    const plan = planRetailDay({ seed: 13, durationMs: 60_000, rate: 10, burst: false, badDataShare: 0.1, mix });
    const cancels = plan.filter((a): a is OrderCancelAction => a.kind === ActionKind.orderCancel);
    // About 60 expected (10 of 108 weight over 600 arrivals): enough to catch a stray reference.
    expect(cancels.length).toBeGreaterThan(20);
    const storefrontOrders = plan.filter((a): a is OrderAction => a.kind === ActionKind.storefrontOrder && !a.badData);
    for (const cancel of cancels) {
      const placedBefore = storefrontOrders.filter((order) => order.sequence < cancel.sequence && order.atMs <= cancel.atMs);
      // One of the last ten storefront orders placed when the shopper cancels.
      expect(placedBefore.slice(-10).map((order) => order.orderRef), `${cancel.orderRef} at ${cancel.sequence}`).toContain(cancel.orderRef);
    }
    const cancelled = cancels.map((c) => c.orderRef);
    expect(new Set(cancelled).size).toBe(cancelled.length);
    const returned = plan.filter((a): a is ReturnAction => (a.kind === ActionKind.storefrontReturn || a.kind === ActionKind.serviceReturnCase) && a.orderRef !== undefined);
    expect(returned.length).toBeGreaterThan(20);
    expect(returned.filter((r) => cancelled.includes(r.orderRef ?? ''))).toEqual([]);
  });

  it('has every exception of a retail day at least once, early enough to see its effect, even in a one-minute day', () => {
    for (let seed = 1; seed <= 20; seed += 1) {
      const plan = planRetailDay({ seed, durationMs: 60_000, rate: 4 });
      const first = (kind: ActionKind) => plan.find((a) => a.kind === kind)?.atMs ?? Number.POSITIVE_INFINITY;
      // Due by a quarter of the day (stock-out) and 35 % (the others): the first arrival after that at the latest.
      expect(first(ActionKind.storeStockOut), `seed ${seed}`).toBeLessThan(0.3 * 60_000);
      expect(first(ActionKind.backorderShipment), `seed ${seed}`).toBeLessThan(0.4 * 60_000);
      expect(first(ActionKind.customerSignup), `seed ${seed}`).toBeLessThan(0.4 * 60_000);
    }
    // Rare all the same: a few per hundred arrivals over a long day.
    const long = countByKind(planRetailDay({ seed: 3, durationMs: 100_000, rate: 20, burst: false }));
    expect(long[ActionKind.storeStockOut]).toBeGreaterThan(5);
    expect(long[ActionKind.storeStockOut]).toBeLessThan(40);
    expect(long[ActionKind.backorderShipment]).toBeLessThan(long[ActionKind.shipmentMilestone] / 5);
    // A weight of 0 switches an exception off altogether.
    const off = planRetailDay({ seed: 3, durationMs: 60_000, rate: 4, mix: { [ActionKind.storeStockOut]: 0, [ActionKind.customerSignup]: 0, [ActionKind.backorderShipment]: 0 } });
    expect(off.filter((a) => a.kind === ActionKind.storeStockOut || a.kind === ActionKind.customerSignup || a.kind === ActionKind.backorderShipment)).toEqual([]);
  });

  it('follows a store stock-out with the DC replenishing that SKU at that store later in the day', () => {
    const durationMs = 100_000;
    const plan = planRetailDay({ seed: 17, durationMs, rate: 20, burst: false, mix: { [ActionKind.storeStockOut]: 10 } });
    const stockOuts = plan.filter((a): a is StoreStockOutAction => a.kind === ActionKind.storeStockOut);
    expect(stockOuts.length).toBeGreaterThan(50);
    const stores = DEMO_SEED.locations.filter((l) => l.kind === 'store').map((l) => l.code);
    let replenished = 0;
    for (const stockOut of stockOuts) {
      expect(stores).toContain(stockOut.locationCode);
      // A carton run of 24–48 units (other transfers of the day move 6–24).
      const transfer = plan.find((a): a is StockMovementAction =>
        a.kind === ActionKind.stockMovement && a.movement === 'transfer' && a.sku === stockOut.sku && a.toLocationCode === stockOut.locationCode &&
        a.atMs >= stockOut.atMs + 0.3 * durationMs - 1 && a.atMs <= stockOut.atMs + 0.5 * durationMs && a.quantity >= 24 && a.quantity <= 48);
      if (transfer) {
        replenished += 1;
        expect(transfer.fromLocationCode).toBe('DC-EAST');
        expect(transfer.quantity % 6).toBe(0);
      } else {
        // Only a stock-out late in the day waits for tomorrow's transfer.
        expect(stockOut.atMs, stockOut.sku).toBeGreaterThan(0.5 * durationMs);
      }
    }
    expect(replenished).toBeGreaterThan(stockOuts.length / 3);
  });

  it("plans a shopper's second account and, later, customer service recording its number on her first profile", () => {
    const durationMs = 100_000;
    const plan = planRetailDay({ seed: 19, durationMs, rate: 20, burst: false, mix: { [ActionKind.customerSignup]: 10 } });
    const steps = plan.filter((a): a is CustomerSignupAction => a.kind === ActionKind.customerSignup);
    const accounts = steps.filter((a) => a.step === 'account');
    expect(accounts.length).toBeGreaterThan(50);
    expect(steps.length).toBe(2 * accounts.length);
    const people = new Map(DEMO_SEED.customers.filter((c) => c.kind === 'person').map((c) => [c.customerNumber, c]));
    for (const account of accounts) {
      const person = people.get(account.customerNumber);
      expect(person, account.customerNumber).toBeDefined();
      // Another e-mail than the one every system knows her by, one per signup.
      expect(account.email).not.toBe(person?.email);
      expect(account.email).toMatch(new RegExp(`^${person?.firstName?.toLowerCase()}\\.${person?.lastName?.toLowerCase()}\\.\\d+@mail\\.example$`));
      const mobile = steps.filter((a) => a.signupRef === account.signupRef && a.step === 'mobile-number');
      expect(mobile).toHaveLength(1);
      expect(mobile[0]).toMatchObject({ customerNumber: account.customerNumber, email: account.email, phone: account.phone });
      // A new number, not the one every system knows her by.
      expect(account.phone).toMatch(/^\+1773555\d{4}$/);
      expect(account.phone).not.toBe(person?.phone);
      expect(mobile[0]!.sequence).toBeGreaterThan(account.sequence);
      const gap = mobile[0]!.atMs - account.atMs;
      expect(mobile[0]!.atMs === durationMs - 1 || (gap >= 0.15 * durationMs - 1 && gap <= 0.25 * durationMs), `${account.signupRef} +${gap}`).toBe(true);
    }
    expect(new Set(accounts.map((a) => a.email)).size).toBe(accounts.length);
    expect(new Set(accounts.map((a) => a.signupRef)).size).toBe(accounts.length);
    expect(new Set(accounts.map((a) => a.phone)).size).toBe(accounts.length);
  });

  it('refuses impossible options naming the option', () => {
    expect(() => planRetailDay({ seed: 1, durationMs: 0, rate: 1 })).toThrow(InvalidScenarioError);
    expect(() => planRetailDay({ seed: 1, durationMs: 1000, rate: 1, badDataShare: 2 })).toThrow(/badDataShare/);
    expect(() => planRetailDay({ seed: 1, durationMs: 1000, rate: 1, outage: { at: 0.95, length: 0.1 } })).toThrow(/outage/);
  });
});
