import { openSqlite } from '../../adapters/sqlite/index.ts';
import type { NewDeliveryItem } from '../../ports/storage.ts';
import { DeliveryEngine } from '../../runtime/delivery/engine.ts';
import { sandboxOrder, startNetSuiteFixture } from './testing.ts';

export interface ConcurrencyScenarioResult {
  bookings: number;
  delivered: number;
  concurrencyLimit: number;
  peakInFlight: number;
  rejected429: number;
  /** Share of the account's concurrency limit kept busy while the backlog drained (sandbox's figure). */
  utilisation: number;
  /** The same, as the connector measured it from its side (includes network time). */
  connectorUtilisation: number;
  elapsedMs: number;
}

/**
 * The concurrency bench: a backlog of bookings drains through the delivery engine (embedded
 * SQLite, in memory) into a sandboxed account whose record writes take `writeLatencyMs`. NetSuite's
 * throughput ceiling is limit / latency (5 / 300 ms ≈ 16.7 orders/s); the figure of merit is how
 * much of it the connector uses without a single 429. Prints nothing: the bench prints the JSON line
 * (`netsuite.concurrency_utilisation`).
 *
 * @example
 * const result = await runNetSuiteConcurrencyScenario({ bookings: 100, concurrencyLimit: 5, writeLatencyMs: 300 });
 * console.log(JSON.stringify({ 'netsuite.concurrency_utilisation': result.utilisation, 'netsuite.429s': result.rejected429 }));
 */
export async function runNetSuiteConcurrencyScenario(
  options: { bookings?: number; concurrencyLimit?: number; writeLatencyMs?: number } = {},
): Promise<ConcurrencyScenarioResult> {
  const bookings = options.bookings ?? 100;
  const concurrencyLimit = options.concurrencyLimit ?? 5;
  const latency = options.writeLatencyMs ?? 300;
  const fixture = await startNetSuiteFixture({
    sandbox: {
      concurrency: { baseLimit: concurrencyLimit },
      latency: { recordWrite: { p50Ms: latency, p99Ms: latency }, recordRead: { p50Ms: 0, p99Ms: 0 }, query: { p50Ms: 0, p99Ms: 0 } },
    },
    connector: { concurrencyLimit },
  });
  const adapters = await openSqlite({ path: ':memory:' });
  const engine = new DeliveryEngine({ storage: adapters.storage, targets: [fixture.connector], idlePollMs: 20 });
  try {
    const items: NewDeliveryItem[] = Array.from({ length: bookings }, () => {
      const order = sandboxOrder();
      return { target: 'erp', kind: 'command', key: order.orderNumber, operation: 'bookOrder', payload: order, idempotencyKey: `book:${order.orderNumber}`, context: { entity: 'order', businessKey: order.orderNumber } };
    });
    // The backlog is in the queue before delivery starts, as after an ERP outage.
    await engine.enqueue(items);
    const drained = new Promise<void>((resolve) => {
      let delivered = 0;
      engine.events.on('delivered', (event: { target: string; items: unknown[] }) => {
        delivered += event.items.length;
        if (delivered >= bookings) resolve();
      });
    });
    fixture.netsuite.governance.resetCounters();
    fixture.connector.resetConcurrencyMeasurement();
    const started = Date.now();
    await engine.start();
    await drained;
    const elapsedMs = Date.now() - started;
    const stats = fixture.netsuite.governance.stats();
    const delivered = (await adapters.storage.delivery.stats('erp'))[0]?.delivered ?? 0;
    return {
      bookings,
      delivered,
      concurrencyLimit,
      peakInFlight: stats.peakInFlight,
      rejected429: stats.rejected429,
      utilisation: round(stats.utilisation),
      connectorUtilisation: round(fixture.connector.concurrency().utilisation),
      elapsedMs,
    };
  } finally {
    await engine.stop();
    await adapters.close();
    await fixture.close();
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
