import { openSqlite } from '../../adapters/sqlite/index.ts';
import type { NewDeliveryItem } from '../../ports/storage.ts';
import { DeliveryEngine } from '../../runtime/delivery/engine.ts';
import { COLLECTION_MAX_RECORDS } from './limits.ts';
import { connectedSandbox, customer } from './test-support.ts';

export interface CustomerUpsertScenarioResult {
  customers: number;
  delivered: number;
  deadLettered: number;
  /** Salesforce REST calls the connector made (token requests excluded). */
  callsUsed: number;
  /** ceil(customers / 200): one sObject Collections call per 200 records. */
  minimumCalls: number;
  callsVsMin: number;
  recordsPerSecond: number;
}

/**
 * The full path for `salesforce.calls_vs_min`: `customers` distinct customer upserts enqueued
 * on a DeliveryEngine over embedded SQLite, drained by the Salesforce connector into the
 * sandbox org. Reused by the benchmark (`bench/`).
 */
export async function runCustomerUpsertScenario(options: { customers?: number } = {}): Promise<CustomerUpsertScenarioResult> {
  const count = options.customers ?? 10_000;
  const { sandbox, connector } = await connectedSandbox();
  const adapters = await openSqlite({ path: ':memory:' });
  const engine = new DeliveryEngine({ storage: adapters.storage, targets: [connector], idlePollMs: 20 });
  try {
    const items: NewDeliveryItem[] = Array.from({ length: count }, () => {
      const value = customer();
      return { target: connector.name, kind: 'state', key: value.hubId, operation: 'upsertCustomer', payload: value, idempotencyKey: `customer:${value.hubId}:1`, version: 1 };
    });
    for (let from = 0; from < items.length; from += 1_000) await engine.enqueue(items.slice(from, from + 1_000));
    let delivered = 0;
    let deadLettered = 0;
    const finished = new Promise<void>((resolve) => {
      const check = () => {
        if (delivered + deadLettered >= count) resolve();
      };
      engine.events.on('delivered', (event: { items: unknown[] }) => {
        delivered += event.items.length;
        check();
      });
      engine.events.on('dead-lettered', () => {
        deadLettered++;
        check();
      });
    });
    const startedAt = performance.now();
    await engine.start();
    await finished;
    const seconds = (performance.now() - startedAt) / 1000;
    const minimumCalls = Math.ceil(count / COLLECTION_MAX_RECORDS);
    const callsUsed = connector.client.calls.requests;
    return { customers: count, delivered, deadLettered, callsUsed, minimumCalls, callsVsMin: callsUsed / minimumCalls, recordsPerSecond: Math.round(delivered / seconds) };
  } finally {
    await engine.stop();
    await adapters.close();
    await sandbox.close();
  }
}
