import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../../adapters/sqlite/index.ts';
import { sampleCustomer, sampleOrder } from '../../canonical/fixtures.ts';
import type { Order } from '../../canonical/order.ts';
import { customerMatchKeys, RecordEntity } from '../reference/records.ts';
import { flowSettings } from '../settings.ts';
import { businessHold, loadFacts, preparedOrder, structuralHold, type OrderFacts } from './checks.ts';
import { lowestAcceptedPrice, withinPriceTolerance } from './money.ts';
import { customerOrdersKey } from './read-models.ts';

const settings = flowSettings({ orders: { priceTolerancePercent: 1 } });
const SYSTEMS = { erp: 'netsuite', crm: 'salesforce' };

/** WEB-100234: 1 × TRAIL-RUNNER-42-BLU at 119.99 (12.00 off), 2 × MERINO-SOCK-M-GRY at 14.50, GBP, shipped from DC-EAST. */
function facts(overrides: Partial<OrderFacts> = {}): OrderFacts {
  return {
    location: 'DC-EAST',
    products: { 'TRAIL-RUNNER-42-BLU': { active: true }, 'MERINO-SOCK-M-GRY': { active: true } },
    prices: { 'TRAIL-RUNNER-42-BLU': { amount: '119.99', currency: 'GBP' }, 'MERINO-SOCK-M-GRY': { amount: '14.50', currency: 'GBP' } },
    available: { 'TRAIL-RUNNER-42-BLU': 5, 'MERINO-SOCK-M-GRY': 2 },
    customer: { hubId: 'CUST-0001', known: null, created: null, upsertToErp: false, upsertToCrm: false, defaultAddress: null },
    openUnpaid: '0.00',
    ...overrides,
  };
}

function hold(order: Order, given: OrderFacts, overridden: string[] = []) {
  return businessHold({ order, facts: given, settings, overridden: new Set(overridden) });
}

describe('order checks: the payload', () => {
  it('accepts a valid order and refuses invalid ones as INVALID_ORDER, naming the field', () => {
    expect(structuralHold(sampleOrder(), 'WEB-100234')).toBeNull();
    const zero = sampleOrder();
    zero.lines[1]!.quantity = 0;
    expect(structuralHold(zero, 'WEB-100234')).toMatchObject({ code: 'INVALID_ORDER', problems: [expect.stringMatching(/^lines\[1\]\.quantity/)] });
    expect(structuralHold('not an order', 'WEB-100234')).toMatchObject({ code: 'INVALID_ORDER' });
    expect(structuralHold(sampleOrder(), 'WEB-999')?.message).toBe('orderNumber "WEB-100234" is not the order number "WEB-999" the event is about');
    const wrongTotal = sampleOrder({ totals: { ...sampleOrder().totals, grandTotal: '141.95' } });
    expect(structuralHold(wrongTotal, 'WEB-100234')?.message).toBe('totals.grandTotal is 141.95, the lines add up to 141.94');
  });
});

describe('order checks: against the read models', () => {
  it('passes an order the read models cover', () => {
    expect(hold(sampleOrder(), facts())).toBeNull();
  });

  it('holds unknown and inactive SKUs', () => {
    expect(hold(sampleOrder(), facts({ products: { 'TRAIL-RUNNER-42-BLU': null, 'MERINO-SOCK-M-GRY': { active: false } } }))).toEqual({
      code: 'UNKNOWN_SKU',
      problems: ['SKU TRAIL-RUNNER-42-BLU is not in the item master', 'SKU MERINO-SOCK-M-GRY is inactive in the item master'],
      message: 'SKU TRAIL-RUNNER-42-BLU is not in the item master; SKU MERINO-SOCK-M-GRY is inactive in the item master',
    });
  });

  it('holds a unit price more than the tolerance below the ERP price, or without an ERP price, unless overridden', () => {
    const cheaper = sampleOrder();
    cheaper.lines[0] = { ...cheaper.lines[0]!, unitPrice: '118.79', discounts: [], lineTotal: '118.79' };
    expect(hold(cheaper, facts())).toMatchObject({ code: 'PRICE_MISMATCH', problems: ['line 1 (TRAIL-RUNNER-42-BLU): sold at 118.79, ERP price 119.99 (lowest accepted 118.80)'] });
    expect(hold(cheaper, facts(), ['PRICE_MISMATCH'])).toBeNull();
    const noPrice = facts({ prices: { 'TRAIL-RUNNER-42-BLU': { amount: '119.99', currency: 'GBP' }, 'MERINO-SOCK-M-GRY': null } });
    expect(hold(sampleOrder(), noPrice)?.problems).toEqual(['line 2 (MERINO-SOCK-M-GRY): the ERP has no price for it']);
    const dollars = facts({ prices: { 'TRAIL-RUNNER-42-BLU': { amount: '119.99', currency: 'USD' }, 'MERINO-SOCK-M-GRY': { amount: '14.50', currency: 'GBP' } } });
    expect(hold(sampleOrder(), dollars)?.problems).toEqual(['line 1 (TRAIL-RUNNER-42-BLU): the ERP price is in USD, the order in GBP']);
  });

  it('holds lines the fulfilment location cannot cover, adding up a SKU over lines and leaving cancelled units out', () => {
    expect(hold(sampleOrder(), facts({ available: { 'TRAIL-RUNNER-42-BLU': 0, 'MERINO-SOCK-M-GRY': null } }))).toMatchObject({
      code: 'OUT_OF_STOCK',
      problems: ['TRAIL-RUNNER-42-BLU: 1 wanted at DC-EAST, 0 available', 'MERINO-SOCK-M-GRY: 2 wanted at DC-EAST, no stock level known'],
    });
    const partlyCancelled = sampleOrder();
    partlyCancelled.lines[1] = { ...partlyCancelled.lines[1]!, quantity: 3, quantityCancelled: 1 };
    expect(hold(partlyCancelled, facts())).toBeNull();
    expect(hold(sampleOrder(), facts({ available: { 'TRAIL-RUNNER-42-BLU': 0, 'MERINO-SOCK-M-GRY': 0 } }), ['OUT_OF_STOCK'])).toBeNull();
    expect(businessHold({ order: sampleOrder(), facts: facts({ available: {} }), settings: flowSettings({ orders: { checkStock: false } }), overridden: new Set() })).toBeNull();
  });

  it("holds a business customer's order over its credit limit with its open unpaid orders, or on a held account", () => {
    const business = sampleCustomer({
      partyType: 'business',
      billingAccount: { accountNumber: 'CUST-B2B-0001', creditLimit: { amount: '1000.00', currency: 'GBP' }, paymentTerms: 'NET30', status: 'active' },
    });
    const known = (openUnpaid: string, account = business) => facts({ customer: { hubId: account.hubId, known: account, created: null, upsertToErp: false, upsertToCrm: false, defaultAddress: null }, openUnpaid });
    expect(hold(sampleOrder(), known('858.06'))).toBeNull();
    expect(hold(sampleOrder(), known('858.07'))).toMatchObject({
      code: 'CREDIT_HOLD',
      problems: ['open unpaid orders 858.07 plus this order 141.94 exceed the credit limit 1000.00 GBP'],
    });
    expect(hold(sampleOrder(), known('5000.00'), ['CREDIT_HOLD'])).toBeNull();
    const onHold = { ...business, billingAccount: { ...business.billingAccount!, status: 'on-hold' as const } };
    expect(hold(sampleOrder(), known('0.00', onHold))?.problems).toEqual(["the customer's billing account is on-hold"]);
  });

  it('holds a shipped order with no address anywhere as INVALID_ORDER; the customer default fills in', () => {
    const noAddress = sampleOrder({ fulfilment: { method: 'ship', locationCode: 'DC-EAST' } });
    expect(hold(noAddress, facts())?.code).toBe('INVALID_ORDER');
    const address = { recipient: 'Jane Doe', line1: '12 Acacia Avenue', city: 'Chicago', postalCode: '60601', country: 'US' };
    const withDefault = facts({ customer: { ...facts().customer, defaultAddress: address } });
    expect(hold(noAddress, withDefault)).toBeNull();
    expect(preparedOrder(noAddress, withDefault)).toMatchObject({ status: 'placed', customer: { customerId: 'CUST-0001' }, fulfilment: { locationCode: 'DC-EAST', shippingAddress: address } });
    expect(hold(sampleOrder({ fulfilment: { method: 'pickup', locationCode: 'STORE-001' } }), facts())).toBeNull();
  });
});

describe('order checks: price tolerance arithmetic', () => {
  it('compares exactly, only below the reference', () => {
    expect(withinPriceTolerance({ sold: '118.80', reference: '119.99', tolerancePercent: 1 })).toBe(true);
    expect(withinPriceTolerance({ sold: '118.79', reference: '119.99', tolerancePercent: 1 })).toBe(false);
    expect(withinPriceTolerance({ sold: '150.00', reference: '119.99', tolerancePercent: 0 })).toBe(true);
    expect(withinPriceTolerance({ sold: '0.3', reference: '0.30', tolerancePercent: 0 })).toBe(true);
    expect(lowestAcceptedPrice('14.50', 2.5)).toBe('14.14');
  });
});

describe('loading the facts of an order', () => {
  let adapters: EmbeddedAdapters | undefined;
  afterEach(async () => {
    await adapters?.close();
    adapters = undefined;
  });

  it("resolves the customer by e-mail, reads products, prices and stock at the location, and sums the customer's open unpaid orders", async () => {
    adapters = await openSqlite({ path: ':memory:' });
    const { records } = adapters.storage;
    const now = Date.now();
    const business = sampleCustomer({ hubId: 'CUST-B2B-0001', partyType: 'business', externalIds: { netsuite: 'CUST-B2B-0001' }, emails: [{ address: 'AP@Harbour.example', use: 'work', primary: true }] });
    await records.put({ entity: RecordEntity.customer, key: business.hubId, data: business, version: 1, matchKeys: customerMatchKeys(business) }, now);
    await records.put({ entity: RecordEntity.product, key: 'TRAIL-RUNNER-42-BLU', data: { active: true }, version: 1 }, now);
    await records.put({ entity: RecordEntity.price, key: 'TRAIL-RUNNER-42-BLU', data: { amount: '119.99', currency: 'GBP' }, version: 1 }, now);
    await records.put({ entity: RecordEntity.inventory, key: 'TRAIL-RUNNER-42-BLU@STORE-001', data: { available: 7 }, version: 1 }, now);
    const previous = (orderNumber: string, status: Order['status'], paymentStatus: Order['paymentStatus'], grandTotal: string) =>
      records.put({ entity: RecordEntity.order, key: orderNumber, data: sampleOrder({ orderNumber, status, paymentStatus, totals: { ...sampleOrder().totals, grandTotal } }), version: 1, matchKeys: [customerOrdersKey('CUST-B2B-0001')] }, now);
    await previous('B2B-1', 'booked', 'pending', '100.00');
    await previous('B2B-2', 'shipped', 'authorized', '50.50');
    await previous('B2B-3', 'booked', 'paid', '999.00');
    await previous('B2B-4', 'cancelled', 'pending', '999.00');
    await previous('B2B-5', 'on-hold', 'pending', '999.00');

    const order = sampleOrder({ customer: { email: 'ap@harbour.example' }, fulfilment: { method: 'pickup', locationCode: 'STORE-001' } });
    const loaded = await loadFacts({ records, order, settings, systems: SYSTEMS });
    expect(loaded).toMatchObject({
      location: 'STORE-001',
      products: { 'TRAIL-RUNNER-42-BLU': { active: true }, 'MERINO-SOCK-M-GRY': null },
      prices: { 'TRAIL-RUNNER-42-BLU': { amount: '119.99', currency: 'GBP' }, 'MERINO-SOCK-M-GRY': null },
      available: { 'TRAIL-RUNNER-42-BLU': 7, 'MERINO-SOCK-M-GRY': null },
      customer: { hubId: 'CUST-B2B-0001', created: null, upsertToErp: false, upsertToCrm: false },
      openUnpaid: '150.50',
    });
  });

  it('creates an unknown customer with a stable id from its e-mail, and books an order naming nobody on the guest customer', async () => {
    adapters = await openSqlite({ path: ':memory:' });
    const { records } = adapters.storage;
    const anonymous = sampleOrder({ customer: {}, fulfilment: { method: 'pickup', locationCode: 'STORE-001' } });
    const guest = await loadFacts({ records, order: anonymous, settings, systems: SYSTEMS });
    expect(guest.customer).toMatchObject({ hubId: 'GUEST', upsertToErp: true, upsertToCrm: true, created: { name: { full: 'Guest checkout' } } });

    const first = await loadFacts({ records, order: sampleOrder({ customer: { name: 'Noor Haddad', email: 'Noor@Example.com' } }), settings, systems: SYSTEMS });
    const again = await loadFacts({ records, order: sampleOrder({ orderNumber: 'WEB-2', customer: { email: 'noor@example.com' } }), settings, systems: SYSTEMS });
    expect(first.customer.hubId).toMatch(/^cus_[0-9a-f]{16}$/);
    expect(again.customer.hubId).toBe(first.customer.hubId);
    expect(first.customer.created).toMatchObject({ partyType: 'person', name: { full: 'Noor Haddad' }, emails: [{ address: 'Noor@Example.com', primary: true }] });
    // The order's own address becomes the new customer's shipping address.
    expect(first.customer.defaultAddress).toMatchObject({ line1: '12 Acacia Avenue', city: 'Manchester' });
  });
});
