import type { DeliveryStore, EnqueueOutcome, NewDeliveryItem } from '../ports/storage.ts';
import type { ChunkOutcome } from './bulk-writer.ts';
import type { BackfillFailure, BackfillJob } from './job.ts';

/** Something that puts items in the delivery queues and wakes the targets (a DeliveryEngine). */
export interface DeliveryQueue {
  enqueue(items: readonly NewDeliveryItem[]): Promise<EnqueueOutcome[]>;
}

/** How often the runner looks at a chunk's items while it waits for their outcomes. */
export const DEFAULT_OUTCOME_POLL_MS = 100;

/**
 * Writes one chunk through the target's delivery queue as state updates, then waits until each
 * item is delivered or dead-lettered, so the chunk's outcome (and the cursor committed after it)
 * is final. Waiting per chunk is also what keeps a backfill from flooding the queue: at most one
 * chunk of backfill items is ever waiting ahead of the live items.
 *
 * State updates, not commands: a record read from the system of record now is at least as new as
 * any update already waiting for its key, so it may replace a pending one (newest wins), and any
 * live update enqueued after it replaces it in turn. No version is set: the backfill's stamps are
 * not on the same scale as the live flows' sequence numbers, and a version would let one side
 * drop the other's updates as stale. The idempotency key names the job's run and the record, so
 * a chunk enqueued again after a crash adds nothing, while `--restart` sends everything again.
 */
export async function writeByDelivery(args: {
  queue: DeliveryQueue;
  store: DeliveryStore;
  job: Pick<BackfillJob, 'id' | 'run' | 'entity' | 'to' | 'operation'>;
  records: readonly { key: string; payload: unknown }[];
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  pollMs?: number;
}): Promise<ChunkOutcome> {
  const { job } = args;
  if (args.records.length === 0) return { written: 0, failures: [] };
  const outcomes = await args.queue.enqueue(
    args.records.map((record) => ({
      target: job.to,
      kind: 'state' as const,
      key: record.key,
      operation: job.operation,
      payload: record.payload,
      idempotencyKey: `backfill:${job.id}#${job.run}:${record.key}`,
      context: { entity: job.entity, businessKey: record.key, operation: job.operation, backfill: job.id },
    })),
  );
  let written = 0;
  const failures: BackfillFailure[] = [];
  // Item id → the keys it carries (two records of one key in a chunk share the coalesced item).
  const waiting = new Map<number, string[]>();
  outcomes.forEach((outcome, index) => {
    const key = args.records[index]!.key;
    if (outcome.outcome === 'stale') {
      written++;
      return;
    }
    waiting.set(outcome.id, [...(waiting.get(outcome.id) ?? []), key]);
  });
  while (waiting.size > 0) {
    for (const [id, keys] of [...waiting]) {
      const item = await args.store.get(id);
      if (!item || item.status === 'delivered') {
        written += keys.length;
      } else if (item.status === 'dead') {
        const error = item.lastError;
        for (const key of keys) {
          failures.push({
            key,
            stage: 'target',
            reason: error?.message ?? 'dead-lettered without an error',
            ...(error?.field !== undefined && { field: error.field }),
            ...(error?.code !== undefined && { code: error.code }),
            at: args.clock(),
          });
        }
      } else {
        continue;
      }
      waiting.delete(id);
    }
    if (waiting.size > 0) await args.sleep(args.pollMs ?? DEFAULT_OUTCOME_POLL_MS);
  }
  return { written, failures };
}
