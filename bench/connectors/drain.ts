import { openSqlite } from '../../src/adapters/sqlite/index.ts';
import type { NewDeliveryItem } from '../../src/ports/storage.ts';
import { DeliveryEngine } from '../../src/runtime/delivery/engine.ts';
import type { DeliveryTarget } from '../../src/runtime/delivery/target.ts';

/**
 * Drains `items` through a real delivery engine (SQLite in memory) into one connector and
 * reports how long it took, how many were delivered and how many throttles the engine saw.
 */
export async function drainThroughEngine(target: DeliveryTarget, items: readonly NewDeliveryItem[], expectedDelivered: number) {
  const adapters = await openSqlite({ path: ':memory:' });
  const engine = new DeliveryEngine({ storage: adapters.storage, targets: [target], idlePollMs: 10 });
  let throttled = 0;
  engine.events.on('throttled', () => throttled++);
  try {
    for (let from = 0; from < items.length; from += 5_000) await engine.enqueue(items.slice(from, from + 5_000));
    const started = performance.now();
    await engine.start();
    const deadline = Date.now() + 600_000;
    for (;;) {
      const [stats] = await adapters.storage.delivery.stats(target.name);
      if (stats && stats.pending + stats.inFlight === 0) {
        const seconds = (performance.now() - started) / 1000;
        return { seconds, delivered: stats.delivered, dead: stats.dead, throttled, complete: stats.delivered === expectedDelivered };
      }
      if (Date.now() > deadline) throw new Error(`${target.name}: queue not drained in 10 minutes`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await engine.stop();
    await adapters.close();
  }
}
