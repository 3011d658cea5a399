import type { Database, Statement } from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import type { CloudEvent } from '../../canonical/cloudevent.ts';
import type { Bus, ConsumeOptions, EventQuery, LoggedEvent, PublishResult, Subscription } from '../../ports/bus.ts';
import type { GroupCommitWriter } from './group-commit.ts';
import { startsWith } from './prefix.ts';
import { prepared } from './statements.ts';

interface EventRow {
  seq: number;
  body: string;
  logged_at: number;
}

/** How long an idle consumer waits before looking again when nobody in-process wakes it. */
const IDLE_POLL_MS = 250;
const MAX_RETRY_DELAY_MS = 5_000;

/**
 * The embedded event log: an append-only SQLite table and one offset row per consumer.
 * Consumers in this process are woken the moment something is appended; consumers in another
 * process (or after a missed wake-up) find new events by polling.
 */
export class SqliteBus implements Bus {
  private readonly appended = new EventEmitter();
  private readonly insert: Statement;
  private readonly existing: Statement;
  private readonly readAfter: Statement;
  private readonly offsetOf: Statement;
  private readonly saveOffset: Statement;
  private readonly subscriptions = new Set<SqliteSubscription>();

  constructor(
    private readonly db: Database,
    private readonly writer: GroupCommitWriter,
    private readonly clock: () => number = Date.now,
  ) {
    this.appended.setMaxListeners(0);
    this.insert = db.prepare(
      `INSERT INTO events (source, id, type, subject, correlation_id, logged_at, body)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, id) DO NOTHING RETURNING seq`,
    );
    this.existing = db.prepare('SELECT seq FROM events WHERE source = ? AND id = ?');
    this.readAfter = db.prepare('SELECT seq, body, logged_at FROM events WHERE seq > ? ORDER BY seq LIMIT ?');
    this.offsetOf = db.prepare('SELECT seq FROM consumer_offsets WHERE name = ?');
    this.saveOffset = db.prepare(
      `INSERT INTO consumer_offsets (name, seq, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at
       WHERE excluded.seq > consumer_offsets.seq`,
    );
  }

  async publish(events: readonly CloudEvent[]): Promise<PublishResult[]> {
    if (events.length === 0) return [];
    const now = this.clock();
    const results = await this.writer.write(() =>
      events.map((event): PublishResult => {
        const inserted = this.insert.get(
          event.source,
          event.id,
          event.type,
          event.subject ?? null,
          typeof event.correlationid === 'string' ? event.correlationid : null,
          now,
          JSON.stringify(event),
        ) as { seq: number } | undefined;
        if (inserted) return { seq: inserted.seq, duplicate: false };
        const found = this.existing.get(event.source, event.id) as { seq: number };
        return { seq: found.seq, duplicate: true };
      }),
    );
    if (results.some((result) => !result.duplicate)) this.appended.emit('appended');
    return results;
  }

  consume(options: ConsumeOptions): Subscription {
    const subscription = new SqliteSubscription(this, options);
    this.subscriptions.add(subscription);
    subscription.start();
    return {
      stop: async () => {
        await subscription.stop();
        this.subscriptions.delete(subscription);
      },
    };
  }

  async head(): Promise<number> {
    const row = prepared(this.db, 'SELECT max(seq) AS seq FROM events').get() as { seq: number | null };
    return row.seq ?? 0;
  }

  async position(consumer: string): Promise<number> {
    const row = this.offsetOf.get(consumer) as { seq: number } | undefined;
    return row?.seq ?? 0;
  }

  async find(query: EventQuery): Promise<LoggedEvent[]> {
    const where: string[] = ['seq > ?'];
    const params: unknown[] = [query.afterSeq ?? 0];
    if (query.subject !== undefined) {
      where.push('subject = ?');
      params.push(query.subject);
    }
    if (query.subjectPrefix !== undefined) {
      const range = startsWith('subject', query.subjectPrefix);
      where.push(range.sql);
      params.push(...range.params);
    }
    if (query.correlationId !== undefined) {
      where.push('correlation_id = ?');
      params.push(query.correlationId);
    }
    if (query.type !== undefined) {
      where.push('type = ?');
      params.push(query.type);
    }
    params.push(query.limit ?? 1000);
    const rows = prepared(this.db, `SELECT seq, body, logged_at FROM events WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`)
      .all(...params) as EventRow[];
    return rows.map(toLoggedEvent);
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    this.subscriptions.clear();
  }

  /** @internal used by subscriptions */
  readBatch(afterSeq: number, limit: number): LoggedEvent[] {
    return (this.readAfter.all(afterSeq, limit) as EventRow[]).map(toLoggedEvent);
  }

  /** @internal */
  commitOffset(consumer: string, seq: number): Promise<void> {
    return this.writer.write(() => {
      this.saveOffset.run(consumer, seq, this.clock());
    });
  }

  /** @internal resolves when something is appended or after `ms`. */
  waitForAppend(ms: number, stopped: Promise<void>): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.appended.off('appended', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.appended.once('appended', done);
      void stopped.then(done);
    });
  }
}

function toLoggedEvent(row: EventRow): LoggedEvent {
  return { seq: row.seq, event: JSON.parse(row.body) as CloudEvent, loggedAt: row.logged_at };
}

class SqliteSubscription {
  private running = false;
  private loop: Promise<void> | undefined;
  private signalStop!: () => void;
  private readonly stopped = new Promise<void>((resolve) => (this.signalStop = resolve));
  private readonly types: Set<string> | undefined;

  constructor(
    private readonly bus: SqliteBus,
    private readonly options: ConsumeOptions,
  ) {
    this.types = options.types ? new Set(options.types) : undefined;
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.signalStop();
    await this.loop;
  }

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    let position = await this.bus.position(this.options.name);
    let failures = 0;
    while (this.running) {
      const read = this.bus.readBatch(position, batchSize);
      if (read.length === 0) {
        await this.bus.waitForAppend(IDLE_POLL_MS, this.stopped);
        continue;
      }
      const batch = this.types ? read.filter((entry) => this.types!.has(entry.event.type)) : read;
      try {
        if (batch.length > 0) await this.options.handle(batch);
        const last = read[read.length - 1]!.seq;
        await this.bus.commitOffset(this.options.name, last);
        position = last;
        failures = 0;
      } catch (error) {
        // At-least-once: the same batch is handed over again after a pause.
        this.options.onError?.(error, batch);
        failures++;
        const delay = Math.min(MAX_RETRY_DELAY_MS, 50 * 2 ** failures);
        await Promise.race([new Promise((resolve) => setTimeout(resolve, delay)), this.stopped]);
      }
    }
  }
}
