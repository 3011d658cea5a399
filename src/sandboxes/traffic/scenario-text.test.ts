import { describe, expect, it } from 'vitest';
import { ActionKind } from './actions.ts';
import type { TrafficAction } from './actions.ts';
import { TrafficCounters } from './counters.ts';
import { InvalidScenarioError } from './planner.ts';
import { formatTrafficSummary, parseBurst, parseOutage } from './scenario-text.ts';

describe('scenario options as text', () => {
  it('reads burst and outage windows, or none', () => {
    expect(parseBurst('0.5:0.2:3')).toEqual({ at: 0.5, length: 0.2, multiplier: 3 });
    expect(parseBurst('none')).toBe(false);
    expect(parseOutage('0.3:0.05')).toEqual({ at: 0.3, length: 0.05 });
    expect(parseOutage('NONE')).toBe(false);
    expect(() => parseBurst('0.5:0.2')).toThrow(InvalidScenarioError);
    expect(() => parseOutage('soon')).toThrow(/at:length/);
  });

  it('summarises the counters in one line', () => {
    const counters = new TrafficCounters();
    const order: TrafficAction = { kind: ActionKind.storefrontOrder, atMs: 0, sequence: 0, orderRef: 'WEB-1', customerNumber: 'C', locationCode: 'DC', lines: [] };
    counters.record(order, { outcome: 'ok' });
    counters.record({ ...order, sequence: 1, badData: 'unknown-sku' }, { outcome: 'rejected', system: 'shopify', detail: '422' });
    counters.record({ kind: ActionKind.erpOutage, atMs: 0, sequence: 2, durationMs: 5 }, { outcome: 'ok' });
    expect(formatTrafficSummary(counters.snapshot())).toBe('traffic 3 actions (ok 2, rejected 1, failed 0, skipped 0; bad data 1) web 2 outage 1');
    expect(counters.snapshot().recentProblems).toEqual([{ sequence: 1, kind: 'storefront-order', outcome: 'rejected', detail: 'shopify: 422' }]);
    expect(counters.snapshot().errors).toBe(1);
  });

  it('names cancellations, and counts a refused one as skipped rather than as an error', () => {
    const counters = new TrafficCounters();
    const cancel: TrafficAction = { kind: ActionKind.orderCancel, atMs: 0, sequence: 0, orderRef: 'WEB-1' };
    counters.record(cancel, { outcome: 'ok', system: 'shopify' });
    counters.record({ ...cancel, sequence: 1 }, { outcome: 'skipped', system: 'shopify', detail: 'Shopify refused the cancellation: Order has already been cancelled.' });
    expect(formatTrafficSummary(counters.snapshot())).toBe('traffic 2 actions (ok 1, rejected 0, failed 0, skipped 1; bad data 0) cancel 2');
    expect(counters.snapshot().errors).toBe(0);
  });
});
