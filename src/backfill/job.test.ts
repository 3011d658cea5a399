import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../adapters/sqlite/index.ts';
import { BackfillConflictError, BackfillJobStore, type BackfillJob } from './job.ts';

let adapters: EmbeddedAdapters | undefined;
afterEach(async () => adapters?.close());

function job(overrides: Partial<BackfillJob> = {}): BackfillJob {
  return {
    id: 'customer:erp->crm', entity: 'customer', from: 'erp', to: 'crm', sourceSystem: 'netsuite', targetSystem: 'salesforce', path: 'bulk', operation: 'upsertCustomer',
    status: 'running', run: 1, cursor: null, chunks: 0, read: 0, written: 0, failed: 0, estimatedTotal: null,
    quota: { share: 0.5, requests: 0, waits: 0, peakInFlight: 0, concurrencyLimit: 4, requestLimit: 60_000, costCapacity: null },
    recentFailures: [], startedAt: 1, resumedAt: 1, readAtResume: 0, updatedAt: 1, finishedAt: null, lastError: null, revision: 0, ...overrides,
  };
}

describe('backfill job store', () => {
  it('saves revisions, refuses a second runner writing from a stale revision, and lists a run\'s failures only', async () => {
    adapters = await openSqlite({ path: ':memory:' });
    const jobs = new BackfillJobStore(adapters.storage.records, () => 42);
    const saved = await jobs.save(job());
    expect(saved).toMatchObject({ revision: 1, updatedAt: 42 });
    const advanced = await jobs.save({ ...saved, cursor: '1000', read: 1000 });
    expect(await jobs.get(saved.id)).toMatchObject({ revision: 2, cursor: '1000', read: 1000 });
    await expect(jobs.save({ ...saved, cursor: '999' })).rejects.toBeInstanceOf(BackfillConflictError);

    await jobs.addFailures(advanced, [{ key: 'CUST-7', stage: 'source', reason: 'bad email', field: 'emails[0].address', at: 1 }]);
    await jobs.addFailures({ ...advanced, run: 2 }, [{ key: 'CUST-8', stage: 'target', reason: 'too long', at: 1 }]);
    await jobs.addFailures({ ...advanced, id: 'customer:erp->commerce' }, [{ key: 'CUST-9', stage: 'target', reason: 'x', at: 1 }]);
    expect((await jobs.failures(advanced, { limit: 10 })).map((failure) => failure.key)).toEqual(['CUST-7']);
    expect((await jobs.failures({ ...advanced, run: 2 }, { limit: 10 })).map((failure) => failure.key)).toEqual(['CUST-8']);
    expect((await jobs.list()).map((entry) => entry.id)).toEqual(['customer:erp->crm']);
  });
});
