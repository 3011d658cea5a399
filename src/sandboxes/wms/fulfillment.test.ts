import { describe, expect, it } from 'vitest';
import { WmsError } from './errors.ts';
import { ALLOWED_EVENTS, applyFulfillmentEvent, cancelFulfillmentOrder } from './fulfillment.ts';
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

describe('cancelling a fulfilment order', () => {
  const cancel = (current: FulfillmentOrder, reason?: string) =>
    cancelFulfillmentOrder(current, reason === undefined ? {} : { reason }, { now: '2026-11-23T10:00:00.000Z' });

  it.each(['received', 'picked', 'packed'] as const)('cancels a %s order, recording when and why', (status) => {
    const current = order({ status });
    const result = cancel(current, 'customer changed their mind');
    expect(result.changed).toBe(true);
    expect(result.order).toMatchObject({ status: 'cancelled', updatedAt: '2026-11-23T10:00:00.000Z' });
    expect(result.order.events).toEqual([{ type: 'cancelled', occurredAt: '2026-11-23T10:00:00.000Z', reason: 'customer changed their mind' }]);
    expect(result.order.lines).toEqual(current.lines);
    expect(current.status).toBe(status);
  });

  it('cancels an order held in exception before anything shipped, and clears the exception', () => {
    const held = apply(order({ status: 'packed' }), { type: 'exception', reason: 'label printer down' }).order;
    const result = cancel(held);
    expect(result.order).toMatchObject({ status: 'cancelled', statusBeforeException: null, exceptionReason: null });
    expect(result.order.events.at(-1)).toEqual({ type: 'cancelled', occurredAt: '2026-11-23T10:00:00.000Z' });
  });

  it('returns an already cancelled order unchanged', () => {
    const cancelled = cancel(order(), 'first').order;
    const again = cancel(cancelled, 'second');
    expect(again.changed).toBe(false);
    expect(again.order).toBe(cancelled);
  });

  it('refuses with 409 already_shipped once anything shipped, even when held in exception after', () => {
    for (const status of ['partially_shipped', 'shipped', 'delivered'] as const) {
      expect(codeOf(() => cancel(order({ status })))).toBe('already_shipped');
    }
    const heldAfterShipping = order({ status: 'exception', statusBeforeException: 'partially_shipped', exceptionReason: 'backorder' });
    expect(() => cancel(heldAfterShipping)).toThrow(/fo_000001 is exception \(held in exception after partially_shipped\)/);
    let refusal: unknown;
    try {
      cancel(order({ status: 'shipped' }));
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({ status: 409, code: 'already_shipped', message: expect.stringContaining('fo_000001 is shipped') });
  });

  it('accepts no milestone event after cancellation', () => {
    expect(ALLOWED_EVENTS.cancelled).toEqual([]);
    const cancelled = cancel(order({ status: 'picked' })).order;
    expect(codeOf(() => apply(cancelled, { type: 'packed' }))).toBe('invalid_transition');
    expect(codeOf(() => apply(cancelled, { type: 'exception', reason: 'x' }))).toBe('invalid_transition');
  });
});
