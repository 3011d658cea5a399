import { customer, connectedSandbox } from '../../src/connectors/salesforce/test-support.ts';
import type { NewDeliveryItem } from '../../src/ports/storage.ts';
import { report, round } from '../report.ts';
import { drainThroughEngine } from './drain.ts';

/** Records one sObject Collections request carries. */
const COLLECTION_MAX = 200;

/**
 * Customer upserts to Salesforce through the engine: `keys` customers, `updates` profile
 * versions spread over them, all queued before the drain starts (a burst, or a backlog after
 * an outage). The minimum is one Collections call per 200 distinct customers.
 */
async function customerScenario(name: string, options: { keys: number; updates: number }): Promise<void> {
  const { sandbox, connector } = await connectedSandbox();
  try {
    const customers = Array.from({ length: options.keys }, () => customer());
    const items: NewDeliveryItem[] = Array.from({ length: options.updates }, (_, index) => {
      const base = customers[index % options.keys]!;
      const version = Math.floor(index / options.keys) + 1;
      const payload = { ...base, version };
      return { target: connector.name, kind: 'state', key: base.hubId, operation: 'upsertCustomer', payload, idempotencyKey: `customer:${base.hubId}:${version}`, version };
    });
    const logins = connector.client.calls.logins;
    const result = await drainThroughEngine(connector, items, options.keys);
    const minimum = Math.ceil(options.keys / COLLECTION_MAX);
    const calls = connector.client.calls.requests;
    report({
      name: `salesforce.calls_vs_min${name}`,
      value: round(calls / minimum, 3),
      unit: 'ratio',
      calls,
      minimum,
      logins: connector.client.calls.logins - logins,
      throttled_after_first: Math.max(0, result.throttled - 1),
      updates: options.updates,
      keys: options.keys,
      records_per_s: round(result.delivered / result.seconds, 1),
      dead: result.dead,
      complete: result.complete,
    });
  } finally {
    await sandbox.close();
  }
}

export async function salesforceBench(options: { quick: boolean }): Promise<void> {
  const keys = options.quick ? 2_000 : 10_000;
  await customerScenario('', { keys, updates: keys });
  await customerScenario('_coalescing', { keys, updates: keys * 10 });
}
