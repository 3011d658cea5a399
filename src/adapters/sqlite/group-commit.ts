import type { Database } from 'better-sqlite3';

interface PendingWrite {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: every write requested during one turn of the event loop is committed in a
 * single SQLite transaction, and each caller's promise resolves only after that commit.
 *
 * Why: a commit costs far more than a row. Flows, consumers and dispatchers each write a few
 * rows per event; batching their writes into one transaction is what lets the embedded hub
 * keep up with tens of thousands of events per second while still never acknowledging
 * anything before it is durable. Each write runs in its own savepoint, so one failing write
 * (a constraint violation, a version conflict) rejects only its own caller.
 */
export class GroupCommitWriter {
  private queue: PendingWrite[] = [];
  private flushScheduled = false;
  private readonly commitAll: (writes: PendingWrite[]) => { ok: boolean; value: unknown }[];
  private readonly inSavepoint: (run: () => unknown) => unknown;
  private readonly commitFast: (writes: PendingWrite[]) => unknown[];

  constructor(private readonly db: Database) {
    // Nested better-sqlite3 transactions become savepoints inside the outer transaction.
    this.inSavepoint = db.transaction((run: () => unknown) => run());
    // Fast path: no savepoint per write (they cost as much as the writes themselves). If any
    // write throws, the whole group is rolled back and replayed write by write in savepoints.
    this.commitFast = db.transaction((writes: PendingWrite[]) => writes.map((write) => write.run()));
    this.commitAll = db.transaction((writes: PendingWrite[]) =>
      writes.map((write) => {
        try {
          return { ok: true, value: this.inSavepoint(write.run) };
        } catch (error) {
          return { ok: false, value: error };
        }
      }),
    );
  }

  write<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve: resolve as (value: unknown) => void, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything queued so far; used by `write` and on close. */
  flush(): void {
    this.flushScheduled = false;
    const writes = this.queue;
    this.queue = [];
    if (writes.length === 0) return;
    try {
      const values = this.commitFast(writes);
      writes.forEach((write, index) => write.resolve(values[index]));
      return;
    } catch {
      // One of the writes failed: fall through to the isolated path below.
    }
    let outcomes: { ok: boolean; value: unknown }[];
    try {
      outcomes = this.commitAll(writes);
    } catch (error) {
      // The commit itself failed (disk full, database closed): nothing in the group is durable.
      for (const write of writes) write.reject(error);
      return;
    }
    outcomes.forEach((outcome, index) => {
      const write = writes[index]!;
      if (outcome.ok) write.resolve(outcome.value);
      else write.reject(outcome.value);
    });
  }
}
