import { describe, expect, it } from 'vitest';
import { sampleInventoryLevel, sampleOrder, sampleReturn } from '../fixtures.ts';
import { CanonicalValidationError } from '../validation.ts';
import { createRetailEvent, isValidTraceparent, validateRetailEvent } from './create-event.ts';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function thrown(action: () => unknown): CanonicalValidationError {
  try {
    action();
  } catch (error) {
    if (error instanceof CanonicalValidationError) return error;
    throw error;
  }
  throw new Error('expected a CanonicalValidationError');
}

describe('createRetailEvent', () => {
  it('produces a CloudEvents 1.0 envelope with the business key as subject and the extensions', () => {
    const event = createRetailEvent({
      type: 'retail.order.booked.v1',
      data: sampleOrder(),
      source: 'crossdock://flows/order-capture',
      correlationId: 'corr-7f3a9c',
      traceparent: TRACEPARENT,
    });
    expect(event).toMatchObject({
      specversion: '1.0',
      type: 'retail.order.booked.v1',
      source: 'crossdock://flows/order-capture',
      subject: 'WEB-100234',
      datacontenttype: 'application/json',
      dataschema: 'https://schemas.crossdock.dev/retail/order/v1.json',
      correlationid: 'corr-7f3a9c',
      traceparent: TRACEPARENT,
    });
    expect(event.id).toMatch(UUID);
    expect(Date.parse(event.time)).not.toBeNaN();
    expect(event.data.orderNumber).toBe('WEB-100234');
    // Extensions are top-level attributes in the JSON format, not nested.
    expect(Object.keys(JSON.parse(JSON.stringify(event)))).toEqual(
      expect.arrayContaining(['specversion', 'id', 'source', 'type', 'subject', 'time', 'dataschema', 'correlationid', 'traceparent', 'data']),
    );
  });

  it('carries a copy of the data, so later changes to the entity do not alter the event', () => {
    const order = sampleOrder();
    const event = createRetailEvent({ type: 'retail.order.placed.v1', data: order, source: 'x' });
    order.status = 'cancelled';
    expect(event.data.status).toBe('booked');
  });

  it('uses sku@location as the subject of an inventory level', () => {
    const event = createRetailEvent({ type: 'retail.inventory.level-changed.v1', data: sampleInventoryLevel(), source: 'crossdock://connectors/netsuite' });
    expect(event.subject).toBe('TRAIL-RUNNER-42-BLU@DC-EAST');
    expect(event.dataschema).toBe('https://schemas.crossdock.dev/retail/inventory-level/v1.json');
  });

  it('generates a correlation id when absent and keeps given id and time', () => {
    const event = createRetailEvent({
      type: 'retail.return.requested.v1',
      data: sampleReturn(),
      source: 'crossdock://connectors/shopify',
      id: 'shopify-webhook-8812',
      time: '2026-11-25T12:00:01Z',
    });
    expect(event.correlationid).toMatch(UUID);
    expect(event.id).toBe('shopify-webhook-8812');
    expect(event.time).toBe('2026-11-25T12:00:01Z');
    expect(event.traceparent).toBeUndefined();
  });

  it('drops a malformed traceparent, as W3C trace context requires', () => {
    const event = createRetailEvent({ type: 'retail.order.placed.v1', data: sampleOrder(), source: 'x', traceparent: 'garbage' });
    expect(event.traceparent).toBeUndefined();
    expect('traceparent' in event).toBe(false);
  });

  it('refuses invalid data, naming the field', () => {
    const order = sampleOrder();
    order.lines[0] = { ...order.lines[0]!, quantity: 0 };
    const error = thrown(() => createRetailEvent({ type: 'retail.order.placed.v1', data: order, source: 'x' }));
    expect(error.errors).toEqual([expect.objectContaining({ field: 'lines[0].quantity', reason: 'must be an integer >= 1' })]);
  });

  it("enforces the event's own rule: a booked order has an ERP id", () => {
    const order = sampleOrder();
    delete order.erpOrderId;
    const error = thrown(() => createRetailEvent({ type: 'retail.order.booked.v1', data: order, source: 'x' }));
    expect(error.field).toBe('erpOrderId');
    expect(error.message).toContain('erpOrderId is required once the ERP has booked the order');
  });

  it('refuses a bad envelope: empty source, bad time', () => {
    const error = thrown(() => createRetailEvent({ type: 'retail.order.placed.v1', data: sampleOrder(), source: '', time: 'yesterday' }));
    expect(error.errors.map((issue) => issue.field)).toEqual(['source', 'time']);
  });

  it('refuses a type outside the catalogue (for callers without types)', () => {
    const error = thrown(() => createRetailEvent({ type: 'retail.order.lost.v1' as 'retail.order.placed.v1', data: sampleOrder(), source: 'x' }));
    expect(error.field).toBe('type');
  });
});

describe('isValidTraceparent', () => {
  it.each([
    [TRACEPARENT, true],
    ['00-00000000000000000000000000000000-00f067aa0ba902b7-01', false],
    ['00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', false],
    ['ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', false],
    ['00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01', false],
    ['00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra', false],
    ['01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra', true],
  ])('%s → %s', (value, valid) => {
    expect(isValidTraceparent(value)).toBe(valid);
  });
});

describe('validateRetailEvent', () => {
  it('accepts what createRetailEvent produced, after a JSON round trip', () => {
    const event = createRetailEvent({ type: 'retail.order.placed.v1', data: sampleOrder(), source: 'crossdock://connectors/shopify' });
    const checked = validateRetailEvent(JSON.parse(JSON.stringify(event)));
    expect(checked.ok).toBe(true);
  });

  it('reports data fields relative to the event and a subject that does not match the data', () => {
    const event = createRetailEvent({ type: 'retail.order.placed.v1', data: sampleOrder(), source: 'x' });
    const tampered = { ...event, subject: 'WEB-999', data: { ...event.data, currency: 'pounds' } };
    const checked = validateRetailEvent(tampered);
    expect(checked.ok ? [] : checked.errors.map((issue) => issue.field)).toEqual(['data.currency']);
    const wrongSubject = validateRetailEvent({ ...event, subject: 'WEB-999' });
    expect(wrongSubject.ok ? [] : wrongSubject.errors).toEqual([expect.objectContaining({ field: 'subject' })]);
  });

  it('reports a wrong spec version and an unknown type', () => {
    const checked = validateRetailEvent({ specversion: '0.3', id: '1', source: 'x', type: 'order.created' });
    expect(checked.ok ? [] : checked.errors.map((issue) => issue.field)).toEqual(['specversion', 'type']);
  });
});
