import type { DeliveryItem } from '../../../ports/storage.ts';
import type { ItemOutcome } from '../../../runtime/delivery/target.ts';

/**
 * Runs the commands of one claim one after another (each is its own mutation with its own
 * idempotency key or lookup). A failure that is about the request rather than the record
 * (throttle, 5xx, 401) stops the batch: before anything was sent it is thrown for the whole
 * batch, so the engine pauses the target; after some commands landed, the landed ones are
 * reported delivered and the rest carry that failure, to be retried on their own.
 */
export async function runCommands(
  batch: readonly DeliveryItem[],
  runOne: (item: DeliveryItem) => Promise<ItemOutcome>,
  isBatchFailure: (error: unknown) => boolean,
): Promise<ItemOutcome[]> {
  const outcomes: ItemOutcome[] = [];
  for (const [index, item] of batch.entries()) {
    try {
      outcomes.push(await runOne(item));
    } catch (error) {
      if (!isBatchFailure(error)) {
        outcomes.push({ ok: false, error });
        continue;
      }
      if (index === 0) throw error;
      for (let rest = index; rest < batch.length; rest++) outcomes.push({ ok: false, error });
      return outcomes;
    }
  }
  return outcomes;
}
