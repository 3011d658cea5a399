import { describe, expect, it } from 'vitest';
import * as canonical from './index.ts';
import { sampleOrder } from './fixtures.ts';

describe('public entry point', () => {
  it('exposes what other layers need, working together', () => {
    const order = canonical.validateOrThrow('order', sampleOrder());
    const event = canonical.createRetailEvent({ type: 'retail.order.placed.v1', data: order, source: 'crossdock://test' });
    expect(canonical.validateRetailEvent(event).ok).toBe(true);
    expect(canonical.orderLifecycle.checkTransition(order.status, 'shipped').allowed).toBe(true);
    expect(canonical.maskPersonalData(canonical.OrderSchema, order).customer.email).toBe('***@example.com');
    expect(Object.keys(canonical.exportJsonSchemas())).toHaveLength(canonical.entityNames.length);
  });

  it('keeps builders and fixtures internal', () => {
    expect('defineEntity' in canonical).toBe(false);
    expect('sampleOrder' in canonical).toBe(false);
  });
});
