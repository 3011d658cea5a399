import { afterEach, describe, expect, it } from 'vitest';
import { startShopifySandbox } from './index.ts';
import type { RunningShopifySandbox, ShopifySandboxOptions } from './index.ts';
import { clientFor, manualClock } from './test-support.ts';

let sandbox: RunningShopifySandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: ShopifySandboxOptions = {}): Promise<RunningShopifySandbox> {
  sandbox = await startShopifySandbox(options);
  return sandbox;
}

function firstSku(s: RunningShopifySandbox) {
  const variant = [...s.store.variants.values()][0];
  const location = [...s.store.locations.values()][0];
  if (!variant || !location) throw new Error('seed has no variant or location');
  return { variant, location, itemGid: `gid://shopify/InventoryItem/${variant.inventoryItemId}`, locationGid: `gid://shopify/Location/${location.id}` };
}

function order(s: RunningShopifySandbox, quantity = 1) {
  const outcome = s.placeOrder({ email: 'buyer@example.com', lineItems: [{ sku: firstSku(s).variant.sku, quantity }] });
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.userErrors));
  return outcome.value;
}

const ORDERS = `query Orders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    edges { cursor node { id name email totalPriceSet { shopMoney { amount currencyCode } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe('Shopify sandbox with @shopify/admin-api-client', () => {
  it('answers queries with paging and the cost extension', async () => {
    const s = await start();
    for (let i = 0; i < 5; i++) order(s);
    const client = clientFor(s);
    const page1 = await client.request(ORDERS, { variables: { first: 2 } });
    expect(page1.errors).toBeUndefined();
    expect(page1.data.orders.edges.map((edge: { node: { name: string } }) => edge.node.name)).toEqual(['#1001', '#1002']);
    expect(page1.data.orders.pageInfo.hasNextPage).toBe(true);
    expect(page1.data.orders.edges[0].node.id).toMatch(/^gid:\/\/shopify\/Order\/\d+$/);
    // 2 + 2 × (node 1 + totalPriceSet 1 + shopMoney 1)
    expect(page1.extensions?.cost).toMatchObject({
      requestedQueryCost: 8,
      actualQueryCost: 8,
      throttleStatus: { maximumAvailable: 1000, restoreRate: 100 },
    });

    const rest: string[] = [];
    let after = page1.data.orders.pageInfo.endCursor as string;
    for (;;) {
      const page = await client.request(ORDERS, { variables: { first: 2, after } });
      rest.push(...page.data.orders.edges.map((edge: { node: { name: string } }) => edge.node.name));
      if (!page.data.orders.pageInfo.hasNextPage) break;
      after = page.data.orders.pageInfo.endCursor;
    }
    expect(rest).toEqual(['#1003', '#1004', '#1005']);
  });

  it('filters orders on updated_at and charges only the nodes returned', async () => {
    const clock = manualClock();
    const s = await start({ clock: clock.now });
    order(s);
    clock.advance(60_000);
    const late = order(s);
    const client = clientFor(s);
    const since = new Date(clock.now() - 1000).toISOString();
    const result = await client.request(ORDERS, { variables: { first: 50, query: `updated_at:>'${since}'` } });
    expect(result.data.orders.edges.map((edge: { node: { name: string } }) => edge.node.name)).toEqual([late.name]);
    expect(result.extensions?.cost.requestedQueryCost).toBe(2 + 50 * 3);
    expect(result.extensions?.cost.actualQueryCost).toBe(2 + 1 * 3);
  });

  it('reads shop, locations and inventory quantities by name', async () => {
    const s = await start();
    order(s, 3);
    const { itemGid } = firstSku(s);
    const result = await clientFor(s).request(
      `query($id: ID!) {
        shop { name myshopifyDomain }
        locations(first: 10) { nodes { id name } }
        inventoryItem(id: $id) { sku inventoryLevels(first: 5) { nodes { location { name } quantities(names: ["available", "committed", "on_hand"]) { name quantity } } } }
      }`,
      { variables: { id: itemGid } },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.shop.myshopifyDomain).toBe(s.shopDomain);
    expect(result.data.locations.nodes).toHaveLength(2);
    const main = result.data.inventoryItem.inventoryLevels.nodes[0];
    expect(main.location.name).toBe('Main Warehouse');
    expect(main.quantities).toEqual([
      { name: 'available', quantity: 97 },
      { name: 'committed', quantity: 3 },
      { name: 'on_hand', quantity: 100 },
    ]);
  });

  it('refuses a bad access token with 401 and Shopify\'s message', async () => {
    const s = await start();
    const result = await clientFor(s, '2026-10', 'shpat_wrong').request('{ shop { name } }');
    expect(result.errors?.networkStatusCode).toBe(401);
    const raw = await s.fetch(`https://${s.shopDomain}/admin/api/2026-10/graphql.json`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': 'nope' },
      body: JSON.stringify({ query: '{ shop { name } }' }),
    });
    expect(await raw.json()).toEqual({ errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
  });

  it('throttles a mutation when the bucket is short, then admits it after the restore', async () => {
    const clock = manualClock();
    const s = await start({ clock: clock.now, bucket: { capacity: 15, restorePerSecond: 1 } });
    const client = clientFor(s);
    const create = 'mutation($input: CustomerInput!) { customerCreate(input: $input) { customer { id } userErrors { field message } } }';
    const first = await client.request(create, { variables: { input: { email: 'one@example.com' } } });
    expect(first.data.customerCreate.customer.id).toMatch(/Customer/);
    expect(first.extensions?.cost.throttleStatus.currentlyAvailable).toBe(5);

    const throttled = await client.request(create, { variables: { input: { email: 'two@example.com' } } });
    expect(throttled.errors?.graphQLErrors?.[0]).toMatchObject({ message: 'Throttled', extensions: { code: 'THROTTLED' } });
    expect(throttled.errors?.networkStatusCode).toBe(200);
    expect(throttled.extensions?.cost).toMatchObject({ requestedQueryCost: 10, actualQueryCost: null, throttleStatus: { currentlyAvailable: 5 } });
    expect([...s.store.customers.values()].some((c) => c.email === 'two@example.com')).toBe(false);

    clock.advance(5_000);
    const retried = await client.request(create, { variables: { input: { email: 'two@example.com' } } });
    expect(retried.errors).toBeUndefined();
    expect(retried.data.customerCreate.userErrors).toEqual([]);
  });

  it('rejects a single query above 1,000 points without charging the bucket', async () => {
    const s = await start();
    const result = await clientFor(s).request('{ orders(first: 250) { nodes { id lineItems(first: 10) { nodes { sku } } } } }');
    const error = result.errors?.graphQLErrors?.[0];
    expect(error?.extensions).toEqual({ code: 'MAX_COST_EXCEEDED', cost: 2 + 250 * (1 + 2 + 10), maxCost: 1000 });
    expect(error?.message).toContain('exceeds the single query max cost limit (1000)');
    expect(result.extensions?.cost.throttleStatus.currentlyAvailable).toBe(1000);
  });

  it('serves the supported versions only, and accepts application/graphql bodies', async () => {
    const s = await start();
    const post = (version: string, body: string, contentType = 'application/json') =>
      s.fetch(`https://${s.shopDomain}/admin/api/${version}/graphql.json`, {
        method: 'POST',
        headers: { 'Content-Type': contentType, 'X-Shopify-Access-Token': s.accessToken },
        body,
      });
    expect((await post('2019-04', JSON.stringify({ query: '{ shop { name } }' }))).status).toBe(404);
    const raw = await post('2025-07', '{ shop { name } }', 'application/graphql');
    expect(((await raw.json()) as { data: unknown }).data).toEqual({ shop: { name: 'Crossdock Demo Store' } });
    const syntax = (await (await post('2026-10', JSON.stringify({ query: '{ shop { name }' }))).json()) as { errors: { message: string }[] };
    expect(syntax.errors[0]?.message).toBe('Parse error on end of file at [1, 16]');
  });

  it('resolves node(id:) with inline fragments and named fragments', async () => {
    const s = await start();
    const placed = order(s);
    const result = await clientFor(s).request(
      `query($id: ID!) { node(id: $id) { __typename ... on Order { ...OrderParts } ... on Customer { email } } }
       fragment OrderParts on Order { name lineItems(first: 5) { nodes { sku quantity } } }`,
      { variables: { id: `gid://shopify/Order/${placed.id}` } },
    );
    expect(result.data.node).toEqual({ __typename: 'Order', name: '#1001', lineItems: { nodes: [{ sku: 'TEE-BLK-M', quantity: 1 }] } });
  });

  it('rejects input arrays above 250 items naming the argument', async () => {
    const s = await start();
    const { itemGid, locationGid } = firstSku(s);
    const quantities = Array.from({ length: 251 }, () => ({ inventoryItemId: itemGid, locationId: locationGid, quantity: 5, changeFromQuantity: null }));
    const result = await clientFor(s).request(
      'mutation($input: InventorySetQuantitiesInput!, $key: String!) { inventorySetQuantities(input: $input) @idempotent(key: $key) { userErrors { code } } }',
      { variables: { input: { name: 'available', reason: 'correction', quantities }, key: 'k-251' } },
    );
    expect(result.errors?.graphQLErrors?.[0]).toMatchObject({
      message: 'The input array size of 251 is greater than the maximum allowed of 250.',
      path: ['inventorySetQuantities', 'input', 'quantities'],
      extensions: { code: 'MAX_INPUT_SIZE_EXCEEDED' },
    });
    expect(s.store.inventoryLevels.values().next().value?.quantities.available).toBe(100);
  });
});
