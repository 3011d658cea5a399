import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../../adapters/sqlite/index.ts';
import { eventually } from '../../ports/conformance/harness.ts';
import { Scheduler } from './scheduler.ts';

describe('Scheduler', () => {
  let adapters: EmbeddedAdapters;
  const schedulers: Scheduler[] = [];

  afterEach(async () => {
    await Promise.all(schedulers.splice(0).map((scheduler) => scheduler.stop()));
    await adapters?.close();
  });

  it('runs each due time exactly once across two workers sharing the store', async () => {
    adapters = await openSqlite({ path: ':memory:' });
    const runs: { owner: string; dueAt: number }[] = [];
    for (const owner of ['worker-a', 'worker-b']) {
      const scheduler = new Scheduler({
        store: adapters.storage.schedules,
        owner,
        maxSleepMs: 5,
        jobs: [{ name: 'poll-netsuite', everyMs: 20, run: async ({ dueAt }) => void runs.push({ owner, dueAt }) }],
      });
      schedulers.push(scheduler);
      scheduler.start();
    }
    await eventually(() => runs.length >= 6, 'six runs');
    const dueTimes = runs.map((run) => run.dueAt);
    expect(new Set(dueTimes).size).toBe(dueTimes.length);
    for (const dueAt of dueTimes) expect(dueAt % 20).toBe(0);
    const [state] = await adapters.storage.schedules.list();
    expect(state).toMatchObject({ name: 'poll-netsuite', lastOutcome: 'ok' });
  });

  it('records a failed run and carries on with the next one', async () => {
    adapters = await openSqlite({ path: ':memory:' });
    let calls = 0;
    const errors: string[] = [];
    const scheduler = new Scheduler({
      store: adapters.storage.schedules,
      maxSleepMs: 5,
      onError: (job, error) => errors.push(`${job}: ${(error as Error).message}`),
      jobs: [
        {
          name: 'nightly-reconciliation',
          everyMs: 10,
          run: async () => {
            calls++;
            if (calls === 1) throw new Error('SuiteQL timeout');
          },
        },
      ],
    });
    schedulers.push(scheduler);
    scheduler.start();
    await eventually(() => calls >= 2, 'a second run');
    expect(errors).toEqual(['nightly-reconciliation: SuiteQL timeout']);
  });

  it('runs every interval job, also those listed behind a job slower than their period', async () => {
    adapters = await openSqlite({ path: ':memory:' });
    const runs = new Map<string, number>();
    // A clock a job's work moves forward by `workMs`: the slow job always outlasts its 10 ms
    // period, without the job sleeping.
    let worked = 0;
    const job = (name: string, workMs: number) => ({
      name,
      everyMs: 10,
      run: async () => {
        runs.set(name, (runs.get(name) ?? 0) + 1);
        worked += workMs;
      },
    });
    const scheduler = new Scheduler({
      store: adapters.storage.schedules,
      maxSleepMs: 5,
      clock: () => Date.now() + worked,
      jobs: [job('poll:customers', 15), job('poll:stock', 0), job('poll:orders', 0)],
    });
    schedulers.push(scheduler);
    scheduler.start();
    await eventually(() => (runs.get('poll:stock') ?? 0) >= 2 && (runs.get('poll:orders') ?? 0) >= 2, 'the jobs behind the slow one run too');
    expect(runs.get('poll:customers')).toBeGreaterThanOrEqual(1);
  });

  it('wakes for the next run of a job that just ran instead of sleeping the longest sleep', async () => {
    adapters = await openSqlite({ path: ':memory:' });
    let runs = 0;
    // The default longest sleep is 5 s: three runs within `eventually`'s 5 s only happen when the
    // loop wakes for the 20 ms interval.
    const scheduler = new Scheduler({ store: adapters.storage.schedules, jobs: [{ name: 'poll:fast', everyMs: 20, run: async () => void runs++ }] });
    schedulers.push(scheduler);
    scheduler.start();
    await eventually(() => runs >= 3, 'three runs of a 20 ms job');
    expect(runs).toBeGreaterThanOrEqual(3);
  });

  it('stops without starting the jobs still due behind the one running, and aborts the running one', async () => {
    adapters = await openSqlite({ path: ':memory:' });
    const started: string[] = [];
    let aborted = false;
    let release: () => void = () => undefined;
    const running = new Promise<void>((resolve) => (release = resolve));
    const scheduler = new Scheduler({
      store: adapters.storage.schedules,
      maxSleepMs: 5,
      jobs: [
        {
          name: 'poll:stock',
          everyMs: 10,
          run: async ({ signal }) => {
            started.push('poll:stock');
            signal.addEventListener('abort', () => (aborted = true));
            await running;
          },
        },
        { name: 'poll:orders', everyMs: 10, run: async () => void started.push('poll:orders') },
      ],
    });
    scheduler.start();
    await eventually(() => started.includes('poll:stock'), 'the first job running');
    const stopped = scheduler.stop();
    release();
    await stopped;
    expect(aborted).toBe(true);
    expect(started.filter((name) => name === 'poll:orders').length).toBe(started.filter((name) => name === 'poll:stock').length - 1);
  });

  it('computes cron schedules in UTC and rejects a bad expression naming the job', async () => {
    adapters = await openSqlite({ path: ':memory:' });
    const clock = () => Date.parse('2026-11-27T01:59:00Z');
    const scheduler = new Scheduler({
      store: adapters.storage.schedules,
      clock,
      jobs: [{ name: 'black-friday-stock-snapshot', cron: '0 2 * * *', run: async () => {} }],
    });
    schedulers.push(scheduler);
    scheduler.start();
    expect(() => new Scheduler({ store: adapters.storage.schedules, jobs: [{ name: 'bad', cron: '61 * * * *', run: async () => {} }] })).toThrow(
      /scheduled job "bad": invalid cron expression "61 \* \* \* \*"/,
    );
    await scheduler.stop();
    // Nothing was due yet, so nothing was acquired.
    expect(await adapters.storage.schedules.list()).toEqual([]);
  });
});
