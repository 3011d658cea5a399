import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../canonical/cloudevent.ts';
import { openSqlite, type EmbeddedAdapters } from '../../adapters/sqlite/index.ts';
import { eventually } from '../../ports/conformance/harness.ts';
import { PermanentError, TransientError } from '../errors.ts';
import { defineFlow, type FlowDefinition } from './definition.ts';
import { FlowEngine } from './engine.ts';

const directory = mkdtempSync(join(tmpdir(), 'crossdock-flows-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const placed = (orderNumber: string, id = `placed-${orderNumber}`): CloudEvent => ({
  specversion: '1.0',
  id,
  source: 'crossdock://test/shopify',
  type: 'retail.order.placed.v1',
  subject: orderNumber,
  correlationid: `corr-${orderNumber}`,
  data: { orderNumber, total: '42.00' },
});

const booked = (orderNumber: string): CloudEvent => ({
  specversion: '1.0',
  id: `booked-${orderNumber}`,
  source: 'crossdock://test/netsuite',
  type: 'retail.order.booked.v1',
  subject: orderNumber,
  data: { orderNumber, erpOrderId: 'SO-7781' },
});

describe('FlowEngine', () => {
  let adapters: EmbeddedAdapters;
  let engine: FlowEngine | undefined;

  async function start(flows: FlowDefinition[], path = ':memory:') {
    adapters ??= await openSqlite({ path });
    engine = new FlowEngine({
      bus: adapters.bus,
      storage: adapters.storage,
      enqueue: (items) => adapters.storage.delivery.enqueue(items),
      flows,
      stepRetryDelayMs: 1,
      recoveryPollMs: 20,
      timerPollMs: 20,
    });
    engine.start();
    return engine;
  }

  afterEach(async () => {
    await engine?.stop();
    engine = undefined;
    await adapters?.close();
    adapters = undefined as unknown as EmbeddedAdapters;
  });

  it('runs steps once, journals them, delivers idempotently and completes', async () => {
    const calls: string[] = [];
    await start([
      defineFlow({
        name: 'order-capture',
        startsOn: ['retail.order.placed.v1'],
        instanceId: (event) => `order-capture:${event.subject}`,
        async run(ctx, event) {
          const order = await ctx.step('validate', () => {
            calls.push('validate');
            return { number: (event.data as { orderNumber: string }).orderNumber };
          });
          await ctx.deliver('book', { target: 'erp', kind: 'command', key: order.number, operation: 'bookOrder', payload: order });
        },
      }),
    ]);
    await adapters.bus.publish([placed('SO-1')]);
    // A second event for the same instance id (a webhook retried with a new id) starts nothing new.
    await adapters.bus.publish([placed('SO-1', 'placed-SO-1-retry')]);
    await eventually(async () => (await adapters.storage.flows.get('order-capture:SO-1'))?.status === 'completed', 'completion');
    const instance = await adapters.storage.flows.get('order-capture:SO-1');
    // The command's idempotency key is its journal entry: only the step result is journaled.
    expect(instance!.journal.map((entry) => entry.step)).toEqual(['validate']);
    expect(instance!.version).toBe(2);
    expect(calls).toEqual(['validate']);
    const [item] = await adapters.storage.delivery.find({ key: 'SO-1' });
    expect(item).toMatchObject({
      target: 'erp',
      idempotencyKey: 'order-capture:SO-1/book',
      correlationId: 'corr-SO-1',
      context: { businessKey: 'SO-1', flow: 'order-capture' },
    });
  });

  it('resumes an interrupted instance at its first unfinished step', async () => {
    const calls: string[] = [];
    const flow = defineFlow({
      name: 'three-steps',
      startsOn: ['retail.order.placed.v1'],
      async run(ctx) {
        const a = await ctx.step('a', () => {
          calls.push('a');
          return 1;
        });
        const b = await ctx.step('b', () => {
          calls.push('b');
          return a + 1;
        });
        await ctx.step('c', () => {
          calls.push(`c:${b}`);
          return null;
        });
      },
    });
    adapters = await openSqlite({ path: ':memory:' });
    // The state a crash leaves behind: created, step "a" journaled (with a result of 41), running.
    // The instance keeps its trigger's log position; the event itself stays in the log.
    // (A type no flow starts on, so only the crash-left instance runs.)
    const [logged] = await adapters.bus.publish([{ ...placed('SO-1'), type: 'retail.order.imported.v1' }]);
    await adapters.storage.flows.create({ id: 'i-1', flow: 'three-steps', key: 'SO-1', input: { seq: logged!.seq }, correlationId: null, traceparent: null, createdAt: Date.now() });
    await adapters.storage.flows.appendJournal('i-1', { step: 'a', result: 41, at: Date.now() }, 1);
    await start([flow]);
    await eventually(async () => (await adapters.storage.flows.get('i-1'))?.status === 'completed', 'completion');
    expect(calls).toEqual(['b', 'c:42']);
  });

  it('waits durably for an event of the same business key', async () => {
    const seen: unknown[] = [];
    await start([
      defineFlow({
        name: 'await-booking',
        startsOn: ['retail.order.placed.v1'],
        async run(ctx) {
          const event = await ctx.waitForEvent('booked', { type: 'retail.order.booked.v1', timeoutMs: 60_000 });
          seen.push(event?.data);
        },
      }),
    ]);
    await adapters.bus.publish([placed('SO-2'), placed('SO-3')]);
    await eventually(async () => (await adapters.storage.flows.list({ status: 'waiting' })).length === 2, 'two waiting');
    expect(await adapters.storage.timers.nextFireAt()).toBeGreaterThan(Date.now());
    await adapters.bus.publish([booked('SO-3')]);
    await eventually(() => seen.length === 1, 'SO-3 resumed');
    expect(seen).toEqual([{ orderNumber: 'SO-3', erpOrderId: 'SO-7781' }]);
    expect((await adapters.storage.flows.list({ status: 'waiting' })).map((flow) => flow.key)).toEqual(['SO-2']);
  });

  it('ends a wait with an event logged between the run looking into the log and the wait being stored', async () => {
    adapters = await openSqlite({ path: ':memory:' });
    const { bus } = adapters;
    let arrivedMeanwhile = false;
    // The booked event is logged (and the consumer has moved past it) right after the run's own
    // look into the log, before the run stores its wait: the consumer found nobody waiting.
    const racing = new Proxy(bus, {
      get(target, property) {
        if (property === 'find') {
          return async (query: Parameters<typeof bus.find>[0]) => {
            const found = await target.find(query);
            if (query.type === 'retail.order.booked.v1' && !arrivedMeanwhile) {
              arrivedMeanwhile = true;
              const [logged] = await target.publish([booked('SO-9')]);
              await eventually(async () => (await target.position('flows')) >= logged!.seq, 'the consumer past the booked event');
            }
            return found;
          };
        }
        const value = Reflect.get(target, property) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const seen: unknown[] = [];
    engine = new FlowEngine({
      bus: racing,
      storage: adapters.storage,
      enqueue: (items) => adapters.storage.delivery.enqueue(items),
      flows: [
        defineFlow({
          name: 'await-booking-after-a-pause',
          startsOn: ['retail.order.placed.v1'],
          async run(ctx) {
            // Resumed by the timer loop, so the consumer is free to handle the booked event meanwhile.
            await ctx.sleep('pause', 1);
            seen.push((await ctx.waitForEvent('booked', { type: 'retail.order.booked.v1', timeoutMs: 60_000 }))?.data);
          },
        }),
      ],
      stepRetryDelayMs: 1,
      recoveryPollMs: 20,
      timerPollMs: 20,
    });
    engine.start();
    await bus.publish([placed('SO-9')]);
    await eventually(() => seen.length === 1, 'the wait ended by the event already in the log');
    expect(arrivedMeanwhile).toBe(true);
    expect(seen).toEqual([{ orderNumber: 'SO-9', erpOrderId: 'SO-7781' }]);
  });

  it('times out a wait and raises a business exception while the flow carries on', async () => {
    await start([
      defineFlow({
        name: 'booking-sla',
        startsOn: ['retail.order.placed.v1'],
        instanceId: (event) => `booking-sla:${event.subject}`,
        async run(ctx) {
          const event = await ctx.waitForEvent('booked', { type: 'retail.order.booked.v1', timeoutMs: 30 });
          if (!event) {
            await ctx.raise('awaiting-erp-booking', { code: 'AWAITING_ERP_BOOKING', message: 'Order not booked in the ERP within its SLA', context: { total: '42.00' } });
            await ctx.waitForEvent('booked-late', { type: 'retail.order.booked.v1' });
          }
        },
      }),
    ]);
    await adapters.bus.publish([placed('SO-4')]);
    await eventually(async () => (await adapters.storage.deadLetters.count({ kind: 'flow' })) === 1, 'exception raised');
    const [exception] = await adapters.storage.deadLetters.list({ kind: 'flow' });
    expect(exception).toMatchObject({ key: 'SO-4', error: { code: 'AWAITING_ERP_BOOKING' }, context: { businessKey: 'SO-4', total: '42.00' }, correlationId: 'corr-SO-4' });
    await adapters.bus.publish([booked('SO-4')]);
    await eventually(async () => (await adapters.storage.flows.get('booking-sla:SO-4'))?.status === 'completed', 'late booking completes');
  });

  it('finds an awaited event that arrived while the instance was parked on something else', async () => {
    await start([
      defineFlow({
        name: 'sleep-then-wait',
        startsOn: ['retail.order.placed.v1'],
        instanceId: (event) => `sw:${event.subject}`,
        async run(ctx) {
          await ctx.sleep('cool-off', 40);
          await ctx.waitForEvent('booked', { type: 'retail.order.booked.v1' });
        },
      }),
    ]);
    await adapters.bus.publish([placed('SO-5')]);
    await eventually(async () => (await adapters.storage.flows.get('sw:SO-5'))?.status === 'waiting', 'sleeping');
    await adapters.bus.publish([booked('SO-5')]);
    await eventually(async () => (await adapters.storage.flows.get('sw:SO-5'))?.status === 'completed', 'completed');
  });

  it('compensates completed steps in reverse order when a later step fails permanently', async () => {
    const undone: string[] = [];
    await start([
      defineFlow({
        name: 'returns',
        startsOn: ['retail.order.placed.v1'],
        instanceId: (event) => `returns:${event.subject}`,
        async run(ctx) {
          await ctx.step('authorize-rma', () => 'RMA-1', { compensate: (rma) => void undone.push(`cancel ${rma}`) });
          await ctx.step('expect-receipt', () => 'WR-1', { compensate: (receipt) => void undone.push(`cancel ${receipt}`) });
          await ctx.step('credit-memo', () => {
            throw new PermanentError('Return is not authorized', { code: 'USER_ERROR', field: 'createdFrom', system: 'netsuite' });
          });
        },
      }),
    ]);
    await adapters.bus.publish([placed('SO-6')]);
    await eventually(async () => (await adapters.storage.flows.get('returns:SO-6'))?.status === 'compensated', 'compensated');
    expect(undone).toEqual(['cancel WR-1', 'cancel RMA-1']);
    const [dead] = await adapters.storage.deadLetters.list({ kind: 'flow' });
    expect(dead).toMatchObject({ ref: 'returns:SO-6', error: { code: 'USER_ERROR', field: 'createdFrom' }, context: { outcome: 'compensated' } });
  });

  it('retries a transient step in place, parks the instance when it keeps failing, and resumes after an operator retry', async () => {
    let erpUp = false;
    let attempts = 0;
    await start([
      defineFlow({
        name: 'customer-sync',
        startsOn: ['retail.order.placed.v1'],
        instanceId: (event) => `cs:${event.subject}`,
        async run(ctx) {
          await ctx.deliver('project', { target: 'crm', kind: 'state', key: ctx.key, operation: 'upsertCustomer', payload: {} });
          await ctx.step('lookup-credit', () => {
            attempts++;
            if (!erpUp) throw new TransientError('NetSuite 503');
            return { creditLimit: '5000.00' };
          });
        },
      }),
    ]);
    await adapters.bus.publish([placed('SO-7')]);
    await eventually(async () => (await adapters.storage.flows.get('cs:SO-7'))?.status === 'failed', 'parked');
    expect(attempts).toBe(3);
    const [dead] = await adapters.storage.deadLetters.list({ kind: 'flow' });
    expect(dead!.error).toMatchObject({ message: 'NetSuite 503', retryable: true });
    erpUp = true;
    expect(await adapters.storage.deadLetters.act(dead!.id, 'retried', { actor: 'ops', reason: 'ERP back', now: Date.now() })).toBe(true);
    await eventually(async () => (await adapters.storage.flows.get('cs:SO-7'))?.status === 'completed', 'completed after retry');
    expect(await adapters.storage.delivery.find({ key: 'SO-7' })).toHaveLength(1);
  });

  it('keeps a durable sleep across a restart', async () => {
    const path = join(directory, 'sleep.sqlite');
    const flow = defineFlow({
      name: 'reminder',
      startsOn: ['retail.order.placed.v1'],
      instanceId: (event) => `reminder:${event.subject}`,
      async run(ctx) {
        await ctx.sleep('wait', 150);
        await ctx.emit('reminded', { type: 'retail.order.reminded.v1', subject: ctx.key, data: {} });
      },
    });
    await start([flow], path);
    await adapters.bus.publish([placed('SO-8')]);
    await eventually(async () => (await adapters.storage.flows.get('reminder:SO-8'))?.status === 'waiting', 'sleeping');
    await engine!.stop();
    await adapters.close();
    adapters = undefined as unknown as EmbeddedAdapters;
    await start([flow], path);
    await eventually(async () => (await adapters.storage.flows.get('reminder:SO-8'))?.status === 'completed', 'woke after restart');
    expect((await adapters.bus.find({ type: 'retail.order.reminded.v1' })).map((entry) => entry.event.subject)).toEqual(['SO-8']);
  });

  it('keeps firing other timers when firing one fails (the failed one stays claimed and fires after its lease)', async () => {
    adapters = await openSqlite({ path: ':memory:' });
    const flow = defineFlow({
      name: 'reminder',
      startsOn: ['retail.order.placed.v1'],
      instanceId: (event) => `reminder:${event.subject}`,
      async run(ctx) {
        await ctx.sleep('wait', ctx.key === 'SO-BAD' ? 50 : 150);
        await ctx.emit('reminded', { type: 'retail.order.reminded.v1', subject: ctx.key, data: {} });
      },
    });
    // Storage that fails once when the first timer (SO-BAD's) is fired.
    let failed = false;
    const flows = adapters.storage.flows;
    const storage = {
      ...adapters.storage,
      flows: Object.assign(Object.create(Object.getPrototypeOf(flows) as object) as typeof flows, flows, {
        get: async (id: string) => {
          const instance = await flows.get(id);
          if (id === 'reminder:SO-BAD' && instance?.status === 'waiting' && !failed) {
            failed = true;
            throw new Error('SQLITE_BUSY: database is locked');
          }
          return instance;
        },
      }),
    };
    // A test clock: both timers come due together when it moves, SO-BAD's (the earlier) first.
    let now = Date.now();
    engine = new FlowEngine({ bus: adapters.bus, storage, enqueue: (items) => adapters.storage.delivery.enqueue(items), flows: [flow], recoveryPollMs: 60_000, timerPollMs: 20, clock: () => now });
    const errors: string[] = [];
    engine.events.on('timer-error', ({ timer, error }: { timer: { flowId: string }; error: Error }) => errors.push(`${timer.flowId}: ${error.message}`));
    engine.start();
    await adapters.bus.publish([placed('SO-BAD'), placed('SO-OK')]);
    await eventually(async () => (await adapters.storage.timers.upcoming(5)).length === 2 || undefined, 'both flows asleep');
    now += 200;
    await eventually(async () => (await flows.get('reminder:SO-OK'))?.status === 'completed', 'the other timer fired');
    expect(errors).toEqual(['reminder:SO-BAD: SQLITE_BUSY: database is locked']);
    // SO-BAD's timer is still there, claimed: it fires again once the lease runs out.
    const [left] = await adapters.storage.timers.upcoming(5);
    expect(left).toMatchObject({ flowId: 'reminder:SO-BAD', step: 'wait' });
    expect(left!.leaseUntil).not.toBeNull();
  });

  it('runs a stateless flow without storing an instance, keyed by the event so nothing happens twice', async () => {
    await start([
      defineFlow({
        name: 'inventory-sync',
        durable: false,
        startsOn: ['retail.order.placed.v1'],
        instanceId: (event) => `inventory-sync:${event.subject}`,
        async run(ctx, event) {
          const level = await ctx.step('map', () => ({ available: 3, order: event.id }));
          await ctx.deliver('publish', { target: 'commerce', kind: 'state', key: ctx.key, operation: 'setLevel', payload: level, version: 1 });
          if (event.id.endsWith('-wait')) await ctx.waitForEvent('never', { type: 'retail.order.booked.v1' });
        },
      }),
    ]);
    await adapters.bus.publish([placed('SKU-1@S1', 'e-1'), placed('SKU-1@S1', 'e-2'), placed('SKU-2@S1', 'e-3-wait')]);
    await eventually(async () => (await adapters.storage.deadLetters.count({ kind: 'flow' })) === 1, 'refused wait recorded');
    expect(await adapters.storage.flows.list({})).toEqual([]);
    const items = await adapters.storage.delivery.find({ key: 'SKU-1@S1' });
    expect(items.map((item) => [item.idempotencyKey, item.correlationId])).toEqual([['inventory-sync:SKU-1@S1/publish', 'corr-SKU-1@S1']]);
    const [refused] = await adapters.storage.deadLetters.list({ kind: 'flow' });
    expect(refused).toMatchObject({ key: 'SKU-2@S1', error: { code: 'STATELESS_FLOW' }, context: { stateless: true } });
  });
});
