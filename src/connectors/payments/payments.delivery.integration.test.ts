import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../../adapters/sqlite/index.ts';
import { eventually } from '../../ports/conformance/harness.ts';
import type { DeliveryItem, NewDeliveryItem } from '../../ports/storage.ts';
import { DeliveryEngine } from '../../runtime/delivery/engine.ts';
import { recordingContext } from '../conformance/harness.ts';
import { refundItem, startPaymentsFixture, type PaymentsFixture } from './testing.ts';

let fixture: PaymentsFixture | undefined;
let adapters: EmbeddedAdapters | undefined;
let engine: DeliveryEngine | undefined;
afterEach(async () => {
  await engine?.stop();
  await adapters?.close();
  await fixture?.close();
  engine = undefined;
  adapters = undefined;
  fixture = undefined;
});

/** The delivery item as a flow enqueues it. */
const enqueued = (item: DeliveryItem): NewDeliveryItem => ({
  target: item.target,
  kind: item.kind,
  key: item.key,
  operation: item.operation,
  payload: item.payload,
  idempotencyKey: item.idempotencyKey,
  context: item.context,
});

describe('payments connector behind the delivery engine', () => {
  it('pays the good refunds once (a crash replay included) and dead-letters the refused one with the Stripe code and the RMA', async () => {
    fixture = await startPaymentsFixture();
    adapters = await openSqlite({ path: ':memory:' });
    const intents = [await fixture.paidIntent(), await fixture.paidIntent(), await fixture.paidIntent(), await fixture.paidIntent(5_000)];
    const good = intents.slice(0, 3).map((intent) => refundItem(intent, { amount: '25.00' }));
    const bad = refundItem(intents[3]!, { amount: '60.00' });

    // A worker paid the first refund and crashed before recording it: the engine sends it again.
    const [beforeCrash] = await fixture.connector.deliver([good[0]!], recordingContext());

    engine = new DeliveryEngine({ storage: adapters.storage, targets: [fixture.connector], retry: { initialDelayMs: 1, maxDelayMs: 5, maxAttempts: 3 }, idlePollMs: 20 });
    await engine.start();
    await engine.enqueue([...good, bad].map(enqueued));

    await eventually(async () => (await adapters!.storage.delivery.stats('payments'))[0]?.delivered === 3, 'three refunds delivered');
    await eventually(async () => (await adapters!.storage.deadLetters.count({ status: 'open' })) === 1, 'one dead letter');

    expect(await fixture.refunds()).toHaveLength(3);
    const [replayed] = await adapters.storage.delivery.find({ key: good[0]!.key });
    expect(replayed).toMatchObject({ status: 'delivered', externalId: (beforeCrash as { externalId: string }).externalId });
    const [dead] = await adapters.storage.deadLetters.list({ status: 'open' });
    expect(dead).toMatchObject({
      target: 'payments',
      key: bad.key,
      context: { entity: 'refund', businessKey: bad.key, orderNumber: 'WEB-100234' },
      error: { code: 'amount_too_large', field: 'amount', system: 'stripe', retryable: false },
    });
    expect(await fixture.refunds(intents[3])).toHaveLength(0);
  });
});
