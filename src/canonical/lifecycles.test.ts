import { describe, expect, it } from 'vitest';
import { defineLifecycle } from './lifecycle.ts';
import { orderLifecycle, orderTransitions, returnLifecycle, returnTransitions, shipmentLifecycle, shipmentTransitions } from './lifecycles.ts';
import { OrderStatus } from './order.ts';
import { ReturnStatus } from './return.ts';
import { ShipmentMilestone } from './shipment.ts';

describe('order lifecycle', () => {
  it('has a row for every order status and only known targets', () => {
    expect(Object.keys(orderTransitions).sort()).toEqual(Object.values(OrderStatus).sort());
    for (const targets of Object.values(orderTransitions)) {
      for (const target of targets) expect(orderLifecycle.isStatus(target)).toBe(true);
    }
  });

  it.each([
    ['placed', 'booked'],
    ['placed', 'rejected'],
    ['rejected', 'placed'],
    ['booked', 'shipped'],
    ['ready-for-pickup', 'picked-up'],
    ['shipped', 'delivered'],
  ])('allows %s → %s', (from, to) => {
    expect(orderLifecycle.checkTransition(from, to)).toEqual({ allowed: true, from, to, unchanged: false });
  });

  it('rejects a skipped booking and says where the order may go instead', () => {
    const check = orderLifecycle.checkTransition('placed', 'shipped');
    expect(check).toMatchObject({ allowed: false, reason: 'not-allowed', allowedNext: ['on-hold', 'booked', 'rejected', 'cancelled'] });
    expect(check.allowed === false && check.message).toBe(
      'an order cannot go from placed to shipped; from placed it may go to on-hold, booked, rejected, cancelled',
    );
  });

  it('rejects cancelling an order that has started shipping', () => {
    expect(orderLifecycle.checkTransition('partially-shipped', 'cancelled')).toMatchObject({ allowed: false, reason: 'not-allowed' });
  });

  it('treats delivered, picked-up and cancelled as final', () => {
    for (const status of ['delivered', 'picked-up', 'cancelled'] as const) {
      expect(orderLifecycle.isTerminal(status)).toBe(true);
      expect(orderLifecycle.checkTransition(status, 'placed')).toMatchObject({ allowed: false, reason: 'terminal-status' });
    }
  });

  it('rejects unknown statuses by name', () => {
    const check = orderLifecycle.checkTransition('booked', 'shipt');
    expect(check).toMatchObject({ allowed: false, reason: 'unknown-status' });
    expect(check.allowed === false && check.message).toContain('"shipt" is not an order status');
  });

  it('accepts the same status again as unchanged, so redelivery is harmless', () => {
    expect(orderLifecycle.checkTransition('shipped', 'shipped')).toEqual({ allowed: true, from: 'shipped', to: 'shipped', unchanged: true });
  });
});

describe('return lifecycle', () => {
  it('has a row for every return status', () => {
    expect(Object.keys(returnTransitions).sort()).toEqual(Object.values(ReturnStatus).sort());
  });

  it('follows the happy path requested → authorized → in-transit → received → inspected → credited → refunded', () => {
    const path = ['requested', 'authorized', 'in-transit', 'received', 'inspected', 'credited', 'refunded'];
    for (let index = 1; index < path.length; index += 1) {
      expect(returnLifecycle.checkTransition(path[index - 1] as string, path[index] as string).allowed).toBe(true);
    }
  });

  it.each([
    ['requested', 'credited', 'not-allowed'],
    ['requested', 'received', 'not-allowed'],
    ['in-transit', 'cancelled', 'not-allowed'],
    ['refunded', 'requested', 'terminal-status'],
    ['rejected', 'authorized', 'terminal-status'],
  ])('rejects %s → %s (%s)', (from, to, reason) => {
    expect(returnLifecycle.checkTransition(from, to)).toMatchObject({ allowed: false, reason });
  });
});

describe('shipment lifecycle', () => {
  it('has a row for every milestone', () => {
    expect(Object.keys(shipmentTransitions).sort()).toEqual(Object.values(ShipmentMilestone).sort());
  });

  it('follows picked → packed → handed-to-carrier → in-transit → out-for-delivery → delivered, and skips forward', () => {
    const path = ['picked', 'packed', 'handed-to-carrier', 'in-transit', 'out-for-delivery', 'delivered'];
    for (let index = 1; index < path.length; index += 1) {
      expect(shipmentLifecycle.checkTransition(path[index - 1] as string, path[index] as string).allowed).toBe(true);
    }
    expect(shipmentLifecycle.checkTransition('handed-to-carrier', 'delivered').allowed).toBe(true);
    expect(shipmentLifecycle.checkTransition('exception', 'handed-to-carrier').allowed).toBe(true);
  });

  it.each([
    ['delivered', 'handed-to-carrier', 'terminal-status'],
    ['handed-to-carrier', 'packed', 'not-allowed'],
    ['in-transit', 'picked', 'not-allowed'],
  ])('refuses %s → %s (%s)', (from, to, reason) => {
    expect(shipmentLifecycle.checkTransition(from, to)).toMatchObject({ allowed: false, reason });
  });
});

describe('defineLifecycle', () => {
  it('works for any table, e.g. a delivery attempt', () => {
    const attempt = defineLifecycle('delivery attempt', { queued: ['sent'], sent: ['acknowledged', 'failed'], acknowledged: [], failed: ['queued'] });
    expect(attempt.statuses).toEqual(['queued', 'sent', 'acknowledged', 'failed']);
    expect(attempt.checkTransition('failed', 'queued').allowed).toBe(true);
    expect(attempt.checkTransition('queued', 'acknowledged')).toMatchObject({ allowed: false, message: expect.stringMatching(/^a delivery attempt cannot/) });
  });
});
