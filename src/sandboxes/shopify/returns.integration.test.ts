import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startShopifySandbox, verifyWebhookSignature } from './index.ts';
import type { RunningShopifySandbox } from './index.ts';
import { clientFor } from './test-support.ts';

interface Received {
  headers: Record<string, string>;
  body: Record<string, unknown>;
  raw: string;
}

let sandbox: RunningShopifySandbox | undefined;
let server: Server | undefined;
afterEach(async () => {
  await sandbox?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  sandbox = undefined;
  server = undefined;
});

/** A sandbox whose returns/* webhooks go to a local receiver; `answer` picks the status per request (1-based). */
async function start(answer: (count: number) => number = () => 200) {
  const received: Received[] = [];
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: request.headers as Record<string, string>, body: JSON.parse(raw) as Record<string, unknown>, raw });
      response.statusCode = answer(received.length);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  const s = await startShopifySandbox({ webhooks: { timeScale: 0.00001 } });
  sandbox = s;
  const client = clientFor(s);
  for (const topic of ['RETURNS_REQUEST', 'RETURNS_APPROVE', 'RETURNS_DECLINE', 'RETURNS_CLOSE']) {
    const created = await client.request(
      `mutation($topic: WebhookSubscriptionTopic!, $sub: WebhookSubscriptionInput!) { webhookSubscriptionCreate(topic: $topic, webhookSubscription: $sub) { userErrors { field message } } }`,
      { variables: { topic, sub: { uri, format: 'JSON' } } },
    );
    expect(created.data.webhookSubscriptionCreate.userErrors).toEqual([]);
  }
  return { s, client, received };
}

/** An order of 2 × TEE-BLK-M and 1 × CAP-NVY, fulfilled in full; answers the ids a return names. */
async function fulfilledOrder(s: RunningShopifySandbox, client: ReturnType<typeof clientFor>) {
  const placed = s.placeOrder({ email: 'buyer@example.com', lineItems: [{ sku: 'TEE-BLK-M', quantity: 2 }, { sku: 'CAP-NVY', quantity: 1 }] });
  if (!placed.ok) throw new Error('order refused');
  const orderGid = `gid://shopify/Order/${placed.value.id}`;
  const state = await client.request(`query($id: ID!) { order(id: $id) { fulfillmentOrders(first: 1) { nodes { id } } } }`, { variables: { id: orderGid } });
  const shipped = await client.request(`mutation($f: FulfillmentInput!) { fulfillmentCreate(fulfillment: $f) { fulfillment { fulfillmentLineItems(first: 5) { nodes { id lineItem { sku } } } } userErrors { message } } }`, {
    variables: { f: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: state.data.order.fulfillmentOrders.nodes[0].id }], trackingInfo: { number: '1Z999' } } },
  });
  const lines = shipped.data.fulfillmentCreate.fulfillment.fulfillmentLineItems.nodes as { id: string; lineItem: { sku: string } }[];
  return { order: placed.value, orderGid, tee: lines.find((line) => line.lineItem.sku === 'TEE-BLK-M')!.id, cap: lines.find((line) => line.lineItem.sku === 'CAP-NVY')!.id };
}

const REQUEST = `mutation Request($input: ReturnRequestInput!) {
  returnRequest(input: $input) { return { id name status totalQuantity returnLineItems(first: 5) { nodes { ... on ReturnLineItem { quantity returnReason customerNote fulfillmentLineItem { lineItem { sku } } } } } } userErrors { field message code } }
}`;
const APPROVE = `mutation($input: ReturnApproveRequestInput!) { returnApproveRequest(input: $input) { return { id status } userErrors { field message code } } }`;
const DECLINE = `mutation($input: ReturnDeclineRequestInput!) { returnDeclineRequest(input: $input) { return { id status decline { reason note } } userErrors { field message code } } }`;
const CLOSE = `mutation($id: ID!) { returnClose(id: $id) { return { id status closedAt } userErrors { field message code } } }`;

describe('Shopify returns: returnRequest', () => {
  it('records a REQUESTED return of fulfilled units, costs 10 points and fires returns/request, signed and retried like every webhook', async () => {
    const { s, client, received } = await start((count) => (count === 1 ? 500 : 200));
    const { order, orderGid, tee } = await fulfilledOrder(s, client);
    const requested = await client.request(REQUEST, {
      variables: { input: { orderId: orderGid, returnLineItems: [{ fulfillmentLineItemId: tee, quantity: 2, returnReason: 'SIZE_TOO_SMALL', customerNote: 'Too tight across the shoulders' }] } },
    });
    expect(requested.data.returnRequest.userErrors).toEqual([]);
    expect(requested.data.returnRequest.return).toMatchObject({
      name: `${order.name}-R1`,
      status: 'REQUESTED',
      totalQuantity: 2,
      returnLineItems: { nodes: [{ quantity: 2, returnReason: 'SIZE_TOO_SMALL', customerNote: 'Too tight across the shoulders', fulfillmentLineItem: { lineItem: { sku: 'TEE-BLK-M' } } }] },
    });
    expect(requested.extensions?.cost).toMatchObject({ requestedQueryCost: 10, actualQueryCost: 10 });

    await s.webhooks.emitter.drain();
    // The first attempt got a 500: Shopify sends the same delivery again (same webhook id).
    expect(received).toHaveLength(2);
    expect(received[0]!.headers['x-shopify-webhook-id']).toBe(received[1]!.headers['x-shopify-webhook-id']);
    const [, delivery] = received;
    expect(delivery!.headers['x-shopify-topic']).toBe('returns/request');
    expect(verifyWebhookSignature(delivery!.raw, delivery!.headers['x-shopify-hmac-sha256'], s.clientSecret)).toBe(true);
    const returnId = Number(String(requested.data.returnRequest.return.id).split('/').pop());
    const lineItemId = order.lineItems.find((line) => line.sku === 'TEE-BLK-M')!.id;
    expect(delivery!.body).toMatchObject({
      id: returnId,
      admin_graphql_api_id: `gid://shopify/Return/${returnId}`,
      name: `${order.name}-R1`,
      status: 'requested',
      order_id: order.id,
      return_line_items: [{ quantity: 2, return_reason: 'size_too_small', customer_note: 'Too tight across the shoulders', fulfillment_line_item: { admin_graphql_api_id: tee, line_item: { id: lineItemId } } }],
    });
  });

  it('refuses unknown orders and lines, unfulfilled or already returned units, and unknown reasons, with ReturnErrorCode codes', async () => {
    const { s, client } = await start();
    const { orderGid, tee, cap } = await fulfilledOrder(s, client);
    const refusal = async (input: Record<string, unknown>) => (await client.request(REQUEST, { variables: { input } })).data.returnRequest;
    expect(await refusal({ orderId: 'gid://shopify/Order/1', returnLineItems: [{ fulfillmentLineItemId: tee, quantity: 1, returnReason: 'UNWANTED' }] })).toMatchObject({
      return: null,
      userErrors: [{ field: ['input', 'orderId'], code: 'NOT_FOUND' }],
    });
    expect((await refusal({ orderId: orderGid, returnLineItems: [{ fulfillmentLineItemId: 'gid://shopify/FulfillmentLineItem/42', quantity: 1, returnReason: 'UNWANTED' }] })).userErrors).toMatchObject([
      { field: ['input', 'returnLineItems', '0', 'fulfillmentLineItemId'], code: 'NOT_FOUND' },
    ]);
    expect((await refusal({ orderId: orderGid, returnLineItems: [{ fulfillmentLineItemId: cap, quantity: 2, returnReason: 'UNWANTED' }] })).userErrors).toMatchObject([
      { field: ['input', 'returnLineItems', '0', 'quantity'], code: 'LESS_THAN_OR_EQUAL_TO', message: expect.stringContaining('returnable quantity 1') },
    ]);
    expect((await refusal({ orderId: orderGid, returnLineItems: [{ fulfillmentLineItemId: cap, quantity: 1, returnReason: 'BORED' }] })).userErrors).toMatchObject([{ code: 'INCLUSION' }]);
    // One tee in a return under way: only one of the two is left to return.
    expect((await refusal({ orderId: orderGid, returnLineItems: [{ fulfillmentLineItemId: tee, quantity: 1, returnReason: 'UNWANTED' }] })).userErrors).toEqual([]);
    expect((await refusal({ orderId: orderGid, returnLineItems: [{ fulfillmentLineItemId: tee, quantity: 2, returnReason: 'UNWANTED' }] })).userErrors).toMatchObject([{ code: 'LESS_THAN_OR_EQUAL_TO' }]);
    expect(s.store.returns.size).toBe(1);
  });
});

describe('Shopify returns: approve, decline, close', () => {
  it('REQUESTED → OPEN → CLOSED with returns/approve and returns/close; a second approve or a decline of an OPEN return is INVALID_STATE', async () => {
    const { s, client, received } = await start();
    const { orderGid, tee } = await fulfilledOrder(s, client);
    const requested = await client.request(REQUEST, { variables: { input: { orderId: orderGid, returnLineItems: [{ fulfillmentLineItemId: tee, quantity: 1, returnReason: 'DEFECTIVE' }] } } });
    const id = requested.data.returnRequest.return.id as string;

    const approved = await client.request(APPROVE, { variables: { input: { id } } });
    expect(approved.data.returnApproveRequest).toEqual({ return: { id, status: 'OPEN' }, userErrors: [] });
    expect(approved.extensions?.cost).toMatchObject({ actualQueryCost: 10 });
    const again = await client.request(APPROVE, { variables: { input: { id } } });
    expect(again.data.returnApproveRequest).toMatchObject({ return: null, userErrors: [{ field: ['input', 'id'], code: 'INVALID_STATE', message: expect.stringContaining('status REQUESTED') }] });
    const decline = await client.request(DECLINE, { variables: { input: { id, declineReason: 'OTHER' } } });
    expect(decline.data.returnDeclineRequest.userErrors).toMatchObject([{ code: 'INVALID_STATE' }]);

    const closed = await client.request(CLOSE, { variables: { id } });
    expect(closed.data.returnClose).toMatchObject({ return: { id, status: 'CLOSED', closedAt: expect.any(String) }, userErrors: [] });
    expect((await client.request(CLOSE, { variables: { id } })).data.returnClose.userErrors).toMatchObject([{ field: ['id'], code: 'INVALID_STATE' }]);
    expect((await client.request(APPROVE, { variables: { input: { id: 'gid://shopify/Return/1' } } })).data.returnApproveRequest.userErrors).toMatchObject([{ code: 'NOT_FOUND' }]);

    const read = await client.request(`query($order: ID!, $id: ID!) { return(id: $id) { status } order(id: $order) { returns(first: 5) { nodes { id status } } } node(id: $id) { ... on Return { name } } }`, {
      variables: { order: orderGid, id },
    });
    expect(read.data).toMatchObject({ return: { status: 'CLOSED' }, order: { returns: { nodes: [{ id, status: 'CLOSED' }] } }, node: { name: expect.stringMatching(/-R1$/) } });

    await s.webhooks.emitter.drain();
    expect(received.map((delivery) => [delivery.headers['x-shopify-topic'], delivery.body.status])).toEqual([
      ['returns/request', 'requested'],
      ['returns/approve', 'open'],
      ['returns/close', 'closed'],
    ]);
  });

  it('declines a REQUESTED return with a reason and a note (at most 500 characters), fires returns/decline, and frees its units', async () => {
    const { s, client, received } = await start();
    const { orderGid, cap } = await fulfilledOrder(s, client);
    const requested = await client.request(REQUEST, { variables: { input: { orderId: orderGid, returnLineItems: [{ fulfillmentLineItemId: cap, quantity: 1, returnReason: 'UNWANTED' }] } } });
    const id = requested.data.returnRequest.return.id as string;
    const tooLong = await client.request(DECLINE, { variables: { input: { id, declineReason: 'RETURN_PERIOD_ENDED', declineNote: 'x'.repeat(501) } } });
    expect(tooLong.data.returnDeclineRequest.userErrors).toMatchObject([{ field: ['input', 'declineNote'], code: 'TOO_LONG' }]);
    expect((await client.request(DECLINE, { variables: { input: { id, declineReason: 'TOO_LATE' } } })).data.returnDeclineRequest.userErrors).toMatchObject([{ code: 'INCLUSION' }]);

    const declined = await client.request(DECLINE, { variables: { input: { id, declineReason: 'RETURN_PERIOD_ENDED', declineNote: 'Delivered 40 days ago; returns are accepted for 30 days.', notifyCustomer: true } } });
    expect(declined.data.returnDeclineRequest).toEqual({
      return: { id, status: 'DECLINED', decline: { reason: 'RETURN_PERIOD_ENDED', note: 'Delivered 40 days ago; returns are accepted for 30 days.' } },
      userErrors: [],
    });
    expect((await client.request(CLOSE, { variables: { id } })).data.returnClose.userErrors).toMatchObject([{ code: 'INVALID_STATE' }]);
    // A declined return holds no units: the cap may be asked back again.
    const second = await client.request(REQUEST, { variables: { input: { orderId: orderGid, returnLineItems: [{ fulfillmentLineItemId: cap, quantity: 1, returnReason: 'UNWANTED' }] } } });
    expect(second.data.returnRequest).toMatchObject({ return: { status: 'REQUESTED', name: expect.stringMatching(/-R2$/) }, userErrors: [] });

    await s.webhooks.emitter.drain();
    const decline = received.find((delivery) => delivery.headers['x-shopify-topic'] === 'returns/decline');
    expect(decline?.body).toMatchObject({ status: 'declined', decline: { reason: 'return_period_ended', note: 'Delivered 40 days ago; returns are accepted for 30 days.' } });
  });
});
