/**
 * Run in its own process (see rss.ts): a hub whose only target is down, with a backlog of
 * undelivered events, must keep its memory flat: the backlog lives in SQLite, not in the heap.
 * Prints one JSON line with the peak RSS.
 */
import { TransientError } from '../../src/runtime/errors.ts';
import type { DeliveryItem } from '../../src/ports/storage.ts';
import type { DeliveryTarget, ItemOutcome } from '../../src/runtime/index.ts';
import { benchEvent, openPipeline } from './pipeline.ts';

const backlog = Number(process.argv[2] ?? 1_000_000);
const runSeconds = Number(process.argv[3] ?? 10);

class DownTarget implements DeliveryTarget {
  readonly name = 'noop';
  readonly budget = { maxBatchSize: 500, concurrency: 4 };
  async deliver(_batch: readonly DeliveryItem[]): Promise<ItemOutcome[]> {
    throw new TransientError('503 Service Unavailable (the target is down for this benchmark)');
  }
}

let peakRss = 0;
const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
const sampler = setInterval(sample, 50);

const pipeline = await openPipeline(new DownTarget());
for (let from = 0; from < backlog; from += 5_000) {
  const batch = [];
  for (let index = from; index < Math.min(backlog, from + 5_000); index++) batch.push(benchEvent(index, 10_000));
  await pipeline.adapters.bus.publish(batch);
  sample();
}
await pipeline.hub.start();
await new Promise((resolve) => setTimeout(resolve, runSeconds * 1000));
const [stats] = await pipeline.adapters.storage.delivery.stats('noop');
const position = await pipeline.adapters.bus.position('flows');
await pipeline.close();
clearInterval(sampler);
sample();
process.stdout.write(
  `${JSON.stringify({ peakRssMb: peakRss / 1024 / 1024, backlog, queuedForDelivery: (stats?.pending ?? 0) + (stats?.inFlight ?? 0), consumedFromLog: position })}\n`,
);
