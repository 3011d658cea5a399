import { describe, expect, it } from 'vitest';
import { PermanentError, RateLimitedError, TransientError } from '../../../runtime/errors.ts';
import { deliveryItem } from '../../conformance/harness.ts';
import { runCommands } from './commands.ts';

const items = ['R-1', 'R-2', 'R-3'].map((key) =>
  deliveryItem({ target: 'commerce', kind: 'command', key, operation: 'issueRefund', payload: {}, idempotencyKey: key }),
);
const isBatchFailure = (error: unknown) => error instanceof TransientError;

describe('runCommands', () => {
  it('throws a request failure on the first command for the whole batch, so the engine pauses the target', async () => {
    const throttle = new RateLimitedError('THROTTLED', { retryAfterMs: 500 });
    await expect(runCommands(items, () => Promise.reject(throttle), isBatchFailure)).rejects.toBe(throttle);
  });

  it('keeps what landed when a later command hits a request failure, and hands that failure to the rest', async () => {
    const down = new TransientError('HTTP 503');
    let calls = 0;
    const outcomes = await runCommands(items, async () => (++calls === 2 ? Promise.reject(down) : { ok: true as const, externalId: `refund-${calls}` }), isBatchFailure);
    expect(outcomes).toEqual([{ ok: true, externalId: 'refund-1' }, { ok: false, error: down }, { ok: false, error: down }]);
    expect(calls).toBe(2);
  });

  it('a refused record fails alone and the batch goes on', async () => {
    const refused = new PermanentError('BAD_REQUEST', { code: 'BAD_REQUEST' });
    let calls = 0;
    const outcomes = await runCommands(items, async () => (++calls === 1 ? Promise.reject(refused) : { ok: true as const }), isBatchFailure);
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([false, true, true]);
  });
});
