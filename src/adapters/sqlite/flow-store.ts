import type { Database, Statement } from 'better-sqlite3';
import type { SerializedFailure } from '../../runtime/errors.ts';
import {
  FlowVersionConflict,
  type ClaimOptions,
  type FlowInstance,
  type FlowStatus,
  type FlowStore,
  type JournalEntry,
  type NewFlowInstance,
  type Timer,
  type TimerStore,
  type WaitCondition,
} from '../../ports/storage.ts';
import type { GroupCommitWriter } from './group-commit.ts';
import { startsWith } from './prefix.ts';
import { prepared } from './statements.ts';

interface FlowRow {
  id: string;
  flow: string;
  key: string;
  status: FlowStatus;
  input: string;
  waiting: string | null;
  correlation_id: string | null;
  traceparent: string | null;
  error: string | null;
  journal: string;
  created_at: number;
  updated_at: number;
  version: number;
}

export class SqliteFlowStore implements FlowStore {
  private readonly insert: Statement;
  private readonly byId: Statement;
  private readonly addJournal: Statement;

  constructor(
    private readonly db: Database,
    private readonly writer: GroupCommitWriter,
  ) {
    this.insert = db.prepare(
      `INSERT INTO flows (id, flow, key, status, input, waiting, wait_type, wait_key, correlation_id, traceparent,
         error, journal, created_at, updated_at, version)
       VALUES (@id, @flow, @key, @status, @input, @waiting, @waitType, @waitKey, @correlationId, @traceparent,
         @error, @journal, @createdAt, @createdAt, 1)
       ON CONFLICT (id) DO NOTHING`,
    );
    this.byId = db.prepare('SELECT * FROM flows WHERE id = ?');
    this.addJournal = db.prepare(
      `UPDATE flows SET journal = json_insert(journal, '$[#]', json(?)), version = version + 1, updated_at = ?
       WHERE id = ? AND version = ?`,
    );
  }

  create(instance: NewFlowInstance): Promise<boolean> {
    const row = {
      id: instance.id,
      flow: instance.flow,
      key: instance.key,
      status: instance.status ?? 'running',
      input: JSON.stringify(instance.input ?? null),
      waiting: instance.waiting ? JSON.stringify(instance.waiting) : null,
      waitType: instance.waiting?.eventType ?? null,
      waitKey: instance.waiting?.key ?? null,
      correlationId: instance.correlationId,
      traceparent: instance.traceparent,
      error: instance.error ? JSON.stringify(instance.error) : null,
      journal: JSON.stringify(instance.journal ?? []),
      createdAt: instance.createdAt,
    };
    return this.writer.write(() => this.insert.run(row).changes === 1);
  }

  async get(id: string): Promise<FlowInstance | undefined> {
    const row = this.byId.get(id) as FlowRow | undefined;
    return row && this.toInstance(row);
  }

  appendJournal(id: string, entry: JournalEntry, version: number): Promise<number> {
    return this.writer.write(() => {
      const changed = this.addJournal.run(JSON.stringify(entry), entry.at, id, version).changes;
      if (changed !== 1) throw new FlowVersionConflict(id, version);
      return version + 1;
    });
  }

  update(
    id: string,
    patch: Partial<Pick<FlowInstance, 'status' | 'waiting' | 'error' | 'input'>>,
    version: number,
    now: number,
  ): Promise<number> {
    const sets: string[] = ['version = version + 1', 'updated_at = @now'];
    const params: Record<string, unknown> = { id, version, now };
    if (patch.status !== undefined) {
      sets.push('status = @status');
      params.status = patch.status;
    }
    if (patch.waiting !== undefined) {
      sets.push('waiting = @waiting, wait_type = @waitType, wait_key = @waitKey');
      params.waiting = patch.waiting ? JSON.stringify(patch.waiting) : null;
      params.waitType = patch.waiting?.eventType ?? null;
      params.waitKey = patch.waiting?.key ?? null;
    }
    if (patch.error !== undefined) {
      sets.push('error = @error');
      params.error = patch.error ? JSON.stringify(patch.error) : null;
    }
    if (patch.input !== undefined) {
      sets.push('input = @input');
      params.input = JSON.stringify(patch.input);
    }
    const statement = prepared(this.db, `UPDATE flows SET ${sets.join(', ')} WHERE id = @id AND version = @version`);
    return this.writer.write(() => {
      if (statement.run(params).changes !== 1) throw new FlowVersionConflict(id, version);
      return version + 1;
    });
  }

  async findWaiting(eventType: string, keys: readonly string[]): Promise<FlowInstance[]> {
    const found: FlowInstance[] = [];
    // Bound the statement's parameter count; each chunk is one indexed lookup per key.
    for (let from = 0; from < keys.length; from += 200) {
      const chunk = keys.slice(from, from + 200);
      const rows = prepared(this.db, 
        `SELECT * FROM flows WHERE status = 'waiting' AND wait_type = ? AND wait_key IN (${chunk.map(() => '?').join(', ')})`,
      ).all(eventType, ...chunk) as FlowRow[];
      for (const row of rows) found.push(this.toInstance(row));
    }
    return found;
  }

  async list(query: Parameters<FlowStore['list']>[0]): Promise<FlowInstance[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    for (const [column, value] of [
      ['status', query.status],
      ['flow', query.flow],
      ['key', query.key],
      ['correlation_id', query.correlationId],
    ] as const) {
      if (value !== undefined) {
        where.push(`${column} = ?`);
        params.push(value);
      }
    }
    if (query.keyPrefix !== undefined) {
      const range = startsWith('key', query.keyPrefix);
      where.push(range.sql);
      params.push(...range.params);
    }
    params.push(query.limit ?? 100);
    const rows = prepared(this.db, `SELECT * FROM flows ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at LIMIT ?`)
      .all(...params) as FlowRow[];
    return rows.map((row) => this.toInstance(row));
  }

  async count(query: { status: FlowStatus; flow?: string }): Promise<number> {
    const row = (
      query.flow === undefined
        ? prepared(this.db, 'SELECT count(*) AS n FROM flows WHERE status = ?').get(query.status)
        : prepared(this.db, 'SELECT count(*) AS n FROM flows WHERE status = ? AND flow = ?').get(query.status, query.flow)
    ) as { n: number };
    return row.n;
  }

  async lastUpdates(): Promise<{ flow: string; updatedAt: number }[]> {
    // A skip scan over the (flow, updated_at) index: one seek per flow name, however many
    // instances each flow has kept.
    const nextFlow = prepared(this.db, 'SELECT flow FROM flows WHERE flow > ? ORDER BY flow LIMIT 1');
    const newest = prepared(this.db, 'SELECT max(updated_at) AS updatedAt FROM flows WHERE flow = ?');
    const found: { flow: string; updatedAt: number }[] = [];
    for (let row = nextFlow.get('') as { flow: string } | undefined; row; row = nextFlow.get(row.flow) as { flow: string } | undefined) {
      found.push({ flow: row.flow, updatedAt: (newest.get(row.flow) as { updatedAt: number }).updatedAt });
    }
    return found;
  }

  async unfinished(limit: number): Promise<FlowInstance[]> {
    const rows = prepared(this.db, `SELECT * FROM flows WHERE status = 'running' ORDER BY updated_at LIMIT ?`).all(limit) as FlowRow[];
    return rows.map((row) => this.toInstance(row));
  }

  private toInstance(row: FlowRow): FlowInstance {
    const journal = JSON.parse(row.journal) as JournalEntry[];
    return {
      id: row.id,
      flow: row.flow,
      key: row.key,
      status: row.status,
      input: JSON.parse(row.input) as unknown,
      journal,
      waiting: row.waiting ? (JSON.parse(row.waiting) as WaitCondition) : null,
      correlationId: row.correlation_id,
      traceparent: row.traceparent,
      error: row.error ? (JSON.parse(row.error) as SerializedFailure) : null,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      version: row.version,
    };
  }
}

export class SqliteTimerStore implements TimerStore {
  constructor(
    private readonly db: Database,
    private readonly writer: GroupCommitWriter,
  ) {}

  arm(timer: Timer): Promise<void> {
    return this.writer.write(() => {
      prepared(this.db, 
          `INSERT INTO timers (id, flow_id, step, fire_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET fire_at = excluded.fire_at, step = excluded.step, lease_until = NULL`,
        )
        .run(timer.id, timer.flowId, timer.step, timer.fireAt);
    });
  }

  cancel(id: string): Promise<void> {
    return this.writer.write(() => {
      prepared(this.db, 'DELETE FROM timers WHERE id = ?').run(id);
    });
  }

  claimDue(options: ClaimOptions): Promise<Timer[]> {
    return this.writer.write(() => {
      const rows = prepared(this.db, 
          `SELECT id, flow_id AS flowId, step, fire_at AS fireAt FROM timers
           WHERE fire_at <= ? AND (lease_until IS NULL OR lease_until < ?) ORDER BY fire_at LIMIT ?`,
        )
        .all(options.now, options.now, options.limit) as Timer[];
      const lease = prepared(this.db, 'UPDATE timers SET lease_until = ? WHERE id = ?');
      for (const row of rows) lease.run(options.now + options.leaseMs, row.id);
      return rows;
    });
  }

  recover(): Promise<number> {
    return this.writer.write(() => prepared(this.db, 'UPDATE timers SET lease_until = NULL WHERE lease_until IS NOT NULL').run().changes);
  }

  done(id: string): Promise<void> {
    return this.cancel(id);
  }

  async upcoming(limit: number): Promise<(Timer & { leaseUntil: number | null })[]> {
    return prepared(this.db, 'SELECT id, flow_id AS flowId, step, fire_at AS fireAt, lease_until AS leaseUntil FROM timers ORDER BY fire_at, id LIMIT ?').all(limit) as (Timer & {
      leaseUntil: number | null;
    })[];
  }

  async nextFireAt(): Promise<number | undefined> {
    const row = prepared(this.db, 'SELECT min(fire_at) AS at FROM timers').get() as { at: number | null };
    return row.at ?? undefined;
  }
}
