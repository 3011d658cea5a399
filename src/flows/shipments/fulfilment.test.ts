import { describe, expect, it } from 'vitest';
import { sampleOrder } from '../../canonical/fixtures.ts';
import type { Order } from '../../canonical/order.ts';
import type { Shipment, ShipmentMilestone } from '../../canonical/shipment.ts';
import { applyShipment } from './fulfilment.ts';
import { judgeShipment, shipmentVersion } from './milestones.ts';
import type { OrderFulfilment } from './records.ts';
import { closeOut } from './steps.ts';

const NOW = '2026-11-23T12:00:00.000Z';
/** WEB-100234: 1 × TRAIL-RUNNER-42-BLU (line 1), 2 × MERINO-SOCK-M-GRY (line 2). */
const order: Order = sampleOrder();

function shipment(number: string, milestones: [ShipmentMilestone, string, string?][], lines: [number, string, number][], version = milestones.length): Shipment {
  const carrier = milestones.some(([milestone]) => milestone !== 'picked' && milestone !== 'packed' && milestone !== 'exception');
  return {
    hubId: `shp_${number}`,
    externalIds: { wms: number },
    sourceSystem: 'wms',
    sourceTimestamp: milestones[milestones.length - 1]![1],
    version,
    schemaVersion: 1,
    shipmentNumber: number,
    orderNumber: order.orderNumber,
    fromLocationCode: 'DC-EAST',
    lines: lines.map(([orderLineNumber, sku, quantity]) => ({ orderLineNumber, sku, quantity })),
    ...(carrier && { carrier: { code: 'ups' }, trackingNumber: `1Z-${number}` }),
    milestones: milestones.map(([milestone, occurredAt, detail]) => ({ milestone, occurredAt, ...(detail !== undefined && { detail }) })),
  };
}

const ALL_LINES: [number, string, number][] = [
  [1, 'TRAIL-RUNNER-42-BLU', 1],
  [2, 'MERINO-SOCK-M-GRY', 2],
];

/** Applies shipment states in turn, each by its own instance, as the flow would. */
function run(states: { shipment: Shipment; instance: string }[], start?: OrderFulfilment, orderRecord: Order | null = order) {
  let model = start;
  const decisions = [];
  for (const { shipment: state, instance } of states) {
    const applied = applyShipment(model, { shipment: state, instanceId: instance, now: NOW, ...(orderRecord && { orderRecord }) });
    model = applied.model;
    decisions.push(applied.decision);
  }
  return { model: model!, decisions };
}

describe('an order fulfilment view, shipment by shipment', () => {
  it('follows pick, pack, ship and deliver: in fulfilment, shipped, delivered, and closes out the consignment prepared', () => {
    const picked = shipment('fo_1', [['picked', '2026-11-23T08:00:00Z']], ALL_LINES);
    const packed = shipment('fo_1', [['picked', '2026-11-23T08:00:00Z'], ['packed', '2026-11-23T08:10:00Z']], ALL_LINES);
    const shipped = shipment('shp_1', [['handed-to-carrier', '2026-11-23T09:00:00Z']], ALL_LINES, 3);
    const delivered = shipment('shp_1', [['handed-to-carrier', '2026-11-23T09:00:00Z'], ['delivered', '2026-11-24T10:00:00Z']], ALL_LINES, 4);
    const { model, decisions } = run([
      { shipment: picked, instance: 'i1' },
      { shipment: packed, instance: 'i2' },
      { shipment: shipped, instance: 'i3' },
      { shipment: delivered, instance: 'i4' },
    ]);
    expect(decisions.map((decision) => decision.transitions.map((transition) => transition.to))).toEqual([['in-fulfilment'], [], ['shipped'], ['delivered']]);
    expect(decisions.map((decision) => decision.shipActions)).toEqual([false, false, true, false]);
    expect(decisions[2]!.closeOuts).toEqual([{ shipmentNumber: 'fo_1', milestone: 'handed-to-carrier', at: '2026-11-23T09:00:00Z', detail: 'shipped in 1 parcel: shp_1' }]);
    expect(decisions[3]!.closeOuts).toMatchObject([{ shipmentNumber: 'fo_1', milestone: 'delivered', at: '2026-11-24T10:00:00Z' }]);
    expect(model.status).toBe('delivered');
    expect(model.reference).toEqual({ channel: 'web', channelOrderId: order.channelOrderId, from: 'order-read-model' });
    expect(model.lines).toEqual([
      { orderLineNumber: 1, sku: 'TRAIL-RUNNER-42-BLU', toShip: 1, shipped: 1, delivered: 1 },
      { orderLineNumber: 2, sku: 'MERINO-SOCK-M-GRY', toShip: 2, shipped: 2, delivered: 2 },
    ]);
  });

  it('answers the same decision when a step runs again for the same instance (a crash before its journal entry)', () => {
    const shipped = shipment('shp_1', [['handed-to-carrier', '2026-11-23T09:00:00Z']], ALL_LINES);
    const first = applyShipment(undefined, { shipment: shipped, instanceId: 'i1', now: NOW, orderRecord: order });
    const again = applyShipment(first.model, { shipment: shipped, instanceId: 'i1', now: NOW, orderRecord: order });
    expect(again.decision).toEqual(first.decision);
    expect(again.model.statusHistory).toEqual(first.model.statusHistory);
    // Another instance with the same state (a duplicate event) does not ship it again.
    expect(applyShipment(first.model, { shipment: shipped, instanceId: 'i2', now: NOW, orderRecord: order }).decision).toMatchObject({ shipActions: false, transitions: [] });
  });

  it('ships a two-line order in two parcels: partially shipped, the rest held by a warehouse exception, then shipped', () => {
    const first = shipment('shp_1', [['handed-to-carrier', '2026-11-23T09:00:00Z']], [ALL_LINES[0]!]);
    const held = shipment('shp_1', [['handed-to-carrier', '2026-11-23T09:00:00Z'], ['exception', '2026-11-23T09:30:00Z', 'backorder: socks out of stock']], [ALL_LINES[0]!], 4);
    const rest = shipment('shp_2', [['handed-to-carrier', '2026-11-24T09:00:00Z']], [ALL_LINES[1]!], 6);
    const partial = run([{ shipment: first, instance: 'i1' }]);
    expect(partial.model.status).toBe('partially-shipped');
    expect(partial.decisions[0]!.transitions.map((transition) => transition.to)).toEqual(['partially-shipped']);

    const holding = run([{ shipment: held, instance: 'i2' }], partial.model);
    expect(holding.decisions[0]!.holdRaised).toEqual({ reason: 'backorder: socks out of stock', since: '2026-11-23T09:30:00Z', lines: [{ sku: 'MERINO-SOCK-M-GRY', quantity: 2 }] });
    expect(holding.model.lines[1]).toMatchObject({ sku: 'MERINO-SOCK-M-GRY', shipped: 0, notShippable: { quantity: 2, reason: 'backorder: socks out of stock' } });
    expect(holding.model.lines[0]!.notShippable).toBeUndefined();

    const done = run([{ shipment: rest, instance: 'i3' }], holding.model);
    expect(done.model.status).toBe('shipped');
    expect(done.model.hold).toBeUndefined();
    expect(done.model.lines.every((line) => line.notShippable === undefined && line.shipped === line.toShip)).toBe(true);
    expect(done.decisions[0]).toMatchObject({ shipActions: true, transitions: [{ from: 'partially-shipped', to: 'shipped' }] });
  });

  it('goes through shipped to delivered when the delivery is the first news, and a late milestone never takes the order back', () => {
    const delivered = shipment('shp_1', [['handed-to-carrier', '2026-11-23T09:00:00Z'], ['delivered', '2026-11-24T10:00:00Z']], ALL_LINES, 4);
    const latePacked = shipment('fo_1', [['picked', '2026-11-23T08:00:00Z'], ['packed', '2026-11-23T08:10:00Z']], ALL_LINES, 2);
    const { model, decisions } = run([
      { shipment: delivered, instance: 'i1' },
      { shipment: latePacked, instance: 'i2' },
    ]);
    expect(decisions[0]).toMatchObject({
      shipActions: true,
      transitions: [
        { from: 'booked', to: 'shipped', at: '2026-11-23T09:00:00Z' },
        { from: 'shipped', to: 'delivered', at: '2026-11-24T10:00:00Z' },
      ],
    });
    expect(decisions[1]).toMatchObject({ shipActions: false, transitions: [] });
    // The consignment reported late is closed out at once: the order is long delivered.
    expect(decisions[1]!.closeOuts).toMatchObject([{ shipmentNumber: 'fo_1', milestone: 'delivered' }]);
    expect(model.status).toBe('delivered');
  });

  it('keeps a shipment of a cancelled order as a conflict instead of moving the order', () => {
    const cancelled: Order = { ...order, status: 'cancelled' };
    const shipped = shipment('shp_1', [['handed-to-carrier', '2026-11-23T09:00:00Z']], ALL_LINES);
    const { model, decisions } = run([{ shipment: shipped, instance: 'i1' }], undefined, cancelled);
    expect(model.status).toBe('cancelled');
    expect(decisions[0]!.conflict).toMatchObject({ from: 'cancelled', to: 'shipped', message: expect.stringMatching(/final/) });
  });

  it('learns what to ship from the warehouse when no order is known', () => {
    const packed = shipment('fo_1', [['picked', '2026-11-23T08:00:00Z'], ['packed', '2026-11-23T08:10:00Z']], ALL_LINES);
    const first = shipment('shp_1', [['handed-to-carrier', '2026-11-23T09:00:00Z']], [ALL_LINES[0]!], 3);
    const { model } = run([
      { shipment: packed, instance: 'i1' },
      { shipment: first, instance: 'i2' },
    ], undefined, null);
    expect(model.reference).toBeUndefined();
    expect(model.status).toBe('partially-shipped');
    expect(model.lines.map((line) => [line.sku, line.toShip, line.shipped])).toEqual([
      ['TRAIL-RUNNER-42-BLU', 1, 1],
      ['MERINO-SOCK-M-GRY', 2, 0],
    ]);
  });
});

describe('judging a shipment state against the stored one', () => {
  const stored = (data: Shipment) => ({ entity: 'shipment', key: data.shipmentNumber, data, version: shipmentVersion(data), matchKeys: [], updatedAt: 0 });
  const shipped = shipment('shp_1', [['handed-to-carrier', '2026-11-23T09:00:00Z']], ALL_LINES, 3);
  const delivered = shipment('shp_1', [['handed-to-carrier', '2026-11-23T09:00:00Z'], ['delivered', '2026-11-24T10:00:00Z']], ALL_LINES, 4);

  it('applies a newer state, ignores the same and older ones', () => {
    expect(judgeShipment(undefined, shipped)).toEqual({ outcome: 'applied', previous: undefined });
    expect(judgeShipment(stored(shipped), delivered)).toEqual({ outcome: 'applied', previous: 'handed-to-carrier' });
    expect(judgeShipment(stored(delivered), delivered)).toEqual({ outcome: 'same' });
    expect(judgeShipment(stored(delivered), shipped)).toEqual({ outcome: 'stale', stored: 'delivered' });
  });

  it('refuses a newer state the shipment lifecycle forbids', () => {
    const pickedAgain = shipment('shp_1', [['picked', '2026-11-25T09:00:00Z']], ALL_LINES, 9);
    expect(judgeShipment(stored(delivered), pickedAgain)).toMatchObject({ outcome: 'refused', stored: 'delivered', incoming: 'picked' });
  });

  it('closes out a consignment once, however often it is asked', () => {
    const packed = shipment('fo_1', [['picked', '2026-11-23T08:00:00Z'], ['packed', '2026-11-23T08:10:00Z']], ALL_LINES);
    const closing = { milestone: 'handed-to-carrier' as const, at: '2026-11-23T09:00:00Z', detail: 'shipped in 1 parcel: shp_1' };
    const closed = closeOut(packed, closing);
    expect(closed.milestones.map((entry) => entry.milestone)).toEqual(['picked', 'packed', 'handed-to-carrier']);
    expect(shipmentVersion(closed)).toBeGreaterThan(shipmentVersion(packed));
    expect(closeOut(closed, closing)).toBe(closed);
  });
});
