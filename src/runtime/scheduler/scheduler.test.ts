import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../../adapters/sqlite/index.ts';
import { eventually } from '../../ports/conformance/harness.ts';
import type { ScheduleStore } from '../../ports/storage.ts';
import { Scheduler } from './scheduler.ts';

/** The store's methods bound to it, to wrap one of them. */
const bind = (store: ScheduleStore): ScheduleStore => ({
  tryAcquire: (options) => store.tryAcquire(options),
  renew: (options) => store.renew(options),
  finish: (options) => store.finish(options),
  recoverAbandoned: (options) => store.recoverAbandoned(options),
  nextDue: (name) => store.nextDue(name),
  list: () => store.list(),
});

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

  /** A worker that took the run due at `dueAt` (its previous run finished) and died before finishing it. */
  async function runLeftByAKilledWorker(name: string, dueAt: number, leaseMs: number): Promise<void> {
    const { schedules } = adapters.storage;
    expect(await schedules.tryAcquire({ name, dueAt: dueAt - 1_000, owner: 'killed', now: dueAt - 1_000, leaseMs })).toBe(true);
    await schedules.finish({ name, dueAt: dueAt - 1_000, nextDueAt: dueAt, outcome: 'ok', now: dueAt - 999 });
    expect(await schedules.tryAcquire({ name, dueAt, owner: 'killed', now: dueAt, leaseMs })).toBe(true);
  }

  it('takes again a run whose worker was killed mid-run once its lease has run out: the schedule does not stop for good', async () => {
    adapters = await openSqlite({ path: ':memory:' });
    let now = Date.parse('2026-11-27T08:00:00Z');
    await runLeftByAKilledWorker('poll:stock', now - 5_000, 30_000);
    const runs: number[] = [];
    const scheduler = new Scheduler({ store: adapters.storage.schedules, owner: 'restarted', maxSleepMs: 5, leaseMs: 30_000, clock: () => now, jobs: [{ name: 'poll:stock', everyMs: 1_000, run: async ({ dueAt }) => void runs.push(dueAt) }] });
    schedulers.push(scheduler);
    scheduler.start();
    // Inside the killed worker's lease nothing runs; once it has run out, the abandoned run does.
    await eventually(async () => (await adapters.storage.schedules.list())[0]?.owner === 'killed', 'the restarted worker looking');
    expect(runs).toEqual([]);
    now += 30_000;
    await eventually(() => runs.length >= 1, 'the abandoned run taken again');
    expect(runs[0]).toBe(Date.parse('2026-11-27T08:00:00Z') - 5_000);
    expect((await adapters.storage.schedules.list())[0]).toMatchObject({ owner: 'restarted', lastOutcome: 'ok' });
  });

  it('runs an abandoned run at once when started as the sole worker (the embedded hub after a crash)', async () => {
    adapters = await openSqlite({ path: ':memory:' });
    const dueAt = Date.now() - 5_000;
    await runLeftByAKilledWorker('poll:orders', dueAt, 3_600_000);
    const runs: number[] = [];
    const scheduler = new Scheduler({ store: adapters.storage.schedules, owner: 'restarted', maxSleepMs: 5, jobs: [{ name: 'poll:orders', everyMs: 60_000, run: async ({ dueAt: due }) => void runs.push(due) }] });
    schedulers.push(scheduler);
    scheduler.start({ recoverAbandoned: true });
    await eventually(() => runs.length >= 1, 'the abandoned run');
    expect(runs[0]).toBe(dueAt);
  });

  it('keeps a long run its own by renewing the lease, so a second worker never runs it too', async () => {
    adapters = await openSqlite({ path: ':memory:' });
    let now = Date.parse('2026-11-27T08:00:00Z');
    const clock = () => now;
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const runs: string[] = [];
    const job = (owner: string) => ({ name: 'backfill:customers', everyMs: 60_000, run: async () => { runs.push(owner); if (owner === 'worker-a') await held; } });
    const first = new Scheduler({ store: adapters.storage.schedules, owner: 'worker-a', maxSleepMs: 5, leaseMs: 30, clock, jobs: [job('worker-a')] });
    schedulers.push(first);
    first.start();
    await eventually(() => runs.includes('worker-a'), 'worker-a running the job');
    // Far past the first lease, and another period due: only worker-a's renewals (every 10 ms)
    // keep the run its own, and no second run of the job starts beside it.
    now += 10 * 60_000;
    await eventually(async () => ((await leaseOf('backfill:customers')) ?? 0) > now, 'worker-a renewing at the new time');
    let attempts = 0;
    const store = adapters.storage.schedules;
    const counting = { ...bind(store), tryAcquire: async (options: Parameters<typeof store.tryAcquire>[0]) => { attempts += 1; return store.tryAcquire(options); } };
    const second = new Scheduler({ store: counting, owner: 'worker-b', maxSleepMs: 5, leaseMs: 30, clock, jobs: [job('worker-b')] });
    schedulers.push(second);
    second.start();
    await eventually(() => attempts >= 3, 'worker-b trying three times');
    expect(runs).toEqual(['worker-a']);
    release();
  });

  async function leaseOf(name: string): Promise<number | undefined> {
    return (await adapters.storage.schedules.list()).find((schedule) => schedule.name === name)?.leaseUntil ?? undefined;
  }

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
