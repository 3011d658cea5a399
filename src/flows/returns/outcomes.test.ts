import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../../adapters/sqlite/index.ts';
import type { CloudEvent } from '../../canonical/cloudevent.ts';
import { createOperatorDecisions } from '../../console/exceptions/actions.ts';
import { eventually } from '../../ports/conformance/harness.ts';
import type { DeadLetter } from '../../ports/storage.ts';
import { PermanentError } from '../../runtime/errors.ts';
import { defineFlow } from '../../runtime/flows/definition.ts';
import { Hub } from '../../runtime/hub.ts';
import { RecordingTarget } from '../../runtime/testing/recording-target.ts';
import { deliverConfirmed, type CommandResult } from './outcomes.ts';

/**
 * `deliverConfirmed` on the real runtime: an ERP double that refuses a payload marked broken the
 * way NetSuite refuses a record, and an operator deciding through the console's own code.
 */
let adapters: EmbeddedAdapters | undefined;
let hub: Hub | undefined;
afterEach(async () => {
  await hub?.stop();
  await adapters?.close();
  hub = undefined;
  adapters = undefined;
});

interface Booking {
  orderNumber: string;
  broken: boolean;
}

async function start() {
  adapters = await openSqlite({ path: ':memory:' });
  const { storage, bus } = adapters;
  const erp = new RecordingTarget('erp', { maxBatchSize: 1, concurrency: 1, requests: { limit: 1_000, windowMs: 1_000 } }, (batch) =>
    batch.map((item) =>
      (item.payload as Booking).broken
        ? { ok: false as const, error: new PermanentError('Please enter value(s) for: Customer', { code: 'USER_ERROR', field: 'entity', system: 'netsuite' }) }
        : { ok: true as const, externalId: `SO-${item.id}` },
    ),
  );
  const results = new Map<string, CommandResult<Booking>>();
  const flow = defineFlow({
    name: 'confirm-test',
    startsOn: ['retail.order.placed.v1'],
    instanceId: (event) => `confirm-test:${event.subject}`,
    async run(ctx, event) {
      const booking = event.data as Booking;
      const result = await deliverConfirmed(ctx, { deliveries: storage.delivery, deadLetters: storage.deadLetters, maxPauseMs: 50, clock: Date.now }, {
        name: 'book',
        code: 'BOOKING_FAILED',
        what: `the booking of ${booking.orderNumber}`,
        payload: booking,
        context: { entity: 'order', businessKey: booking.orderNumber },
        delivery: (payload) => ({ target: 'erp', kind: 'command', key: booking.orderNumber, operation: 'bookOrder', payload }),
      });
      results.set(booking.orderNumber, await ctx.step('result', () => result));
    },
  });
  hub = new Hub({ bus, storage, targets: [erp], flows: [flow], soleWorker: true, delivery: { idlePollMs: 10 }, flowOptions: { timerPollMs: 10, recoveryPollMs: 50 } });
  await hub.start();
  const decisions = createOperatorDecisions({ storage, bus, clock: Date.now, onUndelivered: () => undefined });
  const book = (orderNumber: string, broken: boolean) =>
    bus.publish([{ specversion: '1.0', id: `placed-${orderNumber}`, source: 'test', type: 'retail.order.placed.v1', subject: orderNumber, data: { orderNumber, broken } } satisfies CloudEvent]);
  const exceptionOf = (orderNumber: string) =>
    eventually(async () => (await storage.deadLetters.list({ kind: 'flow', status: 'open', key: orderNumber }))[0], `the exception of ${orderNumber}`);
  const resultOf = (orderNumber: string) => eventually(() => results.get(orderNumber), `the result of ${orderNumber}`);
  return { erp, storage, decisions, book, exceptionOf, resultOf };
}

describe('a command the flow waits for', () => {
  it('answers the target id once it is delivered', async () => {
    const { book, resultOf, erp } = await start();
    await book('SO-1', false);
    expect(await resultOf('SO-1')).toMatchObject({ outcome: 'done', externalId: expect.stringMatching(/^SO-\d+$/), round: 1 });
    expect([...erp.effects.keys()]).toEqual(['confirm-test:SO-1/book-1']);
  });

  it('goes to an operator when dead; a fix is delivered as a new round, and the dead item is closed as superseded', async () => {
    const { book, resultOf, exceptionOf, decisions, storage, erp } = await start();
    await book('SO-2', true);
    const exception: DeadLetter = await exceptionOf('SO-2');
    expect(exception).toMatchObject({
      error: { code: 'BOOKING_FAILED', message: 'the booking of SO-2 failed: Please enter value(s) for: Customer' },
      context: { awaitsOperator: true, round: 1, payload: { orderNumber: 'SO-2', broken: true }, failure: { code: 'USER_ERROR', field: 'entity', system: 'netsuite' } },
    });
    const [dead] = await storage.deadLetters.list({ kind: 'delivery', key: 'SO-2' });
    expect(dead).toMatchObject({ status: 'open' });
    expect(await decisions.fix(exception.id, { orderNumber: 'SO-2', broken: false }, 'operator', 'customer added')).toMatchObject({ outcome: 'done' });
    expect(await resultOf('SO-2')).toMatchObject({ outcome: 'done', round: 2, payload: { broken: false } });
    expect([...erp.effects.keys()]).toEqual(['confirm-test:SO-2/book-2']);
    expect(await storage.deadLetters.get(dead!.id)).toMatchObject({ status: 'resolved' });
  });

  it('ends as overridden or discarded when the operator says so', async () => {
    const { book, resultOf, exceptionOf, decisions } = await start();
    await book('SO-3', true);
    await book('SO-4', true);
    await decisions.act((await exceptionOf('SO-3')).id, 'resolve', 'operator', 'booked by hand');
    await decisions.act((await exceptionOf('SO-4')).id, 'discard', 'operator', 'order cancelled');
    expect(await resultOf('SO-3')).toMatchObject({ outcome: 'overridden', reason: 'booked by hand' });
    expect(await resultOf('SO-4')).toMatchObject({ outcome: 'discarded', reason: 'order cancelled' });
  });
});
