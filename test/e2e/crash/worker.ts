/**
 * The process the crash test kills. It publishes a burst of events with deterministic ids (a
 * source that re-sends until acknowledged: duplicates are deduplicated by the log), runs them
 * through a two-step journaled flow into an HTTP target served by the parent test process, and
 * exits by itself once every delivery is recorded as done.
 *
 * argv: <sqlite path> <target url> <event count>
 */
import { openSqlite } from '../../../src/adapters/sqlite/index.ts';
import type { CloudEvent } from '../../../src/canonical/cloudevent.ts';
import type { DeliveryItem } from '../../../src/ports/storage.ts';
import { defineFlow, Hub, TransientError, type DeliveryTarget, type ItemOutcome } from '../../../src/runtime/index.ts';

const [path, targetUrl, countText] = process.argv.slice(2);
const count = Number(countText);
const KEYS = 200;

/** Writes to the parent's recorder, which dedupes by idempotency key like a real target. */
class HttpRecorderTarget implements DeliveryTarget {
  readonly name = 'recorder';
  readonly budget = { maxBatchSize: 200, concurrency: 4 };
  async deliver(batch: readonly DeliveryItem[]): Promise<ItemOutcome[]> {
    const body = batch.map((item) => ({ idempotencyKey: item.idempotencyKey, key: item.key, payload: item.payload }));
    let response: Response;
    try {
      response = await fetch(targetUrl!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    } catch (error) {
      throw new TransientError(`recorder unreachable: ${(error as Error).message}`);
    }
    if (!response.ok) throw new TransientError(`recorder answered ${response.status}`);
    return batch.map(() => ({ ok: true }));
  }
}

const relay = defineFlow({
  name: 'crash-relay',
  startsOn: ['retail.crash-test.recorded.v1'],
  async run(ctx, event) {
    const data = event.data as { index: number; perKey: number };
    const enriched = await ctx.step('enrich', () => ({ ...data, eventId: event.id }));
    await ctx.deliver('forward', { target: 'recorder', kind: 'command', key: ctx.key, operation: 'record', payload: enriched });
  },
});

const adapters = await openSqlite({ path: path! });
const hub = new Hub({
  bus: adapters.bus,
  storage: adapters.storage,
  targets: [new HttpRecorderTarget()],
  flows: [relay],
  soleWorker: true,
  delivery: { idlePollMs: 20, retry: { initialDelayMs: 5, maxDelayMs: 50, maxAttempts: 1_000 } },
  flowOptions: { recoveryPollMs: 100, batchSize: 250 },
});
await hub.start();
process.stdout.write('started\n');

function crashEvent(index: number): CloudEvent {
  const key = index % KEYS;
  return {
    specversion: '1.0',
    id: `crash-${index}`,
    source: 'crossdock://crash-test/pos',
    type: 'retail.crash-test.recorded.v1',
    subject: `KEY-${key}`,
    data: { index, perKey: Math.floor(index / KEYS) },
  };
}

for (let from = 0; from < count; from += 250) {
  const batch: CloudEvent[] = [];
  for (let index = from; index < Math.min(count, from + 250); index++) batch.push(crashEvent(index));
  await adapters.bus.publish(batch);
}
process.stdout.write('published\n');

for (;;) {
  const [stats] = await adapters.storage.delivery.stats('recorder');
  const completed = (await adapters.storage.flows.list({ status: 'completed', limit: count + 1 })).length;
  if (stats && stats.delivered === count && completed === count) break;
  await new Promise((resolve) => setTimeout(resolve, 100));
}
await hub.stop();
await adapters.close();
process.stdout.write('done\n');
