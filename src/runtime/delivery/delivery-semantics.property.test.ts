import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openSqlite } from '../../adapters/sqlite/index.ts';
import { eventually } from '../../ports/conformance/harness.ts';
import type { NewDeliveryItem } from '../../ports/storage.ts';
import { RateLimitedError, TransientError } from '../errors.ts';
import { RecordingTarget } from '../testing/recording-target.ts';
import { DeliveryEngine } from './engine.ts';

/** One thing a source does: a state update (with its source version) or a command. */
const operation = fc.oneof(
  fc.record({ kind: fc.constant('state' as const), key: fc.constantFrom('A', 'B', 'C'), version: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('command' as const), key: fc.constantFrom('A', 'B', 'C', 'D') }),
);

/** How the target answers each request: fine, a transient failure, or a throttle. */
const answer = fc.constantFrom('ok', 'ok', 'ok', 'transient', 'throttle');

describe('delivery semantics (property-based)', () => {
  it('for any interleaving: newest state per key, every command exactly once, per-key order kept', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(operation, { minLength: 1, maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 20 }),
        fc.array(answer, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 5 }),
        async (operations, chunkSizes, answers, batchSize) => {
          const adapters = await openSqlite({ path: ':memory:' });
          const target = new RecordingTarget('commerce', { maxBatchSize: batchSize, concurrency: 2 }, (_batch, call) => {
            // The target misbehaves for the first requests only, so every run can finish.
            const verdict = call < answers.length ? answers[call] : 'ok';
            if (verdict === 'transient') throw new TransientError('502 Bad Gateway');
            if (verdict === 'throttle') throw new RateLimitedError('THROTTLED', { retryAfterMs: 1 });
          });
          const engine = new DeliveryEngine({
            storage: adapters.storage,
            targets: [target],
            retry: { maxAttempts: 10_000, initialDelayMs: 1, maxDelayMs: 2 },
            circuit: { consecutiveFailures: 10_000, halfOpenAfterMs: 1 },
            idlePollMs: 5,
            defaultThrottleMs: 1,
          });
          await engine.start();
          try {
            const commandIndex = new Map<string, number>();
            const items: NewDeliveryItem[] = operations.map((op, position) => {
              if (op.kind === 'state') {
                return {
                  target: 'commerce',
                  kind: 'state',
                  key: op.key,
                  operation: 'setLevel',
                  payload: { kind: 'state', version: op.version },
                  idempotencyKey: `${op.key}#v${op.version}#${position}`,
                  version: op.version,
                };
              }
              const index = (commandIndex.get(op.key) ?? 0) + 1;
              commandIndex.set(op.key, index);
              return {
                target: 'commerce',
                kind: 'command',
                key: op.key,
                operation: 'adjust',
                payload: { kind: 'command', index },
                idempotencyKey: `${op.key}#cmd${index}`,
              };
            });
            // Enqueue in chunks while the dispatcher is already draining: the interleaving.
            let offset = 0;
            for (let chunk = 0; offset < items.length; chunk++) {
              const size = chunkSizes[chunk % chunkSizes.length]!;
              await engine.enqueue(items.slice(offset, offset + size));
              offset += size;
              await new Promise((resolve) => setImmediate(resolve));
            }
            await eventually(async () => {
              const [stats] = await adapters.storage.delivery.stats('commerce');
              return stats !== undefined && stats.pending + stats.inFlight === 0;
            }, 'queue drained', 20_000);

            for (const key of ['A', 'B', 'C', 'D']) {
              const applied = (target.appliedByKey.get(key) ?? []) as { kind: string; version?: number; index?: number }[];
              // Commands: every one exactly once, in the order they were issued.
              const commands = applied.filter((payload) => payload.kind === 'command').map((payload) => payload.index);
              const issued = commandIndex.get(key) ?? 0;
              expect(commands).toEqual(Array.from({ length: issued }, (_, index) => index + 1));
              // State: versions only move forward and the last one applied is the newest issued.
              const versions = applied.filter((payload) => payload.kind === 'state').map((payload) => payload.version!);
              for (let index = 1; index < versions.length; index++) expect(versions[index]!).toBeGreaterThan(versions[index - 1]!);
              const newest = Math.max(0, ...operations.filter((op) => op.kind === 'state' && op.key === key).map((op) => (op.kind === 'state' ? op.version : 0)));
              if (newest > 0) expect(versions[versions.length - 1]).toBe(newest);
              else expect(versions).toEqual([]);
            }
            expect(await adapters.storage.deadLetters.count({})).toBe(0);
          } finally {
            await engine.stop();
            await adapters.close();
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
