import { describe, expect, it } from 'vitest';
import { sampleOrder } from '../../canonical/fixtures.ts';
import type { Order } from '../../canonical/order.ts';
import { flowSettings } from '../settings.ts';
import { chooseLocation, distanceBetween, rankedCandidates, rerouteReason, reroutedOrder, wantedBySku } from './choose.ts';

const address = { line1: '100 N State St', city: 'Chicago', region: 'IL', postalCode: '60602', country: 'US' };
const settings = flowSettings({
  bopis: {
    locations: [
      { code: 'STORE-001', distanceKm: { 'STORE-002': 3, 'STORE-003': 8 }, address },
      { code: 'STORE-002', priority: 20 },
      { code: 'STORE-003', priority: 20 },
      { code: 'STORE-004', priority: 5, distanceKm: { 'STORE-001': 8 } },
      { code: 'DC-EAST', shipsToStore: true, priority: 50 },
      { code: 'DC-WEST', shipsToStore: true, priority: 60 },
    ],
  },
});

function pickup(lines: { sku: string; quantity: number; quantityCancelled?: number }[]): Order {
  const base = sampleOrder();
  const template = base.lines[0]!;
  return {
    ...base,
    fulfilment: { method: 'pickup', locationCode: 'STORE-001' },
    lines: lines.map((line, index) => ({ ...template, lineNumber: index + 1, ...line })),
  };
}

describe('choosing a reroute location', () => {
  it('ranks by distance either way, then priority, then code, leaving out the pickup store', () => {
    expect(distanceBetween(settings.bopis.locations, 'STORE-001', 'STORE-004')).toBe(8);
    expect(distanceBetween(settings.bopis.locations, 'STORE-001', 'DC-EAST')).toBeNull();
    expect(rankedCandidates('STORE-001', settings).map((location) => location.code)).toEqual(['STORE-002', 'STORE-004', 'STORE-003', 'DC-EAST', 'DC-WEST']);
  });

  it('counts the units still wanted per SKU', () => {
    const order = pickup([{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1, quantityCancelled: 1 }, { sku: 'A', quantity: 1 }]);
    expect([...wantedBySku(order)]).toEqual([['A', 3]]);
  });

  it('takes the nearest location that covers every line, and says what the others lacked', () => {
    const stock: Record<string, number> = { 'A@STORE-002': 5, 'B@STORE-002': 0, 'A@STORE-004': 2, 'B@STORE-004': 1 };
    const choice = chooseLocation({ order: pickup([{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1 }]), pickupStore: 'STORE-001', settings, availableAt: (sku, location) => stock[`${sku}@${location}`] ?? null });
    expect(choice).toMatchObject({ outcome: 'rerouted', location: 'STORE-004', mode: 'pickup', distanceKm: 8 });
    expect(choice.checked.map((location) => [location.code, location.short])).toEqual([
      ['STORE-002', ['B: 0/1']],
      ['STORE-004', []],
    ]);
  });

  it('falls back to a warehouse that ships to the store, and finds none when nothing has the stock', () => {
    const order = pickup([{ sku: 'A', quantity: 4 }]);
    const onlyDc = chooseLocation({ order, pickupStore: 'STORE-001', settings, availableAt: (_sku, location) => (location === 'DC-WEST' ? 10 : 1) });
    expect(onlyDc).toMatchObject({ outcome: 'rerouted', location: 'DC-WEST', mode: 'ship-to-store', distanceKm: null });
    const none = chooseLocation({ order, pickupStore: 'STORE-001', settings, availableAt: () => null });
    expect(none.outcome).toBe('none');
    expect(none.checked.map((location) => location.short)).toEqual(Array.from({ length: 5 }, () => ['A: unknown/4']));
  });

  it('cannot ship to a store without an address', () => {
    const choice = chooseLocation({ order: { ...pickup([{ sku: 'A', quantity: 1 }]), fulfilment: { method: 'pickup', locationCode: 'STORE-002' } }, pickupStore: 'STORE-002', settings, availableAt: (_sku, location) => (location.startsWith('DC') ? 5 : 0) });
    expect(choice.outcome).toBe('none');
    expect(choice.checked.find((location) => location.code === 'DC-EAST')?.unusable).toMatch(/no address configured for STORE-002/);
  });

  it('rewrites the order: another pickup store, or a shipment from the warehouse to the store', () => {
    const order = pickup([{ sku: 'A', quantity: 1 }]);
    const toStore = reroutedOrder(order, { choice: { outcome: 'rerouted', location: 'STORE-002', mode: 'pickup', distanceKm: 3, checked: [] }, pickupStore: 'STORE-001', settings });
    expect(toStore.fulfilment).toEqual({ method: 'pickup', locationCode: 'STORE-002' });
    const shipped = reroutedOrder(order, { choice: { outcome: 'rerouted', location: 'DC-EAST', mode: 'ship-to-store', distanceKm: null, checked: [] }, pickupStore: 'STORE-001', settings });
    expect(shipped.fulfilment).toMatchObject({ method: 'ship', locationCode: 'DC-EAST', shippingAddress: { company: 'STORE-001 (customer pickup)', line1: address.line1, postalCode: '60602', country: 'US' } });
    expect(rerouteReason({ pickupStore: 'STORE-001', shortAtStore: ['A: 0/1'], choice: { outcome: 'rerouted', location: 'STORE-002', mode: 'pickup', distanceKm: 3, checked: [] } })).toBe(
      'STORE-001 cannot fulfil it (A: 0/1); pickup moved to STORE-002 (3 km away), the nearest location with stock',
    );
  });
});
