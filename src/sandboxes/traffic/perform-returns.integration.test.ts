import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAllSandboxes } from '../run-all.ts';
import type { RunningSandboxes } from '../run-all.ts';
import { ActionKind, StorefrontReturnPath } from './actions.ts';
import type { OrderAction, ReturnAction } from './actions.ts';
import { TrafficExecutor } from './executor.ts';

describe('storefront returns and service return cases of the traffic generator', () => {
  let sandboxes: RunningSandboxes;

  beforeAll(async () => {
    sandboxes = await startAllSandboxes({ latency: 'fast', seed: 11, webhookTimeScale: 0.001 });
  });

  afterAll(async () => {
    await sandboxes?.closeAll();
  });

  const graphql = async <T,>(query: string, variables: Record<string, unknown> = {}): Promise<{ data: T }> => {
    const { url, apiVersion, accessToken } = sandboxes.directory.shopify;
    const response = await fetch(`${url}/admin/api/${apiVersion}/graphql.json`, {
      method: 'POST',
      headers: { 'x-shopify-access-token': accessToken, 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data: T };
  };
  /** What the hub's shipments flow does when the warehouse ships: Shopify fulfils the order. */
  const fulfil = async (orderGid: string) => {
    const state = await graphql<{ order: { fulfillmentOrders: { nodes: { id: string }[] } } }>(`query($id: ID!) { order(id: $id) { fulfillmentOrders(first: 1) { nodes { id } } } }`, { id: orderGid });
    const shipped = await graphql<{ fulfillmentCreate: { userErrors: unknown[] } }>(`mutation($f: FulfillmentInput!) { fulfillmentCreate(fulfillment: $f) { fulfillment { id } userErrors { message } } }`, {
      f: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: state.data.order.fulfillmentOrders.nodes[0]!.id }], trackingInfo: { number: '1Z999AA10123456784' } },
    });
    expect(shipped.data.fulfillmentCreate.userErrors).toEqual([]);
  };
  const order = (orderRef: string): OrderAction => ({
    kind: ActionKind.storefrontOrder, atMs: 0, sequence: 0, orderRef, customerNumber: 'CUST-0001', locationCode: 'DC-EAST',
    lines: [{ sku: 'TRAIL-TEE-M-BLK', quantity: 2, unitPrice: '24.00' }],
  });
  const storefrontReturn = (orderRef: string, via: StorefrontReturnPath): ReturnAction => ({
    kind: ActionKind.storefrontReturn, atMs: 0, sequence: 1, orderRef, customerNumber: 'CUST-0001', reason: 'does-not-fit', quantity: 1, via,
  });

  const returnsOf = async (orderGid: string) =>
    (
      await graphql<{ order: { returns: { nodes: unknown[] } } }>(
        `query($id: ID!) { order(id: $id) { returns(first: 5) { nodes { status returnLineItems(first: 5) { nodes { ... on ReturnLineItem { quantity returnReason fulfillmentLineItem { lineItem { sku } } } } } } } } }`,
        { id: orderGid },
      )
    ).data.order.returns.nodes;
  const requested = (returnReason: string) => [
    { status: 'REQUESTED', returnLineItems: { nodes: [{ quantity: 1, returnReason, fulfillmentLineItem: { lineItem: { sku: 'TRAIL-TEE-M-BLK' } } }] } },
  ];

  it('asks Shopify for a return of a fulfilled line through the Returns API; a shopper whose parcel has not come is replaced by one whose has', async () => {
    const executor = new TrafficExecutor({ directory: sandboxes.directory, runTag: 'rr' });
    for (const ref of ['WEB-RR-1', 'WEB-RR-2', 'WEB-RR-3']) expect(await executor.perform(order(ref))).toMatchObject({ outcome: 'ok' });
    const gid = (ref: string) => executor.placedOrder(ref)!.shopify!.orderGid;
    await fulfil(gid('WEB-RR-1'));
    await fulfil(gid('WEB-RR-3'));

    // The planned order is fulfilled: its line is asked back, nothing refunded yet (the merchant decides).
    expect(await executor.perform(storefrontReturn('WEB-RR-1', StorefrontReturnPath.returnRequest))).toEqual({ outcome: 'ok', system: 'shopify' });
    expect(await returnsOf(gid('WEB-RR-1'))).toEqual(requested('SIZE_TOO_SMALL'));
    const refunds = await graphql<{ order: { refunds: unknown[] } }>(`query($id: ID!) { order(id: $id) { refunds { id } } }`, { id: gid('WEB-RR-1') });
    expect(refunds.data.order.refunds).toEqual([]);

    // WEB-RR-2 has not been fulfilled: the newest fulfilled order not returned yet (WEB-RR-3) is.
    expect(await executor.perform({ ...storefrontReturn('WEB-RR-2', StorefrontReturnPath.returnRequest), reason: 'wrong-item' })).toEqual({ outcome: 'ok', system: 'shopify' });
    expect(await returnsOf(gid('WEB-RR-3'))).toEqual(requested('WRONG_ITEM'));
    expect(await returnsOf(gid('WEB-RR-2'))).toEqual([]);

    // No fulfilled order left that was not returned: skipped, saying why.
    const nothing = await executor.perform(storefrontReturn('WEB-RR-2', StorefrontReturnPath.returnRequest));
    expect(nothing).toEqual({ outcome: 'skipped', detail: expect.stringMatching(/^Shopify has not fulfilled TRAIL-TEE-M-BLK of order WEB-RR-2-rr yet, nor another order/) });
  });

  it('refunds at once when the merchant takes the goods back', async () => {
    const executor = new TrafficExecutor({ directory: sandboxes.directory, runTag: 'mr' });
    expect(await executor.perform(order('WEB-MR-1'))).toMatchObject({ outcome: 'ok' });
    expect(await executor.perform(storefrontReturn('WEB-MR-1', StorefrontReturnPath.merchantRefund))).toEqual({ outcome: 'ok', system: 'shopify' });
    const refunds = await graphql<{ order: { refunds: unknown[] } }>(`query($id: ID!) { order(id: $id) { refunds { note } } }`, { id: executor.placedOrder('WEB-MR-1')!.shopify!.orderGid });
    expect(refunds.data.order.refunds).toEqual([{ note: 'Return: does-not-fit' }]);
  });

  it("names a storefront order in a return case the way the hub knows it, by Shopify's order number", async () => {
    const executor = new TrafficExecutor({ directory: sandboxes.directory, runTag: 'case' });
    expect(await executor.perform(order('WEB-CASE-1'))).toMatchObject({ outcome: 'ok' });
    const shopifyNumber = executor.placedOrder('WEB-CASE-1')!.shopify!.orderNumber!;
    expect(shopifyNumber).toBeGreaterThanOrEqual(1001);
    const caseAction: ReturnAction = { kind: ActionKind.serviceReturnCase, atMs: 0, sequence: 2, orderRef: 'WEB-CASE-1', customerNumber: 'CUST-0001', reason: 'damaged', quantity: 1 };
    expect(await executor.perform(caseAction)).toMatchObject({ outcome: 'ok', system: 'salesforce' });

    const { salesforce } = sandboxes.directory;
    const token = (await (
      await fetch(`${salesforce.url}/services/oauth2/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: salesforce.clientId, client_secret: salesforce.clientSecret }),
      })
    ).json()) as { access_token: string };
    const soql = encodeURIComponent(`SELECT Subject, External_Id__c FROM Case WHERE External_Id__c = 'CASE-SHOP-${shopifyNumber}-2'`);
    const found = (await (await fetch(`${salesforce.url}/services/data/v${salesforce.apiVersion}/query?q=${soql}`, { headers: { authorization: `Bearer ${token.access_token}` } })).json()) as {
      records: { Subject: string }[];
    };
    expect(found.records.map((record) => record.Subject)).toEqual([`Return request for order SHOP-${shopifyNumber}`]);
  });
});
