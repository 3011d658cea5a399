import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewDeliveryItem } from '../storage.ts';
import type { AdapterFactory, AdapterPair } from './harness.ts';

const failure = { type: 'PermanentError', message: 'REQUIRED_FIELD_MISSING: Name', retryable: false, code: 'REQUIRED_FIELD_MISSING', field: 'Name' };

function stateUpdate(key: string, version: number, available: number): NewDeliveryItem {
  return {
    target: 'commerce',
    kind: 'state',
    key,
    operation: 'setInventoryLevel',
    payload: { available },
    idempotencyKey: `${key}#${version}`,
    version,
    context: { entity: 'inventoryLevel', businessKey: key },
  };
}

function command(key: string, idempotencyKey: string, payload: unknown = {}): NewDeliveryItem {
  return {
    target: 'erp',
    kind: 'command',
    key,
    operation: 'bookOrder',
    payload,
    idempotencyKey,
    context: { entity: 'order', businessKey: key },
    correlationId: `corr-${idempotencyKey}`,
  };
}

const claimNow = (now: number, limit = 100) => ({ now, limit, leaseMs: 30_000 });

/** The behaviour every Storage adapter must have. Call it from the adapter's own test file. */
export function storageConformance(adapter: string, factory: AdapterFactory): void {
  describe(`Storage conformance: ${adapter}`, () => {
    let pair: AdapterPair & { reopen(): Promise<AdapterPair> };
    let now: number;

    beforeEach(async () => {
      pair = await factory.open();
      // A little ahead of the wall clock, so items enqueued during the test are already due.
      now = Date.now() + 5_000;
    });
    afterEach(async () => {
      await pair.close();
    });

    describe('delivery queues', () => {
      it('coalesces pending state updates by key: the newest version wins, in the original position', async () => {
        const { delivery } = pair.storage;
        const outcomes = await delivery.enqueue([stateUpdate('A', 1, 10), stateUpdate('B', 1, 5), stateUpdate('A', 3, 7)]);
        expect(outcomes.map((outcome) => outcome.outcome)).toEqual(['enqueued', 'enqueued', 'coalesced']);
        const [late] = await delivery.enqueue([stateUpdate('A', 2, 99)]);
        expect(late!.outcome).toBe('stale');
        const claimed = await delivery.claim('commerce', claimNow(now));
        expect(claimed.map((item) => [item.key, item.payload, item.version])).toEqual([
          ['A', { available: 7 }, 3],
          ['B', { available: 5 }, 1],
        ]);
      });

      it('sends a reasserted state update again at the same version, but never one older than the newest', async () => {
        const { delivery } = pair.storage;
        await delivery.enqueue([stateUpdate('A', 5, 10)]);
        const [first] = await delivery.claim('commerce', claimNow(now));
        await delivery.markDelivered([{ id: first!.id }], now);
        // The same version again: stale unless reasserted (the target's copy drifted from it).
        const [again] = await delivery.enqueue([{ ...stateUpdate('A', 5, 10), idempotencyKey: 'A#5-again' }]);
        expect(again!.outcome).toBe('stale');
        const [reasserted] = await delivery.enqueue([{ ...stateUpdate('A', 5, 10), idempotencyKey: 'reassert-A-5', reassert: true }]);
        expect(reasserted!.outcome).toBe('enqueued');
        expect((await delivery.claim('commerce', claimNow(now))).map((item) => [item.key, item.payload, item.version])).toEqual([['A', { available: 10 }, 5]]);
        // A newer level was enqueued meanwhile: reasserting the older one is stale.
        await delivery.enqueue([stateUpdate('B', 7, 3)]);
        const [older] = await delivery.enqueue([{ ...stateUpdate('B', 6, 9), idempotencyKey: 'reassert-B-6', reassert: true }]);
        expect(older!.outcome).toBe('stale');
      });

      it('never coalesces commands and dedupes them by idempotency key', async () => {
        const { delivery } = pair.storage;
        const outcomes = await delivery.enqueue([command('SO-1', 'book:SO-1'), command('SO-1', 'book:SO-1'), command('SO-1', 'cancel:SO-1')]);
        expect(outcomes.map((outcome) => outcome.outcome)).toEqual(['enqueued', 'duplicate', 'enqueued']);
        const first = await delivery.claim('erp', claimNow(now));
        expect(first.map((item) => item.idempotencyKey)).toEqual(['book:SO-1']);
      });

      it('keeps per-key order: the next item of a key waits until the one in flight finishes', async () => {
        const { delivery } = pair.storage;
        await delivery.enqueue([command('SO-1', 'a'), command('SO-2', 'b'), command('SO-1', 'c')]);
        const first = await delivery.claim('erp', claimNow(now));
        expect(first.map((item) => item.idempotencyKey)).toEqual(['a', 'b']);
        expect(await delivery.claim('erp', claimNow(now))).toEqual([]);
        await delivery.markDelivered([{ id: first[0]!.id, externalId: 'NS-100' }], now);
        const second = await delivery.claim('erp', claimNow(now));
        expect(second.map((item) => item.idempotencyKey)).toEqual(['c']);
        const done = await delivery.get(first[0]!.id);
        expect(done).toMatchObject({ status: 'delivered', externalId: 'NS-100', attempts: 1 });
      });

      it('does not coalesce a state update into one already in flight', async () => {
        const { delivery } = pair.storage;
        await delivery.enqueue([stateUpdate('A', 1, 10)]);
        const [inFlight] = await delivery.claim('commerce', claimNow(now));
        const [next] = await delivery.enqueue([stateUpdate('A', 2, 8)]);
        expect(next!.outcome).toBe('enqueued');
        await delivery.markDelivered([{ id: inFlight!.id }], now);
        const [after] = await delivery.claim('commerce', claimNow(now));
        expect(after!.payload).toEqual({ available: 8 });
      });

      it('retries later, hands back expired leases, and respects availableAt', async () => {
        const { delivery } = pair.storage;
        await delivery.enqueue([command('SO-1', 'x')]);
        const [claimed] = await delivery.claim('erp', claimNow(now));
        await delivery.retryLater([claimed!.id], { availableAt: now + 1_000, error: { ...failure, retryable: true } });
        expect(await delivery.claim('erp', claimNow(now + 999))).toEqual([]);
        expect(await delivery.nextAvailableAt('erp')).toBe(now + 1_000);
        const [again] = await delivery.claim('erp', claimNow(now + 1_000));
        expect(again).toMatchObject({ id: claimed!.id, attempts: 2, lastError: { retryable: true } });
        // A worker that crashed holding the claim: after the lease the item can be taken again.
        expect(await delivery.claim('erp', claimNow(now + 20_000))).toEqual([]);
        const [reclaimed] = await delivery.claim('erp', claimNow(now + 1_000 + 30_001));
        expect(reclaimed!.id).toBe(claimed!.id);
      });

      it('dead-letters with business context; an audited retry puts the item back in its queue', async () => {
        const { delivery, deadLetters, audit } = pair.storage;
        await delivery.enqueue([command('SO-9', 'book:SO-9', { total: '120.00' })]);
        const [claimed] = await delivery.claim('erp', claimNow(now));
        const deadId = await delivery.deadLetter(claimed!.id, { error: failure, now });
        const dead = await deadLetters.get(deadId);
        expect(dead).toMatchObject({
          kind: 'delivery',
          status: 'open',
          target: 'erp',
          key: 'SO-9',
          ref: String(claimed!.id),
          error: { code: 'REQUIRED_FIELD_MISSING', field: 'Name' },
          context: { entity: 'order', businessKey: 'SO-9' },
          correlationId: 'corr-book:SO-9',
        });
        expect(await deadLetters.count({ status: 'open' })).toBe(1);
        expect(await delivery.claim('erp', claimNow(now))).toEqual([]);

        expect(await deadLetters.act(deadId, 'retried', { actor: 'ops@acme', reason: 'fixed the customer', now })).toBe(true);
        expect(await deadLetters.act(deadId, 'resolved', { actor: 'ops@acme', reason: 'twice', now })).toBe(false);
        const [retried] = await delivery.claim('erp', claimNow(now));
        expect(retried).toMatchObject({ id: claimed!.id, attempts: 1 });
        const entries = await audit.list({ subject: `dead-letter:${deadId}` });
        expect(entries).toMatchObject([{ actor: 'ops@acme', action: 'dead-letter.retried', reason: 'fixed the customer' }]);
      });

      it('retries with a corrected payload: the item is queued with it and the audit keeps the old one', async () => {
        const { delivery, deadLetters, audit } = pair.storage;
        await delivery.enqueue([command('SO-8', 'book:SO-8', { total: '120.00', customer: { name: '' } })]);
        const [claimed] = await delivery.claim('erp', claimNow(now));
        const deadId = await delivery.deadLetter(claimed!.id, { error: failure, now });
        const action = { actor: 'ops@acme', reason: 'customer name was empty', now };
        expect(await deadLetters.retryWithPayload(deadId, { total: '120.00', customer: { name: 'Acme GmbH' } }, action)).toBe(true);
        expect(await deadLetters.retryWithPayload(deadId, { total: '1.00' }, action)).toBe(false);
        expect(await deadLetters.get(deadId)).toMatchObject({ status: 'retried' });
        const [retried] = await delivery.claim('erp', claimNow(now));
        expect(retried).toMatchObject({ id: claimed!.id, attempts: 1, payload: { total: '120.00', customer: { name: 'Acme GmbH' } } });
        expect(await audit.list({ subject: `dead-letter:${deadId}` })).toMatchObject([
          {
            actor: 'ops@acme',
            action: 'dead-letter.fixed',
            reason: 'customer name was empty',
            detail: { payloadEdited: true, previousPayload: { total: '120.00', customer: { name: '' } }, payload: { total: '120.00', customer: { name: 'Acme GmbH' } } },
          },
        ]);
      });

      it('changes nothing when the item of a payload fix is not dead any more', async () => {
        const { delivery, deadLetters, audit } = pair.storage;
        const [queued] = await delivery.enqueue([command('SO-7', 'book:SO-7', { total: '5.00' })]);
        const id = queued!.outcome === 'enqueued' ? queued!.id : -1;
        const deadId = await deadLetters.add({ kind: 'delivery', target: 'erp', key: 'SO-7', ref: String(id), error: failure, context: {}, correlationId: null, createdAt: now });
        await expect(deadLetters.retryWithPayload(deadId, { total: '6.00' }, { actor: 'ops@acme', reason: 'r', now })).rejects.toThrow(/not dead/);
        expect(await deadLetters.get(deadId)).toMatchObject({ status: 'open' });
        expect((await delivery.get(id))?.payload).toEqual({ total: '5.00' });
        expect(await audit.list({ subject: `dead-letter:${deadId}` })).toEqual([]);
      });

      it('audits a payload fix of a flow exception with the payload the flow offered, leaving the flow alone', async () => {
        const { deadLetters, audit, flows } = pair.storage;
        const waiting = { step: 'validate-1/operator', eventType: 'crossdock.exception.resolved.v1', key: 'f-fix', deadline: null };
        await flows.create({ id: 'f-fix', flow: 'order-capture', key: 'SO-6', input: {}, correlationId: null, traceparent: null, createdAt: now, status: 'waiting', waiting });
        const deadId = await deadLetters.add({
          kind: 'flow',
          target: 'order-capture',
          key: 'SO-6',
          ref: 'f-fix',
          error: { ...failure, type: 'FlowException' },
          context: { businessKey: 'SO-6', payload: { sku: 'TYPO-1' }, awaitsOperator: true },
          correlationId: null,
          createdAt: now,
        });
        expect(await deadLetters.retryWithPayload(deadId, { sku: 'SKU-1' }, { actor: 'ops@acme', reason: 'sku typo', now })).toBe(true);
        expect(await flows.get('f-fix')).toMatchObject({ status: 'waiting', waiting, version: 1 });
        const [entry] = await audit.list({ subject: `dead-letter:${deadId}` });
        expect(entry).toMatchObject({ action: 'dead-letter.fixed', detail: { payloadEdited: true, previousPayload: { sku: 'TYPO-1' }, payload: { sku: 'SKU-1' } } });
        await audit.record({ at: now, actor: 'ops@acme', action: 'note', subject: 'x', reason: 'plain entry' });
        expect((await audit.list({ subject: 'x' }))[0]).not.toHaveProperty('detail');
      });

      it('pages dead letters and reports queue statistics', async () => {
        const { delivery, deadLetters } = pair.storage;
        await delivery.enqueue(Array.from({ length: 5 }, (_, index) => command(`SO-${index}`, `k${index}`)));
        const claimed = await delivery.claim('erp', claimNow(now));
        const deadIds: number[] = [];
        for (const [index, item] of claimed.slice(0, 3).entries()) deadIds.push(await delivery.deadLetter(item.id, { error: failure, now: now + index }));
        const page1 = await deadLetters.list({ status: 'open', limit: 2 });
        const page2 = await deadLetters.list({ status: 'open', limit: 2, afterId: page1[1]!.id });
        expect([...page1, ...page2].map((entry) => entry.key)).toEqual(['SO-0', 'SO-1', 'SO-2']);
        const [stats] = await delivery.stats('erp');
        expect(stats).toMatchObject({ target: 'erp', pending: 0, inFlight: 2, dead: 3, delivered: 0 });
        expect(await deadLetters.groups({ status: 'open' })).toEqual([{ target: 'erp', errorCode: 'REQUIRED_FIELD_MISSING', count: 3, oldestId: Math.min(...deadIds), oldestAt: now }]);
        expect((await deadLetters.list({ errorCode: 'REQUIRED_FIELD_MISSING', limit: 10 })).map((entry) => entry.key)).toEqual(['SO-0', 'SO-1', 'SO-2']);
        expect(await deadLetters.count({ errorCode: 'UNABLE_TO_LOCK_ROW' })).toBe(0);
        expect((await delivery.find({ key: 'SO-4' })).map((item) => item.status)).toEqual(['in_flight']);
      });

      it('finds items and dead letters by key prefix, and bounds dead letters by id', async () => {
        const { delivery, deadLetters } = pair.storage;
        // Neighbours that a careless prefix match would take: a longer sku, the bare sku, LIKE wildcards.
        const keys = ['SKU-1@DC-1', 'SKU-10@DC-1', 'SKU-1@STORE-7', 'SKU-1', 'SKU_1@DC-1', 'SKU-2@DC-1'];
        await delivery.enqueue(keys.map((key, index) => command(key, `p${index}`)));
        expect((await delivery.find({ keyPrefix: 'SKU-1@' })).map((item) => item.key)).toEqual(['SKU-1@DC-1', 'SKU-1@STORE-7']);
        expect((await delivery.find({ keyPrefix: 'SKU-1@', limit: 1 })).map((item) => item.key)).toEqual(['SKU-1@DC-1']);
        const claimed = await delivery.claim('erp', claimNow(now));
        const ids: number[] = [];
        for (const item of claimed) ids.push(await delivery.deadLetter(item.id, { error: failure, now }));
        expect((await deadLetters.list({ keyPrefix: 'SKU-1@', limit: 10 })).map((entry) => entry.key)).toEqual(['SKU-1@DC-1', 'SKU-1@STORE-7']);
        expect(await deadLetters.count({ status: 'open', keyPrefix: 'SKU-1@' })).toBe(2);
        expect(await deadLetters.count({ keyPrefix: 'SKU_1@' })).toBe(1);

        // Up to an id: what existed when an operator looked, with every other filter.
        const sorted = [...ids].sort((a, b) => a - b);
        const through = sorted[2]!;
        expect((await deadLetters.list({ status: 'open', throughId: through, limit: 10 })).map((entry) => entry.id)).toEqual(sorted.slice(0, 3));
        expect(await deadLetters.count({ status: 'open', errorCode: 'REQUIRED_FIELD_MISSING', target: 'erp', throughId: through })).toBe(3);
        expect((await deadLetters.list({ status: 'open', afterId: sorted[0]!, throughId: through, limit: 10 })).map((entry) => entry.id)).toEqual(sorted.slice(1, 3));
        // Newest first: the newest entry matching a filter is what an operator's count goes up to.
        expect((await deadLetters.list({ status: 'open', keyPrefix: 'SKU-1@', newestFirst: true, limit: 1 })).map((entry) => entry.key)).toEqual(['SKU-1@STORE-7']);
        expect((await deadLetters.list({ status: 'open', throughId: through, newestFirst: true, limit: 2 })).map((entry) => entry.id)).toEqual([sorted[2], sorted[1]]);
      });

      it('claims one operation at a time, starting with the oldest ready item', async () => {
        const { delivery } = pair.storage;
        await delivery.enqueue([
          command('SO-1', 'o1'),
          { ...command('C-1', 'c1'), operation: 'upsertCustomer' },
          command('SO-2', 'o2'),
          { ...command('C-2', 'c2'), operation: 'upsertCustomer' },
        ]);
        const first = await delivery.claim('erp', claimNow(now));
        expect(first.map((item) => [item.operation, item.key])).toEqual([
          ['bookOrder', 'SO-1'],
          ['bookOrder', 'SO-2'],
        ]);
        const second = await delivery.claim('erp', { ...claimNow(now), limitByOperation: { upsertCustomer: 1 } });
        expect(second.map((item) => [item.operation, item.key])).toEqual([['upsertCustomer', 'C-1']]);
      });

      it('recovers in-flight items after a crash when asked to (embedded mode)', async () => {
        const { delivery } = pair.storage;
        await delivery.enqueue([command('SO-1', 'r1'), command('SO-2', 'r2')]);
        await delivery.claim('erp', claimNow(now));
        expect(await delivery.recover('erp', now)).toBe(2);
        expect((await delivery.claim('erp', claimNow(now))).map((item) => item.idempotencyKey)).toEqual(['r1', 'r2']);
      });

      it('lists unfinished items of some operations enqueued before a time, oldest first', async () => {
        const { delivery } = pair.storage;
        await delivery.enqueue([stateUpdate('A', 1, 10), command('SO-1', 'u1'), stateUpdate('B', 1, 5)]);
        await delivery.enqueue([{ ...stateUpdate('C', 1, 3), target: 'crm', operation: 'upsertInventoryLevel' }]);
        const [claimedA] = await delivery.claim('commerce', claimNow(now, 1));
        await delivery.markDelivered([{ id: claimedA!.id }], now);
        const operations = ['setInventoryLevel', 'upsertInventoryLevel'];
        const late = await delivery.unfinishedOlderThan({ operations, enqueuedBefore: now, limit: 10 });
        expect(late.map((item) => [item.target, item.key])).toEqual([
          ['commerce', 'B'],
          ['crm', 'C'],
        ]);
        expect(await delivery.unfinishedOlderThan({ operations, enqueuedBefore: now, limit: 1 })).toHaveLength(1);
        expect(await delivery.unfinishedOlderThan({ operations, enqueuedBefore: Date.now() - 60_000, limit: 10 })).toEqual([]);
        expect(await delivery.unfinishedOlderThan({ operations: [], enqueuedBefore: now, limit: 10 })).toEqual([]);
        // Without operations: every unfinished item, of any operation.
        expect((await delivery.unfinishedOlderThan({ enqueuedBefore: now, limit: 10 })).length).toBeGreaterThanOrEqual(late.length);
      });

      it('prunes delivered items older than a cut-off', async () => {
        const { delivery } = pair.storage;
        await delivery.enqueue([command('SO-1', 'p1')]);
        const [claimed] = await delivery.claim('erp', claimNow(now));
        await delivery.markDelivered([{ id: claimed!.id }], now - 10_000);
        expect(await delivery.prune(now - 5_000)).toBe(1);
        expect(await delivery.get(claimed!.id)).toBeUndefined();
      });

      it('reports each flow\'s newest delivery and newest work, for data freshness', async () => {
        const { delivery } = pair.storage;
        const ofFlow = (flow: string | undefined, key: string) => ({ ...command(key, `fresh:${key}`), context: { entity: 'order', businessKey: key, ...(flow && { flow }) } });
        const [a1, a2, r1, x1] = await delivery.enqueue([ofFlow('order-capture', 'SO-1'), ofFlow('order-capture', 'SO-2'), ofFlow('returns', 'RMA-1'), ofFlow(undefined, 'SO-9')]);
        const enqueued = await Promise.all([a1, a2, r1, x1].map((outcome) => delivery.get((outcome as { id: number }).id)));
        const claimed = await delivery.claim('erp', claimNow(now));
        expect(claimed).toHaveLength(4);
        // SO-1 delivered last, SO-2 earlier; RMA-1 goes back to waiting; SO-9 belongs to no flow.
        await delivery.markDelivered([{ id: enqueued[1]!.id }], now - 3_000);
        await delivery.markDelivered([{ id: enqueued[0]!.id }], now - 1_000);
        await delivery.markDelivered([{ id: enqueued[3]!.id }], now);
        await delivery.retryLater([enqueued[2]!.id], { availableAt: now + 60_000, error: failure });
        expect(await delivery.flowActivity()).toEqual([
          { flow: 'order-capture', lastEnqueuedAt: enqueued[0]!.enqueuedAt, lastDeliveredAt: now - 1_000 },
          { flow: 'returns', lastEnqueuedAt: enqueued[2]!.enqueuedAt, lastDeliveredAt: null },
        ]);
        // Newer waiting work of a flow counts even before it is delivered.
        const [later] = await delivery.enqueue([{ ...ofFlow('order-capture', 'SO-3'), availableAt: now + 60_000 }]);
        const laterItem = await delivery.get((later as { id: number }).id);
        const activity = await delivery.flowActivity();
        expect(activity[0]).toEqual({ flow: 'order-capture', lastEnqueuedAt: Math.max(enqueued[0]!.enqueuedAt, laterItem!.enqueuedAt), lastDeliveredAt: now - 1_000 });
      });
    });

    describe('flows and timers', () => {
      const instance = (id: string) => ({
        id,
        flow: 'order-capture',
        key: 'SO-1',
        input: { orderNumber: 'SO-1' },
        correlationId: 'corr-1',
        traceparent: null,
        createdAt: Date.now(),
      });

      it('creates an instance once and journals steps with optimistic versions', async () => {
        const { flows } = pair.storage;
        expect(await flows.create(instance('f1'))).toBe(true);
        expect(await flows.create(instance('f1'))).toBe(false);
        const created = await flows.get('f1');
        expect(created).toMatchObject({ status: 'running', journal: [], version: 1 });
        const v2 = await flows.appendJournal('f1', { step: 'validate', result: { ok: true }, at: now }, 1);
        await expect(flows.appendJournal('f1', { step: 'book', result: {}, at: now }, 1)).rejects.toThrow(/version/);
        await flows.appendJournal('f1', { step: 'book', result: { erpId: '7' }, at: now }, v2);
        const reloaded = await flows.get('f1');
        expect(reloaded!.journal.map((entry) => [entry.step, entry.result])).toEqual([
          ['validate', { ok: true }],
          ['book', { erpId: '7' }],
        ]);
        expect(await flows.unfinished(10)).toHaveLength(1);
      });

      it('creates an instance directly in its first durable state', async () => {
        const { flows } = pair.storage;
        const waiting = { step: 'booked', eventType: 'retail.order.booked.v1', key: 'SO-1', deadline: null };
        await flows.create({ ...instance('f3'), status: 'waiting', waiting, journal: [{ step: 'validate', result: 1, at: now }] });
        expect(await flows.get('f3')).toMatchObject({ status: 'waiting', waiting, journal: [{ step: 'validate', result: 1 }], version: 1 });
        expect((await flows.findWaiting('retail.order.booked.v1', ['SO-1'])).map((flow) => flow.id)).toEqual(['f3']);
        await flows.create({ ...instance('f4'), status: 'completed' });
        expect((await flows.list({ status: 'completed' })).map((flow) => flow.id)).toEqual(['f4']);
      });

      it('finds instances waiting for an event by type and key', async () => {
        const { flows } = pair.storage;
        await flows.create(instance('f2'));
        await flows.update(
          'f2',
          { status: 'waiting', waiting: { step: 'booked', eventType: 'retail.order.booked.v1', key: 'SO-1', deadline: now + 900_000 } },
          1,
          now,
        );
        expect((await flows.findWaiting('retail.order.booked.v1', ['SO-0', 'SO-1'])).map((flow) => flow.id)).toEqual(['f2']);
        expect(await flows.findWaiting('retail.order.booked.v1', ['SO-2'])).toEqual([]);
        expect(await flows.findWaiting('retail.order.shipped.v1', ['SO-1'])).toEqual([]);
        expect(await flows.count({ status: 'waiting' })).toBe(1);
        expect(await flows.count({ status: 'waiting', flow: 'returns' })).toBe(0);
        expect(await flows.unfinished(10)).toEqual([]);
      });

      it('tells when each flow last moved an instance', async () => {
        const { flows } = pair.storage;
        expect(await flows.lastUpdates()).toEqual([]);
        await flows.create({ ...instance('o1'), createdAt: now - 9_000 });
        await flows.create({ ...instance('o2'), createdAt: now - 8_000 });
        await flows.create({ ...instance('r1'), flow: 'returns', createdAt: now - 7_000 });
        await flows.update('o1', { status: 'completed' }, 1, now - 2_000);
        await flows.appendJournal('r1', { step: 'inspect', result: {}, at: now - 500 }, 1);
        expect(await flows.lastUpdates()).toEqual([
          { flow: 'order-capture', updatedAt: now - 2_000 },
          { flow: 'returns', updatedAt: now - 500 },
        ]);
      });

      it('lists instances by key prefix (every location of a sku), oldest first', async () => {
        const { flows } = pair.storage;
        await flows.create({ ...instance('s1'), key: 'SKU-1@STORE-2', createdAt: now - 3_000 });
        await flows.create({ ...instance('s2'), key: 'SKU-10@DC-1', createdAt: now - 2_000 });
        await flows.create({ ...instance('s3'), key: 'SKU-1@DC-1', createdAt: now - 1_000 });
        expect((await flows.list({ keyPrefix: 'SKU-1@' })).map((flow) => flow.id)).toEqual(['s1', 's3']);
        expect((await flows.list({ keyPrefix: 'SKU-1@', limit: 1 })).map((flow) => flow.id)).toEqual(['s1']);
        expect(await flows.list({ keyPrefix: 'SKU-3@' })).toEqual([]);
      });

      it('fires each due timer once per lease', async () => {
        const { timers } = pair.storage;
        await timers.arm({ id: 't1', flowId: 'f1', step: 'sla', fireAt: now + 100 });
        await timers.arm({ id: 't2', flowId: 'f2', step: 'sla', fireAt: now + 5_000 });
        expect(await timers.claimDue(claimNow(now))).toEqual([]);
        expect(await timers.nextFireAt()).toBe(now + 100);
        const due = await timers.claimDue(claimNow(now + 200));
        expect(due.map((timer) => timer.id)).toEqual(['t1']);
        expect(await timers.claimDue(claimNow(now + 300))).toEqual([]);
        await timers.done('t1');
        await timers.cancel('t2');
        expect(await timers.nextFireAt()).toBeUndefined();
      });

      it('frees the timers a dead worker had claimed, for the embedded restart', async () => {
        const { timers } = pair.storage;
        await timers.arm({ id: 't-sla', flowId: 'f1', step: 'sla', fireAt: now });
        expect((await timers.claimDue(claimNow(now))).map((timer) => timer.id)).toEqual(['t-sla']);
        expect(await timers.upcoming(5)).toEqual([{ id: 't-sla', flowId: 'f1', step: 'sla', fireAt: now, leaseUntil: now + 30_000 }]);
        expect(await timers.recover()).toBe(1);
        expect((await timers.upcoming(5))[0]!.leaseUntil).toBeNull();
        expect((await timers.claimDue(claimNow(now + 1))).map((timer) => timer.id)).toEqual(['t-sla']);
      });
    });

    describe('idempotency keys and cross-references', () => {
      it('claims a key once, replays the completed result, and refuses a different request', async () => {
        const { idempotency } = pair.storage;
        const claim = (fingerprint: string, at = now) => idempotency.claim({ scope: 'payments', key: 'refund:RMA-1', fingerprint, now: at, leaseMs: 60_000 });
        expect(await claim('f')).toEqual({ state: 'new' });
        expect(await claim('f')).toMatchObject({ state: 'in_progress' });
        expect(await claim('other')).toEqual({ state: 'mismatch' });
        // The holder crashed: after its lease, the key can be taken over.
        expect(await claim('f', now + 60_001)).toEqual({ state: 'new' });
        await idempotency.complete({ scope: 'payments', key: 'refund:RMA-1', result: { refundId: 're_1' }, now });
        expect(await claim('f')).toEqual({ state: 'completed', result: { refundId: 're_1' } });
      });

      it('links hub ids to system ids both ways and refuses a conflicting link', async () => {
        const { xrefs } = pair.storage;
        await xrefs.link({ entity: 'customer', hubId: 'C-1', system: 'netsuite', externalId: '1001' }, now);
        await xrefs.link({ entity: 'customer', hubId: 'C-1', system: 'netsuite', externalId: '1001' }, now);
        await xrefs.link({ entity: 'customer', hubId: 'C-1', system: 'salesforce', externalId: '001xx' }, now);
        expect(await xrefs.externalId({ entity: 'customer', hubId: 'C-1', system: 'netsuite' })).toBe('1001');
        expect(await xrefs.hubId({ entity: 'customer', system: 'salesforce', externalId: '001xx' })).toBe('C-1');
        expect((await xrefs.all({ entity: 'customer', hubId: 'C-1' })).map((ref) => ref.system)).toEqual(['netsuite', 'salesforce']);
        await expect(xrefs.link({ entity: 'customer', hubId: 'C-2', system: 'netsuite', externalId: '1001' }, now)).rejects.toThrow(
          /already belongs to customer C-1/,
        );
      });
    });

    describe('watermarks', () => {
      it('advances a watermark only from the value the poller read', async () => {
        const { watermarks } = pair.storage;
        expect(await watermarks.get('salesforce.Account')).toBeUndefined();
        expect(await watermarks.advance({ name: 'salesforce.Account', value: 'T1', expected: undefined, now })).toBe(true);
        expect(await watermarks.advance({ name: 'salesforce.Account', value: 'T0', expected: undefined, now })).toBe(false);
        expect(await watermarks.advance({ name: 'salesforce.Account', value: 'T2', expected: 'T0', now })).toBe(false);
        expect(await watermarks.advance({ name: 'salesforce.Account', value: 'T2', expected: 'T1', now })).toBe(true);
        expect(await watermarks.get('salesforce.Account')).toBe('T2');
      });
    });

    describe('records (read models)', () => {
      it('keeps the newest version per key and ignores an older one arriving late', async () => {
        const { records } = pair.storage;
        expect(await records.put({ entity: 'inventory-level', key: 'SKU-1@DC', data: { available: 5 }, version: 2 }, now)).toBe(true);
        expect(await records.put({ entity: 'inventory-level', key: 'SKU-1@DC', data: { available: 9 }, version: 1 }, now)).toBe(false);
        expect(await records.put({ entity: 'inventory-level', key: 'SKU-1@DC', data: { available: 9 }, version: 2 }, now)).toBe(false);
        expect((await records.get('inventory-level', 'SKU-1@DC'))?.data).toEqual({ available: 5 });
        expect(await records.put({ entity: 'inventory-level', key: 'SKU-1@DC', data: { available: 3 }, version: 3 }, now + 1)).toBe(true);
        const stored = await records.get('inventory-level', 'SKU-1@DC');
        expect(stored).toMatchObject({ data: { available: 3 }, version: 3, updatedAt: now + 1 });
        expect(await records.get('product', 'SKU-1@DC')).toBeUndefined();
      });

      it('finds records by match keys, replacing the keys of a record on each write', async () => {
        const { records } = pair.storage;
        await records.put({ entity: 'customer', key: 'C-1', data: { n: 1 }, version: 1, matchKeys: ['email:ana@example.com', 'phone:+491'] }, now);
        await records.put({ entity: 'customer', key: 'C-2', data: { n: 2 }, version: 1, matchKeys: ['email:ana@example.com'] }, now);
        expect((await records.match('customer', ['email:ana@example.com'])).map((r) => r.key)).toEqual(['C-1', 'C-2']);
        expect((await records.match('customer', ['phone:+491', 'loyalty:L9'])).map((r) => r.key)).toEqual(['C-1']);
        await records.put({ entity: 'customer', key: 'C-1', data: { n: 1 }, version: 2, matchKeys: ['email:new@example.com'] }, now);
        expect((await records.match('customer', ['phone:+491'])).map((r) => r.key)).toEqual([]);
        expect((await records.get('customer', 'C-1'))?.matchKeys).toEqual(['email:new@example.com']);
      });

      it('pages an entity in key order, reads many at once, counts and removes', async () => {
        const { records } = pair.storage;
        for (const key of ['B', 'A', 'D', 'C']) await records.put({ entity: 'product', key, data: { sku: key }, version: 1 }, now);
        await records.put({ entity: 'price', key: 'A', data: {}, version: 1 }, now);
        expect((await records.list('product', { limit: 2 })).map((r) => r.key)).toEqual(['A', 'B']);
        expect((await records.list('product', { afterKey: 'B', limit: 10 })).map((r) => r.key)).toEqual(['C', 'D']);
        expect((await records.getMany('product', ['D', 'X', 'A'])).map((r) => r.key).sort()).toEqual(['A', 'D']);
        expect(await records.count('product')).toBe(4);
        expect(await records.remove('product', 'A')).toBe(true);
        expect(await records.remove('product', 'A')).toBe(false);
        expect(await records.count('product')).toBe(3);
      });
    });

    describe('schedules', () => {
      it('lets exactly one owner take each due run and remembers the next one', async () => {
        const { schedules } = pair.storage;
        const take = (owner: string, dueAt: number) => schedules.tryAcquire({ name: 'poll-erp', dueAt, owner, now, leaseMs: 30_000 });
        expect(await take('worker-a', 1_000)).toBe(true);
        expect(await take('worker-b', 1_000)).toBe(false);
        await schedules.finish({ name: 'poll-erp', dueAt: 1_000, nextDueAt: 2_000, outcome: 'ok', now });
        expect(await schedules.nextDue('poll-erp')).toBe(2_000);
        // A finished run is never taken again, however late.
        expect(await schedules.tryAcquire({ name: 'poll-erp', dueAt: 1_000, owner: 'worker-c', now: now + 3_600_000, leaseMs: 30_000 })).toBe(false);
        expect(await take('worker-b', 2_000)).toBe(true);
        expect(await schedules.list()).toMatchObject([{ name: 'poll-erp', lastDueAt: 2_000, owner: 'worker-b' }]);
      });

      it('gives a run whose holder died mid-run to another worker once its lease runs out, and not before', async () => {
        const { schedules } = pair.storage;
        const take = (owner: string, at: number) => schedules.tryAcquire({ name: 'poll-crm', dueAt: 1_000, owner, now: at, leaseMs: 30_000 });
        expect(await take('worker-a', now)).toBe(true);
        // Not even the next due time is taken while worker-a's run is held: one run at a time.
        expect(await schedules.tryAcquire({ name: 'poll-crm', dueAt: 2_000, owner: 'worker-b', now: now + 1, leaseMs: 30_000 })).toBe(false);
        // worker-a is alive and renews; worker-b must wait.
        expect(await schedules.renew({ name: 'poll-crm', dueAt: 1_000, owner: 'worker-a', leaseUntil: now + 50_000 })).toBe(true);
        expect(await take('worker-b', now + 40_000)).toBe(false);
        // worker-a died (no more renewals): the lease runs out and the run is taken again.
        expect(await take('worker-b', now + 50_000)).toBe(true);
        expect(await schedules.renew({ name: 'poll-crm', dueAt: 1_000, owner: 'worker-a', leaseUntil: now + 90_000 })).toBe(false);
        await schedules.finish({ name: 'poll-crm', dueAt: 1_000, nextDueAt: 2_000, outcome: 'ok', now: now + 51_000 });
        expect(await schedules.list()).toMatchObject([{ name: 'poll-crm', owner: 'worker-b', lastOutcome: 'ok', finishedAt: now + 51_000 }]);
      });

      it('frees at once the runs other owners left unfinished (the embedded restart)', async () => {
        const { schedules } = pair.storage;
        expect(await schedules.tryAcquire({ name: 'poll-wms', dueAt: 1_000, owner: 'killed', now, leaseMs: 30_000 })).toBe(true);
        expect(await schedules.tryAcquire({ name: 'poll-erp', dueAt: 1_000, owner: 'killed', now, leaseMs: 30_000 })).toBe(true);
        await schedules.finish({ name: 'poll-erp', dueAt: 1_000, nextDueAt: 2_000, outcome: 'ok', now });
        expect(await schedules.recoverAbandoned({ owner: 'restarted' })).toBe(1);
        expect(await schedules.tryAcquire({ name: 'poll-wms', dueAt: 1_000, owner: 'restarted', now: now + 1, leaseMs: 30_000 })).toBe(true);
        // Its own runs in progress stay its own.
        expect(await schedules.recoverAbandoned({ owner: 'restarted' })).toBe(0);
      });
    });

    it('keeps queues, flows and references across a restart', async () => {
      await pair.storage.delivery.enqueue([command('SO-1', 'persist')]);
      await pair.storage.xrefs.link({ entity: 'order', hubId: 'O-1', system: 'netsuite', externalId: '55' }, now);
      await pair.close();
      const reopened = await pair.reopen();
      try {
        expect((await reopened.storage.delivery.claim('erp', claimNow(now))).map((item) => item.idempotencyKey)).toEqual(['persist']);
        expect(await reopened.storage.xrefs.externalId({ entity: 'order', hubId: 'O-1', system: 'netsuite' })).toBe('55');
      } finally {
        await reopened.close();
      }
    });
  });
}
