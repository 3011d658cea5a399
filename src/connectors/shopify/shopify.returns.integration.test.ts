import { afterEach, describe, expect, it } from 'vitest';
import { validateRetailEvent } from '../../canonical/events/create-event.ts';
import { PermanentError } from '../../runtime/errors.ts';
import type { RunningShopifySandbox } from '../../sandboxes/shopify/index.ts';
import { clientFor } from '../../sandboxes/shopify/test-support.ts';
import { deliveryItem, recordingContext } from '../conformance/harness.ts';
import type { ShopifyConnector } from './index.ts';
import { ShopifyOperation } from './outbound.ts';
import { connectedSandbox, startWebhookReceiver, type WebhookReceiver } from './testing.ts';

let sandbox: RunningShopifySandbox | undefined;
let receiverInUse: WebhookReceiver | undefined;
afterEach(async () => {
  await sandbox?.close();
  await receiverInUse?.close();
  sandbox = undefined;
  receiverInUse = undefined;
});

async function receiver(): Promise<WebhookReceiver> {
  receiverInUse = await startWebhookReceiver();
  return receiverInUse;
}

/** A fulfilled order of 1 × TEE-WHT-L and 2 × CAP-NVY with a return requested for `quantity` caps; answers the return's gid. */
async function requestedReturn(s: RunningShopifySandbox, connector: ShopifyConnector, quantity = 2): Promise<{ returnId: string; orderNumber: number }> {
  const placed = s.placeOrder({ email: 'buyer@example.com', lineItems: [{ sku: 'TEE-WHT-L', quantity: 1 }, { sku: 'CAP-NVY', quantity: 2 }] });
  if (!placed.ok) throw new Error('order refused');
  const orderId = String(placed.value.id);
  const [shipped] = await connector.deliver(
    [deliveryItem({ target: 'commerce', kind: 'command', key: orderId, operation: ShopifyOperation.createFulfillment, payload: { orderId, tracking: { number: `1Z${orderId}` } }, idempotencyKey: `ship:${orderId}` })],
    recordingContext(),
  );
  expect(shipped!.ok).toBe(true);
  const client = clientFor(s);
  const fulfilled = await client.request(`query($id: ID!) { order(id: $id) { fulfillments(first: 1) { fulfillmentLineItems(first: 5) { nodes { id lineItem { sku } } } } } }`, {
    variables: { id: `gid://shopify/Order/${orderId}` },
  });
  const cap = (fulfilled.data.order.fulfillments[0].fulfillmentLineItems.nodes as { id: string; lineItem: { sku: string } }[]).find((node) => node.lineItem.sku === 'CAP-NVY')!;
  const requested = await client.request(
    `mutation($input: ReturnRequestInput!) { returnRequest(input: $input) { return { id } userErrors { message } } }`,
    { variables: { input: { orderId: `gid://shopify/Order/${orderId}`, returnLineItems: [{ fulfillmentLineItemId: cap.id, quantity, returnReason: 'SIZE_TOO_LARGE', customerNote: 'Too big' }] } } },
  );
  expect(requested.data.returnRequest.userErrors).toEqual([]);
  return { returnId: requested.data.returnRequest.return.id as string, orderNumber: placed.value.number };
}

function command(operation: string, payload: Record<string, unknown>, key: string) {
  return deliveryItem({ target: 'commerce', kind: 'command', key, operation, payload, idempotencyKey: `${operation}:${key}:${JSON.stringify(payload)}` });
}

describe('Shopify connector: returns', () => {
  it('maps a returns/request delivery to retail.return.requested.v1 (RMA-SRQ-<id>, order number, SKUs from the order, canonical reason); a duplicate has the same event id', async () => {
    const connected = await connectedSandbox({ webhooks: { timeScale: 0.00001 }, faults: { webhooks: { duplicateRate: 1 } } });
    sandbox = connected.sandbox;
    const hook = await receiver();
    const created = await clientFor(sandbox).request(
      `mutation($topic: WebhookSubscriptionTopic!, $sub: WebhookSubscriptionInput!) { webhookSubscriptionCreate(topic: $topic, webhookSubscription: $sub) { userErrors { message } } }`,
      { variables: { topic: 'RETURNS_REQUEST', sub: { uri: hook.url, format: 'JSON' } } },
    );
    expect(created.data.webhookSubscriptionCreate.userErrors).toEqual([]);
    const { returnId, orderNumber } = await requestedReturn(sandbox, connected.connector);
    await sandbox.webhooks.emitter.drain();
    expect(hook.received).toHaveLength(2);

    const webhook = connected.connector.webhook!;
    expect(await webhook.verify(hook.received[0]!)).toBe(true);
    const [first] = await webhook.toEvents(hook.received[0]!);
    const [again] = await webhook.toEvents(hook.received[1]!);
    const id = returnId.split('/').pop();
    expect(validateRetailEvent(first!)).toMatchObject({ ok: true });
    expect(first).toMatchObject({
      type: 'retail.return.requested.v1',
      subject: `RMA-SRQ-${id}`,
      data: {
        rmaNumber: `RMA-SRQ-${id}`,
        orderNumber: `SHOP-${orderNumber}`,
        externalIds: { shopify: returnId },
        sourceSystem: 'shopify',
        method: 'mail',
        status: 'requested',
        refundIds: [],
        lines: [{ orderLineNumber: 2, sku: 'CAP-NVY', quantity: 2, reason: 'size-or-fit', customerComment: 'Too big' }],
      },
    });
    expect(again!.id).toBe(first!.id);
  });

  it('approves, closes and declines, each idempotent: a return already where the command takes it is a success without a mutation', async () => {
    const connected = await connectedSandbox();
    sandbox = connected.sandbox;
    const { connector } = connected;
    const { returnId } = await requestedReturn(sandbox, connector, 1);
    const statusOf = () => sandbox!.store.returns.get(Number(returnId.split('/').pop()))?.status;

    const [approved] = await connector.deliver([command(ShopifyOperation.approveReturn, { returnId }, 'RMA-1')], recordingContext());
    expect(approved).toEqual({ ok: true, externalId: returnId });
    expect(statusOf()).toBe('OPEN');
    const mutations = connector.calls.mutation;
    const [approvedAgain] = await connector.deliver([command(ShopifyOperation.approveReturn, { returnId }, 'RMA-1')], recordingContext());
    expect(approvedAgain).toEqual({ ok: true, externalId: returnId });
    expect(connector.calls.mutation).toBe(mutations);

    // An approved return cannot be declined: Shopify's INVALID_STATE, for good.
    const [declined] = await connector.deliver([command(ShopifyOperation.declineReturn, { returnId, reason: 'OTHER', note: 'no' }, 'RMA-1')], recordingContext());
    expect(declined!.ok).toBe(false);
    expect(!declined!.ok && declined!.error).toBeInstanceOf(PermanentError);
    expect(!declined!.ok && (declined!.error as PermanentError).code).toBe('INVALID_STATE');

    for (let round = 0; round < 2; round++) {
      const [closed] = await connector.deliver([command(ShopifyOperation.closeReturn, { returnId }, 'RMA-1')], recordingContext());
      expect(closed).toEqual({ ok: true, externalId: returnId });
    }
    expect(statusOf()).toBe('CLOSED');
    expect(connector.calls.mutation).toBe(mutations + 1);

    const second = await requestedReturn(sandbox, connector, 2);
    const note = `return refused: ${'x'.repeat(600)}`;
    for (let round = 0; round < 2; round++) {
      const [refused] = await connector.deliver([command(ShopifyOperation.declineReturn, { returnId: second.returnId, reason: 'RETURN_PERIOD_ENDED', note, notifyCustomer: true }, 'RMA-2')], recordingContext());
      expect(refused).toEqual({ ok: true, externalId: second.returnId });
    }
    const declinedReturn = sandbox.store.returns.get(Number(second.returnId.split('/').pop()));
    expect(declinedReturn).toMatchObject({ status: 'DECLINED', decline: { reason: 'RETURN_PERIOD_ENDED', note: note.slice(0, 500) } });

    const [unknown] = await connector.deliver([command(ShopifyOperation.approveReturn, { returnId: 'gid://shopify/Return/1' }, 'RMA-3')], recordingContext());
    expect(!unknown!.ok && (unknown!.error as PermanentError).code).toBe('NOT_FOUND');
    const [badReason] = await connector.deliver([command(ShopifyOperation.declineReturn, { returnId, reason: 'TOO_LATE' }, 'RMA-4')], recordingContext());
    expect(!badReason!.ok && (badReason!.error as PermanentError).code).toBe('INVALID_PAYLOAD');
  });
});
