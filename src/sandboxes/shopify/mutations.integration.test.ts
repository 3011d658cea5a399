import { afterEach, describe, expect, it } from 'vitest';
import { startShopifySandbox } from './index.ts';
import type { RunningShopifySandbox } from './index.ts';
import { clientFor } from './test-support.ts';

let sandbox: RunningShopifySandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(): Promise<{ s: RunningShopifySandbox; itemGid: string; locationGid: string; level: () => Record<string, number> }> {
  const s = await startShopifySandbox();
  sandbox = s;
  const variant = [...s.store.variants.values()][0];
  const location = [...s.store.locations.values()][0];
  if (!variant || !location) throw new Error('seed has no variant or location');
  return {
    s,
    itemGid: `gid://shopify/InventoryItem/${variant.inventoryItemId}`,
    locationGid: `gid://shopify/Location/${location.id}`,
    level: () => ({ ...s.store.inventoryLevels.get(s.store.levelKey(variant.inventoryItemId, location.id))?.quantities }) as Record<string, number>,
  };
}

const SET = `mutation Set($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { reason changes { name delta quantityAfterChange } }
    userErrors { field message code }
  }
}`;

const REFUND = `mutation Refund($input: RefundInput!, $key: String!) {
  refundCreate(input: $input) @idempotent(key: $key) {
    refund { id totalRefundedSet { shopMoney { amount } } }
    order { displayFinancialStatus totalRefundedSet { shopMoney { amount } } }
    userErrors { field message }
  }
}`;

describe('inventorySetQuantities compare-and-swap', () => {
  it('2026-04+: a stale changeFromQuantity is refused with CHANGE_FROM_QUANTITY_STALE and nothing changes', async () => {
    const { s, itemGid, locationGid, level } = await start();
    const client = clientFor(s, '2026-10');
    const stale = await client.request(SET, {
      variables: { key: 'set-1', input: { name: 'available', reason: 'correction', quantities: [{ inventoryItemId: itemGid, locationId: locationGid, quantity: 40, changeFromQuantity: 99 }] } },
    });
    expect(stale.data.inventorySetQuantities.userErrors).toEqual([
      { field: ['input', 'quantities', '0', 'changeFromQuantity'], message: 'The changeFromQuantity value does not match persisted value.', code: 'CHANGE_FROM_QUANTITY_STALE' },
    ]);
    expect(stale.data.inventorySetQuantities.inventoryAdjustmentGroup).toBeNull();
    expect(level().available).toBe(100);

    const ok = await client.request(SET, {
      variables: { key: 'set-2', input: { name: 'available', reason: 'correction', quantities: [{ inventoryItemId: itemGid, locationId: locationGid, quantity: 40, changeFromQuantity: 100 }] } },
    });
    expect(ok.data.inventorySetQuantities.userErrors).toEqual([]);
    expect(ok.data.inventorySetQuantities.inventoryAdjustmentGroup.changes).toContainEqual({ name: 'available', delta: -60, quantityAfterChange: 40 });
    expect(level().available).toBe(40);
  });

  it('2026-04+: changeFromQuantity must be present (null opts out) and @idempotent is required', async () => {
    const { s, itemGid, locationGid, level } = await start();
    const client = clientFor(s, '2026-10');
    const missing = await client.request(SET, {
      variables: { key: 'k', input: { name: 'available', reason: 'correction', quantities: [{ inventoryItemId: itemGid, locationId: locationGid, quantity: 7 }] } },
    });
    expect(missing.errors?.graphQLErrors?.[0]?.message).toBe('InventorySetQuantityInput must include the following argument: changeFromQuantity.');
    const noKey = await client.request(
      'mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { userErrors { code } } }',
      { variables: { input: { name: 'available', reason: 'correction', quantities: [{ inventoryItemId: itemGid, locationId: locationGid, quantity: 7, changeFromQuantity: null }] } } },
    );
    expect(noKey.errors?.graphQLErrors?.[0]).toMatchObject({
      message: 'The @idempotent directive is required for this mutation but was not provided.',
      extensions: { code: 'BAD_REQUEST' },
    });
    expect(level().available).toBe(100);
  });

  it('before 2026-04: compareQuantity mismatch is COMPARE_QUANTITY_STALE; ignoreCompareQuantity skips the check', async () => {
    const { s, itemGid, locationGid, level } = await start();
    const client = clientFor(s, '2025-10');
    const mutation = 'mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { userErrors { field code } } }';
    const stale = await client.request(mutation, {
      variables: { input: { name: 'on_hand', reason: 'cycle_count_available', quantities: [{ inventoryItemId: itemGid, locationId: locationGid, quantity: 80, compareQuantity: 5 }] } },
    });
    expect(stale.data.inventorySetQuantities.userErrors).toEqual([{ field: ['input', 'quantities', '0', 'compareQuantity'], code: 'COMPARE_QUANTITY_STALE' }]);
    const forced = await client.request(mutation, {
      variables: { input: { name: 'on_hand', reason: 'cycle_count_available', ignoreCompareQuantity: true, quantities: [{ inventoryItemId: itemGid, locationId: locationGid, quantity: 80 }] } },
    });
    expect(forced.data.inventorySetQuantities.userErrors).toEqual([]);
    expect(level().available).toBe(80);
  });
});

describe('inventoryAdjustQuantities', () => {
  const ADJUST = `mutation($input: InventoryAdjustQuantitiesInput!, $key: String!) {
    inventoryAdjustQuantities(input: $input) @idempotent(key: $key) { inventoryAdjustmentGroup { changes(quantityNames: ["available"]) { delta quantityAfterChange } } userErrors { code } }
  }`;

  it('applies a delta once per idempotency key', async () => {
    const { s, itemGid, locationGid, level } = await start();
    const client = clientFor(s, '2026-10');
    const variables = { key: 'adj-1', input: { name: 'available', reason: 'received', changes: [{ inventoryItemId: itemGid, locationId: locationGid, delta: 5, changeFromQuantity: null }] } };
    const first = await client.request(ADJUST, { variables });
    const retry = await client.request(ADJUST, { variables });
    expect(first.data.inventoryAdjustQuantities.inventoryAdjustmentGroup.changes).toEqual([{ delta: 5, quantityAfterChange: 105 }]);
    expect(retry.data).toEqual(first.data);
    expect(level().available).toBe(105);
    const reused = await client.request(ADJUST, { variables: { ...variables, input: { ...variables.input, reason: 'correction' } } });
    expect(reused.data.inventoryAdjustQuantities.userErrors).toEqual([{ code: 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH' }]);
  });

  it('does not require the key before 2026-04', async () => {
    const { s, itemGid, locationGid, level } = await start();
    const result = await clientFor(s, '2025-10').request(
      'mutation($input: InventoryAdjustQuantitiesInput!) { inventoryAdjustQuantities(input: $input) { userErrors { code } } }',
      { variables: { input: { name: 'damaged', reason: 'damaged', changes: [{ inventoryItemId: itemGid, locationId: locationGid, delta: 2 }] } } },
    );
    expect(result.data.inventoryAdjustQuantities.userErrors).toEqual([]);
    expect(level().damaged).toBe(2);
  });
});

describe('orders: fulfilments and refunds', () => {
  async function placed(quantity: number) {
    const context = await start();
    const variant = [...context.s.store.variants.values()][0];
    const outcome = context.s.placeOrder({ email: 'buyer@example.com', lineItems: [{ sku: variant?.sku ?? '', quantity }], shippingPrice: '5.00' });
    if (!outcome.ok) throw new Error('order not placed');
    return { ...context, order: outcome.value, orderGid: `gid://shopify/Order/${outcome.value.id}` };
  }

  it('fulfilment with tracking ships committed stock', async () => {
    const { s, orderGid, level } = await placed(2);
    const client = clientFor(s);
    expect(level()).toMatchObject({ available: 98, committed: 2 });
    const read = await client.request(`query($id: ID!) { order(id: $id) { fulfillmentOrders(first: 5) { nodes { id status lineItems(first: 10) { nodes { id remainingQuantity } } } } } }`, {
      variables: { id: orderGid },
    });
    const fulfillmentOrder = read.data.order.fulfillmentOrders.nodes[0];
    expect(fulfillmentOrder.status).toBe('OPEN');
    const created = await client.request(
      `mutation($fulfillment: FulfillmentInput!) { fulfillmentCreate(fulfillment: $fulfillment) { fulfillment { status trackingInfo { company number url } } userErrors { field message } } }`,
      {
        variables: {
          fulfillment: {
            lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fulfillmentOrder.id, fulfillmentOrderLineItems: [{ id: fulfillmentOrder.lineItems.nodes[0].id, quantity: 2 }] }],
            trackingInfo: { company: 'UPS', number: '1Z999AA10123456784', url: 'https://www.ups.com/track?tracknum=1Z999AA10123456784' },
          },
        },
      },
    );
    expect(created.data.fulfillmentCreate.userErrors).toEqual([]);
    expect(created.data.fulfillmentCreate.fulfillment).toEqual({
      status: 'SUCCESS',
      trackingInfo: [{ company: 'UPS', number: '1Z999AA10123456784', url: 'https://www.ups.com/track?tracknum=1Z999AA10123456784' }],
    });
    expect(level()).toMatchObject({ available: 98, committed: 0 });
    const again = await client.request(`mutation($f: FulfillmentInput!) { fulfillmentCreate(fulfillment: $f) { userErrors { message } } }`, {
      variables: { f: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fulfillmentOrder.id }] } },
    });
    expect(again.data.fulfillmentCreate.userErrors[0].message).toContain('unfulfillable status');
  });

  it('refundCreate with the same key returns the same refund and moves money once', async () => {
    const { s, orderGid } = await placed(1);
    const client = clientFor(s);
    const variables = { key: 'refund-7f3a', input: { orderId: orderGid, note: 'damaged', transactions: [{ orderId: orderGid, amount: '10.00', kind: 'REFUND', gateway: 'shopify_payments' }] } };
    const first = await client.request(REFUND, { variables });
    const second = await client.request(REFUND, { variables });
    expect(first.data.refundCreate.userErrors).toEqual([]);
    expect(second.data.refundCreate.refund.id).toBe(first.data.refundCreate.refund.id);
    expect(second.data.refundCreate.order).toEqual({ displayFinancialStatus: 'PARTIALLY_REFUNDED', totalRefundedSet: { shopMoney: { amount: '10.00' } } });
    expect(s.store.refunds.size).toBe(1);
  });

  it('refuses a refund above what was paid and a refund without a key', async () => {
    const { s, orderGid, order } = await placed(1);
    const client = clientFor(s);
    const paid = (order.paidCents / 100).toFixed(2);
    const tooMuch = await client.request(REFUND, {
      variables: { key: 'r-2', input: { orderId: orderGid, transactions: [{ orderId: orderGid, amount: (order.paidCents / 100 + 0.01).toFixed(2), kind: 'REFUND', gateway: 'shopify_payments' }] } },
    });
    expect(tooMuch.data.refundCreate.refund).toBeNull();
    expect(tooMuch.data.refundCreate.userErrors[0].message).toContain(`exceeds the refundable amount ${paid}`);
    const noKey = await client.request('mutation($input: RefundInput!) { refundCreate(input: $input) { refund { id } } }', { variables: { input: { orderId: orderGid } } });
    expect(noKey.errors?.graphQLErrors?.[0]?.message).toBe('The @idempotent directive is required for this mutation but was not provided.');
  });

  it('refunds no more items than were bought; cancelled units go back to available', async () => {
    const { s, orderGid, order, level, locationGid } = await placed(2);
    const lineItemId = `gid://shopify/LineItem/${order.lineItems[0]?.id}`;
    const result = await clientFor(s).request(REFUND, {
      variables: { key: 'r-3', input: { orderId: orderGid, refundLineItems: [{ lineItemId, quantity: 3, restockType: 'RETURN', locationId: locationGid }] } },
    });
    expect(result.data.refundCreate.userErrors[0].message).toBe('Quantity cannot refund more items than were purchased');
    const cancelled = await clientFor(s).request(REFUND, {
      variables: { key: 'r-4', input: { orderId: orderGid, refundLineItems: [{ lineItemId, quantity: 1, restockType: 'CANCEL', locationId: locationGid }] } },
    });
    expect(cancelled.data.refundCreate.userErrors).toEqual([]);
    expect(level()).toMatchObject({ available: 99, committed: 1 });
  });
});

describe('customers and faults', () => {
  it('creates and updates customers with Shopify userErrors', async () => {
    const { s } = await start();
    const client = clientFor(s);
    const create = 'mutation($input: CustomerInput!) { customerCreate(input: $input) { customer { id email } userErrors { field message } } }';
    const created = await client.request(create, { variables: { input: { email: 'new@example.com', firstName: 'Nia' } } });
    const id = created.data.customerCreate.customer.id;
    const duplicate = await client.request(create, { variables: { input: { email: 'NEW@example.com' } } });
    expect(duplicate.data.customerCreate.userErrors).toEqual([{ field: ['email'], message: 'Email has already been taken' }]);
    const updated = await client.request('mutation($input: CustomerInput!) { customerUpdate(input: $input) { customer { firstName lastName } userErrors { field } } }', {
      variables: { input: { id, lastName: 'Okafor' } },
    });
    expect(updated.data.customerUpdate.customer).toEqual({ firstName: 'Nia', lastName: 'Okafor' });
    const listed = await client.request('{ customers(first: 10, query: "email:new@example.com") { nodes { displayName } } }');
    expect(listed.data.customers.nodes).toEqual([{ displayName: 'Nia Okafor' }]);
  });

  it('answers injected 503 and 429 in Shopify\'s HTTP error shape', async () => {
    const { s } = await start();
    s.faults.set({ errorRates: { 503: 1 } });
    const down = await clientFor(s).request('{ shop { name } }');
    expect(down.errors?.networkStatusCode).toBe(503);
    s.faults.set({ errorRates: { 429: 1 } });
    const limited = await s.fetch(`https://${s.shopDomain}/admin/api/2026-10/graphql.json`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': s.accessToken },
      body: JSON.stringify({ query: '{ shop { name } }' }),
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2.0');
    expect(await limited.json()).toEqual({ errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' });
    s.faults.set({});
    expect((await clientFor(s).request('{ shop { name } }')).data.shop.name).toBe('Crossdock Demo Store');
  });

  it('snapshots and resets its state through the admin routes', async () => {
    const { s } = await start();
    s.placeOrder({ email: 'a@example.com', lineItems: [{ sku: 'CAP-NVY', quantity: 1 }] });
    const state = (await (await fetch(`${s.url}/__sandbox/state`)).json()) as { orders: unknown[] };
    expect(state.orders).toHaveLength(1);
    await fetch(`${s.url}/__sandbox/reset`, { method: 'POST' });
    expect(s.store.orders.size).toBe(0);
    const limits = (await (await fetch(`${s.url}/__sandbox/limits`)).json()) as Record<string, unknown>;
    expect(limits).toMatchObject({ graphqlCost: { maximumAvailable: 1000, restoreRate: 100, maxSingleQueryCost: 1000 }, inputArrayMax: 250 });
  });
});

describe('API version differences', () => {
  it('2026-01 accepts changeFromQuantity or compareQuantity, and @idempotent is optional', async () => {
    const { s, itemGid, locationGid, level } = await start();
    const client = clientFor(s, '2026-01');
    const mutation = 'mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { userErrors { code } } }';
    const row = { inventoryItemId: itemGid, locationId: locationGid, quantity: 60 };
    const viaChangeFrom = await client.request(mutation, { variables: { input: { name: 'available', reason: 'correction', quantities: [{ ...row, changeFromQuantity: 1 }] } } });
    expect(viaChangeFrom.data.inventorySetQuantities.userErrors).toEqual([{ code: 'CHANGE_FROM_QUANTITY_STALE' }]);
    const viaCompare = await client.request(mutation, { variables: { input: { name: 'available', reason: 'correction', quantities: [{ ...row, compareQuantity: 100 }] } } });
    expect(viaCompare.data.inventorySetQuantities.userErrors).toEqual([]);
    expect(level().available).toBe(60);
  });

  it('before 2026-01 the @idempotent directive does not exist', async () => {
    const { s, itemGid, locationGid, level } = await start();
    const result = await clientFor(s, '2025-10').request(
      'mutation($input: InventoryAdjustQuantitiesInput!) { inventoryAdjustQuantities(input: $input) @idempotent(key: "k") { userErrors { code } } }',
      { variables: { input: { name: 'available', reason: 'correction', changes: [{ inventoryItemId: itemGid, locationId: locationGid, delta: 1 }] } } },
    );
    expect(result.errors?.graphQLErrors?.[0]?.message).toBe('Directive @idempotent is not defined');
    expect(level().available).toBe(100);
  });
});
