import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../../adapters/sqlite/index.ts';
import { HealthPanelRegistry, waitingPastSlaPanel } from './panels.ts';

describe('waitingPastSlaPanel', () => {
  let adapters: EmbeddedAdapters;
  afterEach(async () => adapters?.close());

  it('counts the flow instances parked at the step longer than the SLA, oldest first', async () => {
    adapters = await openSqlite({ path: ':memory:' });
    const minute = 60_000;
    const now = 100 * minute;
    const park = async (key: string, parkedAt: number, step = 'booked', flow = 'order-capture') => {
      await adapters.storage.flows.create({
        id: `${flow}:${key}`,
        flow,
        key,
        input: {},
        correlationId: null,
        traceparent: null,
        createdAt: parkedAt,
        status: 'waiting',
        waiting: { step, eventType: 'retail.order.booked.v1', key, deadline: null },
      });
    };
    await park('SO-1', now - 40 * minute);
    await park('SO-2', now - 5 * minute); // within the SLA
    await park('SO-3', now - 20 * minute);
    await park('SO-4', now - 50 * minute, 'shipped'); // another step
    await park('RMA-1', now - 50 * minute, 'booked', 'returns'); // another flow
    const panel = waitingPastSlaPanel({ id: 'orders-awaiting-erp-booking', title: 'Orders awaiting ERP booking', area: 'orders', flow: 'order-capture', step: 'booked', slaMs: 15 * minute, noun: ['order', 'orders'], waitingFor: 'ERP booking', criticalFrom: 3 });
    const result = await panel.evaluate({ storage: adapters.storage, bus: adapters.bus, now });
    expect(result).toMatchObject({ status: 'warning', value: 2, summary: '2 orders waiting for ERP booking longer than 15 min' });
    expect(result.items?.map((item) => item.businessKey)).toEqual(['SO-1', 'SO-3']);
    expect(result.items?.[0]?.detail).toBe('waiting for ERP booking for 40 min');
  });
});

describe('HealthPanelRegistry', () => {
  it('refuses a panel id twice and can remove a panel', () => {
    const panel = { id: 'p', title: 'P', area: 'orders', evaluate: async () => ({ status: 'ok' as const, value: 0, summary: 'fine' }) };
    const registry = new HealthPanelRegistry();
    const remove = registry.register(panel);
    expect(() => registry.register(panel)).toThrow(/registered twice/);
    remove();
    expect(registry.list()).toEqual([]);
  });
});
