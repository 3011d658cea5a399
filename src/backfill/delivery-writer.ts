import { DeliveryStatus, type DeliveryItem, type DeliveryStore, type EnqueueOutcome, type NewDeliveryItem } from '../ports/storage.ts';
import type { DeliveryTarget } from '../runtime/delivery/target.ts';
import type { ChunkOutcome } from './bulk-writer.ts';
import type { BackfillFailure, BackfillJob } from './job.ts';
import type { BackfillQuota } from './quota-share.ts';

/** Something that puts items in the delivery queues and wakes the targets (a DeliveryEngine). */
export interface DeliveryQueue {
  enqueue(items: readonly NewDeliveryItem[]): Promise<EnqueueOutcome[]>;
}

/** How often the runner looks at a chunk's items while it waits for their outcomes. */
export const DEFAULT_OUTCOME_POLL_MS = 100;

/**
 * Writes one chunk through the target's delivery queue as state updates, one request's worth at
 * a time, and waits until each item is delivered or dead-lettered, so the chunk's outcome (and
 * the cursor committed after it) is final.
 *
 * Each request's worth (the target's batch size for the operation) is admitted through the
 * backfill's quota share, at the target's own cost estimate, *before* it is enqueued, and holds
 * one of the share's concurrency slots until its items are done. The target's queue is shared:
 * any engine serving the target (the backfill's own, or `crossdock start`'s on the same
 * database) claims its oldest ready items, whoever enqueued them. Admitting at enqueue is what
 * keeps the share whichever engine sends them, and what keeps live items from waiting behind
 * more backfill items than the share has requests in flight.
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
  /** The target's budget (its batch sizes) and cost estimate. */
  target: Pick<DeliveryTarget, 'budget' | 'cost'>;
  quota: BackfillQuota;
  job: Pick<BackfillJob, 'id' | 'run' | 'entity' | 'to' | 'operation'>;
  records: readonly { key: string; payload: unknown }[];
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  pollMs?: number;
}): Promise<ChunkOutcome> {
  const { job, target } = args;
  const items = args.records.map(
    (record): NewDeliveryItem => ({
      target: job.to,
      kind: 'state',
      key: record.key,
      operation: job.operation,
      payload: record.payload,
      idempotencyKey: `backfill:${job.id}#${job.run}:${record.key}`,
      context: { entity: job.entity, businessKey: record.key, operation: job.operation, backfill: job.id },
    }),
  );
  const batchSize = Math.max(1, target.budget.maxBatchSizeByOperation?.[job.operation] ?? target.budget.maxBatchSize);
  const batches: NewDeliveryItem[][] = [];
  for (let start = 0; start < items.length; start += batchSize) batches.push(items.slice(start, start + batchSize));
  const outcomes: ChunkOutcome[] = new Array(batches.length);
  let next = 0;
  // As many batches under way as the share has request slots; `acquire` holds each to its slot.
  const worker = async () => {
    for (let index = next++; index < batches.length; index = next++) {
      const batch = batches[index]!;
      const cost = target.cost?.(batch.map((item) => asQueued(item, args.clock()))) ?? 0;
      const slot = await args.quota.acquire({ cost });
      try {
        outcomes[index] = await enqueueAndAwait({ ...args, items: batch });
      } finally {
        slot.release();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(args.quota.scaled.concurrency, batches.length) }, worker));
  return { written: outcomes.reduce((sum, outcome) => sum + outcome.written, 0), failures: outcomes.flatMap((outcome) => outcome.failures) };
}

/** Enqueues one admitted batch and waits until each of its items is delivered or dead-lettered. */
async function enqueueAndAwait(args: {
  queue: DeliveryQueue;
  store: DeliveryStore;
  items: readonly NewDeliveryItem[];
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  pollMs?: number;
}): Promise<ChunkOutcome> {
  const outcomes = await args.queue.enqueue(args.items);
  let written = 0;
  const failures: BackfillFailure[] = [];
  // Item id → the keys it carries (two records of one key in a chunk share the coalesced item).
  const waiting = new Map<number, string[]>();
  outcomes.forEach((outcome, index) => {
    const key = args.items[index]!.key;
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

/** A batch as the queue will hand it to the target, for the target's cost estimate before it is enqueued. */
function asQueued(item: NewDeliveryItem, now: number): DeliveryItem {
  return {
    target: item.target, kind: item.kind, key: item.key, operation: item.operation, payload: item.payload, idempotencyKey: item.idempotencyKey,
    id: 0, version: null, context: item.context ?? {}, correlationId: null, traceparent: null,
    status: DeliveryStatus.pending, attempts: 0, enqueuedAt: now, availableAt: now, lastError: null, deliveredAt: null, externalId: null,
  };
}
