import { Cron } from 'croner';
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { ScheduleStore } from '../../ports/storage.ts';

export interface ScheduledJob {
  /** Unique name; the schedule's state in storage is kept under it. */
  name: string;
  /** A cron expression (5 or 6 fields, evaluated in UTC unless `timezone` says otherwise). */
  cron?: string;
  /** Or a fixed interval. */
  everyMs?: number;
  timezone?: string;
  run(context: { dueAt: number; signal: AbortSignal }): Promise<void>;
}

export interface SchedulerOptions {
  store: ScheduleStore;
  jobs: readonly ScheduledJob[];
  /** This worker's name in the schedule table (who ran what). */
  owner?: string;
  clock?: () => number;
  /** Longest sleep between checks; also how soon a new leader notices a due run. */
  maxSleepMs?: number;
  /**
   * How long a run is held without a sign of life: renewed every third of it while the job
   * runs, so only a worker that died mid-run loses it, and another (or its restart) takes the
   * run again once it has run out. Default 30 s.
   */
  leaseMs?: number;
  onError?(job: string, error: unknown): void;
}

/** Emitted as `run` on `Scheduler.events` after every run (metrics count them). */
export interface ScheduledRun {
  job: string;
  outcome: 'ok' | 'failed';
  dueAt: number;
  startedAt: number;
  finishedAt: number;
}

/** Default lease of a run in progress. */
export const DEFAULT_SCHEDULE_LEASE_MS = 30_000;

/**
 * Runs polling and batch jobs on cron expressions or intervals. Each due time is taken by
 * exactly one worker through the store (the leader for that run), so the same schedule can run
 * on many workers without running twice. A hub that was down for several periods catches up
 * with one run, not one per missed period.
 */
export class Scheduler {
  private readonly owner: string;
  private readonly clock: () => number;
  private readonly next = new Map<string, (after: number) => number | null>();
  /**
   * The first due time of a job that has never run, fixed the first time it is looked at. Computed
   * afresh at every look it would always lie after "now", and a job behind a slower one in the
   * list would never come due.
   */
  private readonly firstDue = new Map<string, number | null>();
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private readonly abort = new AbortController();
  /** `run` (ScheduledRun) after every run. */
  readonly events = new EventEmitter();

  constructor(private readonly options: SchedulerOptions) {
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.clock = options.clock ?? Date.now;
    for (const job of options.jobs) {
      if (this.next.has(job.name)) throw new Error(`scheduled job "${job.name}" is defined twice`);
      this.next.set(job.name, nextDueFunction(job));
    }
  }

  /**
   * Starts the loop. `recoverAbandoned` first frees the runs an earlier process left unfinished
   * (killed mid-run), so they run again now rather than after their lease: only safe when no
   * other worker shares the storage (the embedded mode).
   */
  start(options: { recoverAbandoned?: boolean } = {}): void {
    if (this.running) return;
    this.running = true;
    this.loop = (options.recoverAbandoned ? this.options.store.recoverAbandoned({ owner: this.owner }).then(() => undefined) : Promise.resolve()).then(() => this.run());
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { store, jobs } = this.options;
    while (this.running) {
      let earliest = Infinity;
      for (const job of jobs) {
        // Stopping: start nothing more. (A job that would run now with an aborted signal may
        // still send a request its client does not cancel, and stop() would wait for it.)
        if (!this.running) break;
        const now = this.clock();
        const dueAt = (await store.nextDue(job.name)) ?? this.firstDueOf(job.name, now) ?? Infinity;
        if (dueAt <= now && (await store.tryAcquire({ name: job.name, dueAt, owner: this.owner, now, leaseMs: this.leaseMs }))) {
          await this.runJob(job, dueAt);
          // Its next run counts towards the sleep too: an interval job must not wait for the
          // longest sleep just because it ran in this pass.
          earliest = Math.min(earliest, (await store.nextDue(job.name)) ?? Infinity);
          continue;
        }
        earliest = Math.min(earliest, dueAt);
      }
      if (!this.running) break;
      const sleep = Math.min(this.options.maxSleepMs ?? 5_000, Math.max(0, earliest - this.clock()));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, sleep);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private firstDueOf(name: string, now: number): number | null {
    if (!this.firstDue.has(name)) this.firstDue.set(name, this.next.get(name)!(now - 1));
    return this.firstDue.get(name)!;
  }

  private get leaseMs(): number {
    return this.options.leaseMs ?? DEFAULT_SCHEDULE_LEASE_MS;
  }

  private async runJob(job: ScheduledJob, dueAt: number): Promise<void> {
    let outcome: 'ok' | 'failed' = 'ok';
    let error: string | undefined;
    const startedAt = this.clock();
    // The sign of life that keeps a long run ours (a crash stops it, and the lease runs out).
    const heartbeat = setInterval(() => {
      void this.options.store.renew({ name: job.name, dueAt, owner: this.owner, leaseUntil: this.clock() + this.leaseMs }).catch((caught: unknown) => this.options.onError?.(job.name, caught));
    }, Math.max(1, Math.floor(this.leaseMs / 3)));
    try {
      await job.run({ dueAt, signal: this.abort.signal });
    } catch (caught) {
      outcome = 'failed';
      error = caught instanceof Error ? caught.message : String(caught);
      this.options.onError?.(job.name, caught);
    } finally {
      clearInterval(heartbeat);
    }
    const now = this.clock();
    // Next due after now (not after dueAt): missed periods collapse into this one run.
    const nextDueAt = this.next.get(job.name)!(Math.max(now, dueAt));
    await this.options.store.finish({ name: job.name, dueAt, nextDueAt, outcome, ...(error !== undefined && { error }), now });
    this.events.emit('run', { job: job.name, outcome, dueAt, startedAt, finishedAt: now } satisfies ScheduledRun);
  }
}

function nextDueFunction(job: ScheduledJob): (after: number) => number | null {
  if (job.cron !== undefined && job.everyMs !== undefined) {
    throw new Error(`scheduled job "${job.name}": set either cron or everyMs, not both`);
  }
  if (job.everyMs !== undefined) {
    if (!(job.everyMs > 0)) throw new Error(`scheduled job "${job.name}": everyMs must be a positive number of milliseconds`);
    const every = job.everyMs;
    return (after) => (Math.floor(after / every) + 1) * every;
  }
  if (job.cron === undefined) throw new Error(`scheduled job "${job.name}": set cron or everyMs`);
  let cron: Cron;
  try {
    cron = new Cron(job.cron, { paused: true, timezone: job.timezone ?? 'UTC' });
  } catch (error) {
    throw new Error(`scheduled job "${job.name}": invalid cron expression "${job.cron}": ${(error as Error).message}`);
  }
  return (after) => cron.nextRun(new Date(after))?.getTime() ?? null;
}
