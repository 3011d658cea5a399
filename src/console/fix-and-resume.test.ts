import { afterEach, describe, expect, it, vi } from 'vitest';
import { sampleOrder } from '../canonical/fixtures.ts';
import type { Order } from '../canonical/order.ts';
import { eventually } from '../ports/conformance/harness.ts';
import type { BusinessContext, Storage } from '../ports/storage.ts';
import { OPERATOR_RESOLUTION_EVENT } from '../runtime/flows/operator.ts';
import { consoleGet, consolePost, loginAs, startConsoleFixture, type ConsoleFixture } from './testing.ts';

/** A canonical order the ERP refused for good: enqueued, claimed and dead-lettered as the delivery engine does. */
async function deadLetteredOrder(storage: Storage, order: Order): Promise<{ deadLetterId: number; itemId: number }> {
  const now = Date.now();
  await storage.delivery.enqueue([
    {
      target: 'erp',
      kind: 'command',
      key: order.orderNumber,
      operation: 'bookOrder',
      payload: order,
      idempotencyKey: `book:${order.orderNumber}`,
      context: { entity: 'order', businessKey: order.orderNumber, operation: 'bookOrder' },
      availableAt: now - 1,
    },
  ]);
  const [item] = await storage.delivery.claim('erp', { limit: 1, now, leaseMs: 60_000 });
  const error = { type: 'PermanentError', message: 'Invalid item reference key TRAIL-RUNNR-42.', retryable: false, code: 'INVALID_KEY_OR_REF', field: 'item', system: 'netsuite' };
  return { deadLetterId: await storage.delivery.deadLetter(item!.id, { error, now }), itemId: item!.id };
}

/** A flow exception as `raiseAndAwaitOperator` records it (or, with `awaitsOperator: false`, as `ctx.raise` does). */
function flowException(storage: Storage, instanceId: string, context: BusinessContext): Promise<number> {
  return storage.deadLetters.add({
    kind: 'flow',
    target: 'order-validation',
    key: 'WEB-7001',
    ref: instanceId,
    error: { type: 'FlowException', message: 'unknown sku TRAIL-RUNNR-42', code: 'UNKNOWN_SKU', retryable: false },
    context: { businessKey: 'WEB-7001', ...context },
    correlationId: null,
    createdAt: Date.now(),
  });
}

const typo = (): Order => {
  const order = sampleOrder({ orderNumber: 'WEB-7001' });
  order.lines[0]!.sku = 'TRAIL-RUNNR-42';
  return order;
};
const corrected = (order: Order): Order => ({ ...order, lines: order.lines.map((line, index) => (index === 0 ? { ...line, sku: 'TRAIL-RUNNER-42-BLU' } : line)) });

describe('console: fix and resume', () => {
  let fixture: ConsoleFixture;
  afterEach(async () => fixture?.close());

  it('retries a delivery exception with the corrected payload, audited with who, why and the payload before', async () => {
    fixture = await startConsoleFixture({ startHub: false });
    const { storage } = fixture.adapters;
    const original = typo();
    const { deadLetterId, itemId } = await deadLetteredOrder(storage, original);
    const operator = await loginAs(fixture.app, 'operator');

    const before = (await consoleGet(fixture.app, operator, `/api/console/exceptions/${deadLetterId}`)).json<{ editable: { payload: Order; entity: string } | null }>();
    expect(before.editable).toEqual({ payload: original, entity: 'order' });

    const fixedOrder = corrected(original);
    const response = await consolePost(fixture.app, operator, `/api/console/exceptions/${deadLetterId}/fix`, { payload: fixedOrder, reason: '  SKU typo on line 1  ' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: deadLetterId, outcome: 'done', status: 'retried' });

    expect(await storage.delivery.get(itemId)).toMatchObject({ status: 'pending', attempts: 0, payload: fixedOrder });
    expect(await storage.deadLetters.get(deadLetterId)).toMatchObject({ status: 'retried' });
    const audit = await storage.audit.list({ subject: `dead-letter:${deadLetterId}` });
    expect(audit).toEqual([
      expect.objectContaining({ actor: 'operator', action: 'dead-letter.fixed', reason: 'SKU typo on line 1', detail: { payloadEdited: true, previousPayload: original, payload: fixedOrder } }),
    ]);

    const after = (await consoleGet(fixture.app, operator, `/api/console/exceptions/${deadLetterId}`)).json<{ editable: unknown; now: string; history: { action: string; detail?: unknown }[] }>();
    expect(after.editable).toBeNull();
    expect(after.now).toMatch(/back in the erp queue/);
    expect(after.history).toEqual([expect.objectContaining({ action: 'dead-letter.fixed', detail: expect.objectContaining({ payloadEdited: true }) })]);

    const again = await consolePost(fixture.app, operator, `/api/console/exceptions/${deadLetterId}/fix`, { payload: fixedOrder, reason: 'twice' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ outcome: 'not-open', status: 'retried' });
  });

  it('on a running hub, the corrected order reaches the ERP', async () => {
    fixture = await startConsoleFixture();
    fixture.unknownSkus.add('TRAIL-RUNNR-42');
    const original = typo();
    await fixture.placeOrder('WEB-7001', 'corr-web-7001', { lines: original.lines });
    const [entry] = await eventually(async () => {
      const open = await fixture.adapters.storage.deadLetters.list({ status: 'open', key: 'WEB-7001' });
      return open.length === 1 ? open : undefined;
    }, 'WEB-7001 refused by the ERP');
    const operator = await loginAs(fixture.app, 'operator');
    const response = await consolePost(fixture.app, operator, `/api/console/exceptions/${entry!.id}/fix`, { payload: corrected(original), reason: 'SKU typo on line 1' });
    expect(response.statusCode).toBe(200);
    const applied = await eventually(() => fixture.erp.appliedByKey.get('WEB-7001') as Order[] | undefined, 'WEB-7001 booked');
    expect(applied.map((order) => order.lines[0]!.sku)).toEqual(['TRAIL-RUNNER-42-BLU']);
  });

  it('refuses a payload the canonical schema refuses (400 naming the field) and changes nothing', async () => {
    fixture = await startConsoleFixture({ startHub: false });
    const { storage } = fixture.adapters;
    const original = typo();
    const { deadLetterId, itemId } = await deadLetteredOrder(storage, original);
    const operator = await loginAs(fixture.app, 'operator');

    const badQuantity = corrected(original);
    badQuantity.lines[0]!.quantity = 0;
    const response = await consolePost(fixture.app, operator, `/api/console/exceptions/${deadLetterId}/fix`, { payload: badQuantity, reason: 'fix the sku' });
    expect(response.statusCode).toBe(400);
    const body = response.json<{ error: { code: string; message: string; field: string; issues: { path: string; field: string; reason: string }[] } }>();
    expect(body.error).toMatchObject({ code: 'INVALID_PAYLOAD', field: 'lines[0].quantity' });
    expect(body.error.message).toContain('lines[0].quantity');
    expect(body.error.issues).toEqual([expect.objectContaining({ path: '/lines/0/quantity', field: 'lines[0].quantity' })]);

    // Dropping the envelope does not switch the check off; a missing field is named too.
    const { customer: _customer, hubId: _hubId, ...stripped } = original;
    const missing = await consolePost(fixture.app, operator, `/api/console/exceptions/${deadLetterId}/fix`, { payload: stripped, reason: 'fix' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json<{ error: { issues: { field: string }[] } }>().error.issues.map((issue) => issue.field)).toEqual(expect.arrayContaining(['hubId']));

    const noPayload = await consolePost(fixture.app, operator, `/api/console/exceptions/${deadLetterId}/fix`, { reason: 'fix' });
    expect(noPayload.statusCode).toBe(400);
    expect(noPayload.json<{ error: { message: string } }>().error.message).toMatch(/payload/);

    expect(await storage.deadLetters.get(deadLetterId)).toMatchObject({ status: 'open' });
    expect(await storage.delivery.get(itemId)).toMatchObject({ status: 'dead', payload: original });
    expect(await storage.audit.list({})).toEqual([]);
  });

  it('hands a flow waiting for an operator its decision on the bus: fix with the payload, and retry, resolve, discard (also in bulk)', async () => {
    fixture = await startConsoleFixture({ startHub: false });
    const { storage, bus } = fixture.adapters;
    const original = typo();
    const waiting = { entity: 'order', awaitsOperator: true, payload: original };
    const fixId = await flowException(storage, 'order-validation:WEB-7001', waiting);
    const operator = await loginAs(fixture.app, 'operator');

    const detail = (await consoleGet(fixture.app, operator, `/api/console/exceptions/${fixId}`)).json<{ editable: { payload: Order; entity: string } | null }>();
    expect(detail.editable).toEqual({ payload: original, entity: 'order' });

    const fixedOrder = corrected(original);
    const fixed = await consolePost(fixture.app, operator, `/api/console/exceptions/${fixId}/fix`, { payload: fixedOrder, reason: 'SKU typo on line 1' });
    expect(fixed.statusCode).toBe(200);
    expect(await storage.deadLetters.get(fixId)).toMatchObject({ status: 'retried' });
    const [published] = await bus.find({ subject: 'order-validation:WEB-7001', type: OPERATOR_RESOLUTION_EVENT });
    expect(published!.event.data).toEqual({ deadLetterId: fixId, decision: 'fix', payload: fixedOrder, actor: 'operator', reason: 'SKU typo on line 1' });
    expect((await storage.audit.list({ subject: `dead-letter:${fixId}` }))[0]).toMatchObject({ action: 'dead-letter.fixed', detail: { previousPayload: original, payload: fixedOrder } });

    const retryId = await flowException(storage, 'flow-retry', waiting);
    const resolveId = await flowException(storage, 'flow-resolve', waiting);
    const discardId = await flowException(storage, 'flow-discard', waiting);
    const informedOnly = await flowException(storage, 'flow-informed', { entity: 'order' });
    expect((await consolePost(fixture.app, operator, `/api/console/exceptions/${retryId}/retry`, { reason: 'sku created in NetSuite' })).statusCode).toBe(200);
    const bulk = await consolePost(fixture.app, operator, '/api/console/exceptions/bulk', { ids: [resolveId], action: 'resolve', reason: 'price accepted' });
    expect(bulk.json()).toMatchObject({ done: 1 });
    expect((await consolePost(fixture.app, operator, `/api/console/exceptions/bulk`, { ids: [discardId, informedOnly], action: 'discard', reason: 'cancelled' })).json()).toMatchObject({ done: 2 });

    const decisions = async (instanceId: string) => (await bus.find({ subject: instanceId, type: OPERATOR_RESOLUTION_EVENT })).map(({ event }) => (event.data as { decision: string }).decision);
    expect(await decisions('flow-retry')).toEqual(['retry']);
    expect(await decisions('flow-resolve')).toEqual(['override']);
    expect(await decisions('flow-discard')).toEqual(['discard']);
    // A flow that only informed an operator (ctx.raise) waits for nothing: nothing to tell it, nothing to edit.
    expect(await decisions('flow-informed')).toEqual([]);
    const notEditable = await consolePost(fixture.app, operator, `/api/console/exceptions/${await flowException(storage, 'flow-informed-2', {})}/fix`, { payload: {}, reason: 'x' });
    expect(notEditable.statusCode).toBe(409);
    expect(notEditable.json()).toMatchObject({ error: { code: 'NOT_EDITABLE', message: expect.stringContaining('not waiting for an operator') } });
  });

  it('says so when a decision is recorded but the event log refuses to hand it to the flow (502 undelivered)', async () => {
    fixture = await startConsoleFixture({ startHub: false });
    const { storage, bus } = fixture.adapters;
    const id = await flowException(storage, 'flow-unlucky', { awaitsOperator: true, payload: { sku: 'X' } });
    const operator = await loginAs(fixture.app, 'operator');
    const publish = vi.spyOn(bus, 'publish').mockRejectedValueOnce(new Error('event log unavailable'));
    const response = await consolePost(fixture.app, operator, `/api/console/exceptions/${id}/retry`, { reason: 'sku created' });
    publish.mockRestore();
    expect(response.statusCode).toBe(502);
    expect(response.json()).toMatchObject({ outcome: 'undelivered', status: 'retried', message: expect.stringContaining('the flow still waits') });
    expect(await storage.deadLetters.get(id)).toMatchObject({ status: 'retried' });
  });

  it('lets a viewer see the editable payload masked, but not fix (403)', async () => {
    fixture = await startConsoleFixture({ startHub: false });
    const { storage } = fixture.adapters;
    const { deadLetterId, itemId } = await deadLetteredOrder(storage, typo());
    const viewer = await loginAs(fixture.app, 'viewer');
    const detail = await consoleGet(fixture.app, viewer, `/api/console/exceptions/${deadLetterId}`);
    expect(detail.body).not.toContain('Jane Doe');
    expect(detail.json<{ editable: { payload: Order } }>().editable.payload.customer!.name).toBe('J***');

    const denied = await consolePost(fixture.app, viewer, `/api/console/exceptions/${deadLetterId}/fix`, { payload: corrected(typo()), reason: 'try' });
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(await storage.delivery.get(itemId)).toMatchObject({ status: 'dead', payload: typo() });
    expect(await storage.deadLetters.get(deadLetterId)).toMatchObject({ status: 'open' });
  });
});
