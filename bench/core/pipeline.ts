import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite, type EmbeddedAdapters } from '../../src/adapters/sqlite/index.ts';
import type { CloudEvent } from '../../src/canonical/cloudevent.ts';
import type { DeliveryItem } from '../../src/ports/storage.ts';
import { defineFlow, Hub, type DeliveryTarget, type ItemOutcome } from '../../src/runtime/index.ts';

export const BENCH_EVENT_TYPE = 'retail.bench-item.recorded.v1';

/** The flow every core benchmark runs: one journaled delivery per event (log -> flow -> delivery). */
export const relayFlow = defineFlow({
  name: 'relay',
  startsOn: [BENCH_EVENT_TYPE],
  async run(ctx, event) {
    await ctx.deliver('forward', { target: 'noop', kind: 'command', key: ctx.key, operation: 'record', payload: event.data });
  },
});

/** The same relay as a stateless flow: no instance stored, effects keyed by the event. */
export const statelessRelayFlow = defineFlow({ ...relayFlow, name: 'relay-stateless', durable: false });

/** A target that accepts everything at once and tells the benchmark when items arrive. */
export class NoopTarget implements DeliveryTarget {
  readonly name = 'noop';
  readonly budget = { maxBatchSize: 500, concurrency: 4 };
  received = 0;
  onBatch: ((batch: readonly DeliveryItem[], at: number) => void) | undefined;

  async deliver(batch: readonly DeliveryItem[]): Promise<ItemOutcome[]> {
    this.received += batch.length;
    this.onBatch?.(batch, performance.now());
    return batch.map(() => ({ ok: true }));
  }
}

export function benchEvent(index: number, keys: number): CloudEvent {
  return {
    specversion: '1.0',
    id: `bench-${index}`,
    source: 'crossdock://bench',
    type: BENCH_EVENT_TYPE,
    subject: `SKU-${index % keys}@STORE-1`,
    time: '2026-11-27T00:00:00.000Z',
    correlationid: `corr-${index}`,
    data: { index, available: index % 97, sku: `SKU-${index % keys}`, location: 'STORE-1' },
  };
}

export interface Pipeline {
  adapters: EmbeddedAdapters;
  hub: Hub;
  target: NoopTarget;
  close(): Promise<void>;
}

/** A hub on a fresh SQLite file with the relay flow and the no-op target. */
export async function openPipeline(
  target: DeliveryTarget & Partial<NoopTarget> = new NoopTarget(),
  options: { durable?: boolean } = {},
): Promise<Pipeline> {
  const directory = mkdtempSync(join(tmpdir(), 'crossdock-bench-'));
  const adapters = await openSqlite({ path: join(directory, 'hub.sqlite') });
  const hub = new Hub({
    bus: adapters.bus,
    storage: adapters.storage,
    targets: [target],
    flows: [options.durable === false ? statelessRelayFlow : relayFlow],
    soleWorker: true,
    delivery: { idlePollMs: 50 },
  });
  return {
    adapters,
    hub,
    target: target as NoopTarget,
    async close() {
      await hub.stop();
      await adapters.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
