import { describe, expect, it } from 'vitest';
import { WmsError } from './errors.ts';
import { ALLOWED_EVENTS, applyFulfillmentEvent } from './fulfillment.ts';
import type { FulfillmentEventInput, FulfillmentOrder } from './model.ts';

const now = '2026-11-23T09:00:00.000Z';

function order(overrides: Partial<FulfillmentOrder> = {}): FulfillmentOrder {
  return {
    id: 'fo_000001',
    externalOrderId: 'SO-1',
    warehouseId: 'WH-1',
    shippingMethod: null,
    status: 'received',
    statusBeforeException: null,
    exceptionReason: null,
    shipTo: { name: 'A', address1: '1 Main St', city: 'Lyon', postalCode: '69001', country: 'FR' },
    lines: [
      { sku: 'A', quantity: 2, quantityShipped: 0 },
      { sku: 'B', quantity: 1, quantityShipped: 0 },
    ],
    shipments: [],
    events: [],
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

function apply(current: FulfillmentOrder, input: FulfillmentEventInput) {
  return applyFulfillmentEvent(current, input, { now, shipmentId: 'shp_1' });
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof WmsError ? error.code : 'other';
  }
  return undefined;
}

describe('fulfilment milestones', () => {
  it('walks received → picked → packed → shipped → delivered', () => {
    let current = order();
    current = apply(current, { type: 'picked' }).order;
    current = apply(current, { type: 'packed' }).order;
    const shipped = apply(current, { type: 'shipped', carrier: 'UPS', trackingNumber: '1Z999' });
    expect(shipped.order.status).toBe('shipped');
    expect(shipped.shipment?.lines).toEqual([
      { sku: 'A', quantity: 2 },
      { sku: 'B', quantity: 1 },
    ]);
    current = apply(shipped.order, { type: 'delivered' }).order;
    expect(current.status).toBe('delivered');
    expect(current.events.map((event) => event.type)).toEqual(['picked', 'packed', 'shipped', 'delivered']);
  });

  it('refuses to ship before packing, to deliver before shipping, and anything after delivery', () => {
    expect(codeOf(() => apply(order({ status: 'picked' }), { type: 'shipped', carrier: 'UPS', trackingNumber: '1' }))).toBe(
      'invalid_transition',
    );
    expect(codeOf(() => apply(order({ status: 'packed' }), { type: 'delivered' }))).toBe('invalid_transition');
    expect(codeOf(() => apply(order({ status: 'delivered' }), { type: 'exception', reason: 'x' }))).toBe('invalid_transition');
    expect(ALLOWED_EVENTS.delivered).toEqual([]);
  });

  it('ships part of the lines, then the rest, tracking quantity shipped per line', () => {
    const packed = order({ status: 'packed' });
    const first = apply(packed, { type: 'shipped', carrier: 'DHL', trackingNumber: 'T1', lines: [{ sku: 'A', quantity: 1 }] });
    expect(first.order.status).toBe('partially_shipped');
    expect(first.order.lines.map((line) => line.quantityShipped)).toEqual([1, 0]);
    expect(packed.lines[0]?.quantityShipped).toBe(0);
    const rest = apply(first.order, { type: 'shipped', carrier: 'DHL', trackingNumber: 'T2' });
    expect(rest.order.status).toBe('shipped');
    expect(rest.shipment?.lines).toEqual([
      { sku: 'A', quantity: 1 },
      { sku: 'B', quantity: 1 },
    ]);
    expect(rest.order.shipments).toHaveLength(2);
  });

  it('refuses to ship more than remains, an SKU not on the order, or without carrier and tracking', () => {
    const packed = order({ status: 'packed' });
    expect(
      codeOf(() => apply(packed, { type: 'shipped', carrier: 'UPS', trackingNumber: 'T', lines: [{ sku: 'A', quantity: 3 }] })),
    ).toBe('quantity_exceeds_remaining');
    expect(
      codeOf(() => apply(packed, { type: 'shipped', carrier: 'UPS', trackingNumber: 'T', lines: [{ sku: 'Z', quantity: 1 }] })),
    ).toBe('line_not_shippable');
    expect(codeOf(() => apply(packed, { type: 'shipped', trackingNumber: 'T' }))).toBe('validation_error');
    expect(codeOf(() => apply(packed, { type: 'shipped', carrier: 'UPS' }))).toBe('validation_error');
  });

  it('holds an order in exception with a reason and resolves back to the milestone reached', () => {
    const held = apply(order({ status: 'picked' }), { type: 'exception', reason: 'address unverifiable' }).order;
    expect(held).toMatchObject({ status: 'exception', exceptionReason: 'address unverifiable', statusBeforeException: 'picked' });
    expect(codeOf(() => apply(held, { type: 'packed' }))).toBe('invalid_transition');
    const resolved = apply(held, { type: 'resolved' }).order;
    expect(resolved).toMatchObject({ status: 'picked', exceptionReason: null });
    expect(codeOf(() => apply(order(), { type: 'exception' }))).toBe('validation_error');
  });
});
