import { describe, expect, it } from 'vitest';
import { sampleInvoice, sampleOrder, samplePayment, sampleReturn, sampleShipment } from '../../canonical/fixtures.ts';
import type { Order } from '../../canonical/order.ts';
import type { Return } from '../../canonical/return.ts';
import type { Shipment } from '../../canonical/shipment.ts';
import { flowSettings } from '../settings.ts';
import { creditTotal, decideEligibility, paidPerUnit, perUnit } from './eligibility.ts';
import type { EligibilityFacts } from './facts.ts';

const settings = flowSettings({ returns: { windowDays: { default: 30, byCategory: { Footwear: 60 } } } }).returns;
const DAY = 86_400_000;

// The sample order (GBP, prices include tax): line 1 one trail runner at 107.99 after a discount,
// line 2 two pairs of socks at 29.00.
const order = (overrides: Partial<Order> = {}): Order => sampleOrder({ paymentStatus: 'pending', ...overrides });
const deliveredOn = (at: string, lines: Shipment['lines'], shipmentNumber = 'SHP-1'): Shipment =>
  sampleShipment({ shipmentNumber, orderNumber: 'WEB-100234', lines, milestones: [{ milestone: 'handed-to-carrier', occurredAt: at }, { milestone: 'delivered', occurredAt: at }] });
const bothLinesDelivered = deliveredOn('2026-11-24T10:00:00Z', [
  { orderLineNumber: 1, sku: 'TRAIL-RUNNER-42-BLU', quantity: 1 },
  { orderLineNumber: 2, sku: 'MERINO-SOCK-M-GRY', quantity: 2 },
]);

function facts(overrides: Partial<EligibilityFacts> = {}): EligibilityFacts {
  return {
    order: { orderNumber: 'WEB-100234', placed: order(), revision: 1 },
    payments: [samplePayment()],
    paidInvoices: [],
    deliveredShipments: [bothLinesDelivered],
    categories: { 'TRAIL-RUNNER-42-BLU': 'Footwear', 'MERINO-SOCK-M-GRY': 'Accessories' },
    otherReturns: [],
    ...overrides,
  };
}

const request = (lines: Partial<Return['lines'][number]>[] = [{}], overrides: Partial<Return> = {}): Return =>
  sampleReturn({
    rmaNumber: 'RMA-2',
    orderNumber: 'WEB-100234',
    requestedAt: '2026-12-01T09:00:00Z',
    status: 'requested',
    lines: lines.map((line) => ({ orderLineNumber: 2, sku: 'MERINO-SOCK-M-GRY', quantity: 1, reason: 'size-or-fit', ...line })),
    ...overrides,
  });

const decide = (ask: Return, known: EligibilityFacts, claimedAt = 2_000) => decideEligibility({ request: ask, facts: known, settings, claimedAt });
const codes = (ask: Return, known: EligibilityFacts, claimedAt?: number) => decide(ask, known, claimedAt).problems.map((problem) => problem.code);

describe('return eligibility', () => {
  it('accepts a delivered, paid line inside its window and prices it at what was paid per unit', () => {
    const decision = decide(request(), facts());
    expect(decision).toMatchObject({ eligible: true, problems: [], currency: 'GBP', paidBy: 'payment', customerId: 'cus_01JD3W5K9Q2T8X7M4N6P0R1S2V' });
    // 29.00 for two pairs, tax included in the price: 14.50 a pair.
    expect(decision.lines).toEqual([{ orderLineNumber: 2, sku: 'MERINO-SOCK-M-GRY', quantity: 1, reason: 'size-or-fit', unitPrice: '14.50' }]);
  });

  it('counts an order as paid by a paid invoice, a captured payment or the channel at checkout, and refuses it otherwise', () => {
    expect(decide(request(), facts({ payments: [], paidInvoices: [sampleInvoice({ status: 'paid' })] })).paidBy).toBe('invoice');
    expect(decide(request(), facts({ payments: [], order: { orderNumber: 'WEB-100234', placed: order({ paymentStatus: 'paid' }), revision: 1 } })).paidBy).toBe('channel');
    expect(decide(request(), facts({ payments: [] }))).toMatchObject({ eligible: false, problems: [{ code: 'NOT_PAID', message: 'order WEB-100234 is not paid (no paid invoice, no captured payment)' }] });
  });

  it('refuses an unknown order, a cancelled one, one sold as final sale and a line the order does not have', () => {
    expect(codes(request(), facts({ order: undefined }))).toEqual(['ORDER_NOT_FOUND']);
    expect(codes(request(), facts({ order: { orderNumber: 'WEB-100234', placed: order(), cancelled: true, revision: 2 } }))).toEqual(['ORDER_CANCELLED']);
    expect(codes(request(), facts({ order: { orderNumber: 'WEB-100234', placed: order({ returnEligibility: { eligible: false, reason: 'final sale' } }), revision: 1 } }))).toEqual(['NOT_RETURNABLE']);
    expect(codes(request([{ sku: 'CANVAS-CAP-NVY', orderLineNumber: 3 }]), facts())).toEqual(['UNKNOWN_LINE']);
  });

  it('matches a line by SKU when the line number given is not that SKU', () => {
    expect(decide(request([{ orderLineNumber: 1 }]), facts()).lines[0]).toMatchObject({ orderLineNumber: 2, sku: 'MERINO-SOCK-M-GRY' });
  });

  it('needs the units delivered: by a delivered shipment, the order handed over, or a sale at the till', () => {
    expect(codes(request(), facts({ deliveredShipments: [] }))).toEqual(['NOT_DELIVERED']);
    const oneSock = deliveredOn('2026-11-24T10:00:00Z', [{ orderLineNumber: 2, sku: 'MERINO-SOCK-M-GRY', quantity: 1 }]);
    expect(codes(request([{ quantity: 2 }]), facts({ deliveredShipments: [oneSock] }))).toEqual(['NOT_DELIVERED']);
    expect(codes(request([{ quantity: 1 }]), facts({ deliveredShipments: [oneSock] }))).toEqual([]);
    expect(codes(request(), facts({ deliveredShipments: [], order: { orderNumber: 'WEB-100234', placed: order(), handedOver: { status: 'picked-up', at: '2026-11-25T10:00:00Z' }, revision: 2 } }))).toEqual([]);
    expect(codes(request(), facts({ deliveredShipments: [], order: { orderNumber: 'WEB-100234', placed: order({ channel: 'store', placedAt: '2026-11-25T10:00:00Z' }), revision: 1 } }))).toEqual([]);
  });

  it('applies the return window of the line category after its last delivery', () => {
    const late = '2027-01-10T09:00:00Z'; // 47 days after delivery
    expect(decide(request([{}], { requestedAt: late }), facts()).problems).toEqual([
      { code: 'OUTSIDE_RETURN_WINDOW', orderLineNumber: 2, message: 'MERINO-SOCK-M-GRY was delivered on 2026-11-24; Accessories is taken back for 30 days (until 2026-12-24)' },
    ]);
    // Footwear has 60 days.
    expect(codes(request([{ orderLineNumber: 1, sku: 'TRAIL-RUNNER-42-BLU' }], { requestedAt: late }), facts())).toEqual([]);
    // A product the hub does not know gets the default window.
    expect(codes(request([{}], { requestedAt: late }), facts({ categories: {} }))).toEqual(['OUTSIDE_RETURN_WINDOW']);
    expect(Date.parse('2026-12-24T10:00:00Z') - Date.parse('2026-11-24T10:00:00Z')).toBe(30 * DAY);
  });

  it('counts units held by returns claimed earlier, not by later, rejected or expired ones', () => {
    const other = (rmaNumber: string, status: Return['status'], claimedAt: number, quantity = 2) => ({
      claimedAt,
      return: request([{ quantity }], { rmaNumber, status }),
    });
    expect(decide(request(), facts({ otherReturns: [other('RMA-1', 'authorized', 1_000)] })).problems).toEqual([
      { code: 'ALREADY_RETURNED', orderLineNumber: 2, message: '1 × MERINO-SOCK-M-GRY asked back: 2 of the 2 delivered already returned (RMA-1)' },
    ]);
    expect(codes(request(), facts({ otherReturns: [other('RMA-1', 'authorized', 1_000, 1)] }))).toEqual([]);
    expect(codes(request(), facts({ otherReturns: [other('RMA-3', 'authorized', 3_000)] }))).toEqual([]);
    expect(codes(request(), facts({ otherReturns: [other('RMA-1', 'rejected', 1_000), other('RMA-0', 'cancelled', 500)] }))).toEqual([]);
    // Claimed in the same millisecond: the smaller RMA number holds the units.
    expect(codes(request(), facts({ otherReturns: [other('RMA-1', 'requested', 2_000)] }))).toEqual(['ALREADY_RETURNED']);
    expect(codes(request(), facts({ otherReturns: [other('RMA-3', 'requested', 2_000)] }))).toEqual([]);
  });

  it('refuses a stated condition the retailer does not take back', () => {
    expect(codes(request([{ condition: 'missing-parts' }]), facts())).toEqual(['CONDITION_NOT_ALLOWED']);
    expect(codes(request([{ condition: 'opened' }]), facts())).toEqual([]);
  });

  it('keeps a price already on the request (what the storefront refunded)', () => {
    expect(decide(request([{ unitPrice: '12.00' }]), facts()).lines[0]!.unitPrice).toBe('12.00');
  });
});

describe('return money', () => {
  it('prices a unit at the line total after discounts, adding tax when prices exclude it, in the currency minor units', () => {
    const line = { lineTotal: '107.99', quantity: 1, tax: { amount: '18.00' } };
    expect(paidPerUnit({ currency: 'GBP', pricesIncludeTax: true }, line)).toBe('107.99');
    expect(paidPerUnit({ currency: 'USD', pricesIncludeTax: false }, line)).toBe('125.99');
    expect(perUnit('10.00', 3, 'USD')).toBe('3.33');
    expect(perUnit('500', 2, 'JPY')).toBe('250');
  });

  it('adds the credit of a return exactly', () => {
    expect(creditTotal([{ orderLineNumber: 1, sku: 'A', quantity: 3, unitPrice: '0.10', reason: 'other' }, { orderLineNumber: 2, sku: 'B', quantity: 1, unitPrice: '0.20', reason: 'other' }], 'USD')).toBe('0.50');
  });
});
