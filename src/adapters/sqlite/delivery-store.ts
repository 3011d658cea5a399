import type { Database, Statement } from 'better-sqlite3';
import type { SerializedFailure } from '../../runtime/errors.ts';
import type {
  ClaimOptions,
  DeliveryItem,
  DeliveryStats,
  DeliveryStore,
  EnqueueOutcome,
  FlowDeliveryActivity,
  NewDeliveryItem,
} from '../../ports/storage.ts';
import type { GroupCommitWriter } from './group-commit.ts';
import { startsWith } from './prefix.ts';
import { prepared } from './statements.ts';

interface DeliveryRow {
  id: number;
  target: string;
  kind: 'state' | 'command';
  key: string;
  operation: string;
  payload: string;
  idempotency_key: string;
  version: number | null;
  context: string;
  correlation_id: string | null;
  traceparent: string | null;
  status: DeliveryItem['status'];
  attempts: number;
  enqueued_at: number;
  available_at: number;
  last_error: string | null;
  delivered_at: number | null;
  external_id: string | null;
}

export function toDeliveryItem(row: DeliveryRow): DeliveryItem {
  return {
    id: row.id,
    target: row.target,
    kind: row.kind,
    key: row.key,
    operation: row.operation,
    payload: JSON.parse(row.payload) as unknown,
    idempotencyKey: row.idempotency_key,
    version: row.version,
    context: JSON.parse(row.context) as DeliveryItem['context'],
    correlationId: row.correlation_id,
    traceparent: row.traceparent,
    status: row.status,
    attempts: row.attempts,
    enqueuedAt: row.enqueued_at,
    availableAt: row.available_at,
    lastError: row.last_error ? (JSON.parse(row.last_error) as SerializedFailure) : null,
    deliveredAt: row.delivered_at,
    externalId: row.external_id,
  };
}

const UNFINISHED = `status IN ('pending', 'in_flight')`;

/**
 * Per-target delivery queues in one table. Ordering per key comes from the claim rule: only
 * the oldest unfinished item of a key may be claimed, so a key never has two items in flight.
 */
export class SqliteDeliveryStore implements DeliveryStore {
  private readonly byIdempotencyKey: Statement;
  private readonly newestVersion: Statement;
  private readonly saveVersion: Statement;
  private readonly lastUnfinishedOfKey: Statement;
  private readonly coalesce: Statement;
  private readonly insert: Statement;
  private readonly claimable: Statement;
  private readonly oldestReadyOperation: Statement;
  private readonly delivered: Statement;
  private readonly insertCommand: Statement;
  private readonly pendingAgain: Statement;
  private readonly released: Statement;
  private readonly dead: Statement;
  private readonly addDeadLetter: Statement;
  private readonly byId: Statement;

  constructor(
    private readonly db: Database,
    private readonly writer: GroupCommitWriter,
  ) {
    this.byIdempotencyKey = db.prepare('SELECT id FROM delivery WHERE target = ? AND idempotency_key = ?');
    this.newestVersion = db.prepare('SELECT version FROM delivery_versions WHERE target = ? AND key = ?');
    this.saveVersion = db.prepare(
      `INSERT INTO delivery_versions (target, key, version) VALUES (?, ?, ?)
       ON CONFLICT (target, key) DO UPDATE SET version = excluded.version`,
    );
    this.lastUnfinishedOfKey = db.prepare(
      `SELECT id, kind, status FROM delivery WHERE target = ? AND key = ? AND ${UNFINISHED} ORDER BY id DESC LIMIT 1`,
    );
    this.coalesce = db.prepare(
      `UPDATE delivery SET payload = ?, version = ?, idempotency_key = ?, operation = ?, context = ?,
         correlation_id = ?, traceparent = ? WHERE id = ? AND status = 'pending'`,
    );
    this.insert = db.prepare(
      `INSERT INTO delivery (target, kind, key, operation, payload, idempotency_key, version, context,
         correlation_id, traceparent, status, attempts, enqueued_at, available_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)`,
    );
    // The head of each key: ready now, and no older unfinished item of the same key exists.
    // A ready item: due, not held by a live claim, and the oldest unfinished item of its key.
    const ready = `d.target = @target AND d.${UNFINISHED}
         AND (d.status = 'pending' OR d.lease_until < @now)
         AND d.available_at <= @now
         AND NOT EXISTS (
           SELECT 1 FROM delivery e
           WHERE e.target = d.target AND e.key = d.key AND e.id < d.id AND e.${UNFINISHED})`;
    this.oldestReadyOperation = db.prepare(`SELECT d.operation FROM delivery d WHERE ${ready} ORDER BY d.id LIMIT 1`);
    // One request carries one operation (an sObject Collections upsert of one object type, one
    // inventorySetQuantities call), so a claim takes ready items of the oldest ready item's operation.
    this.claimable = db.prepare(
      `UPDATE delivery SET status = 'in_flight', lease_until = @leaseUntil, attempts = attempts + 1
       WHERE id IN (SELECT d.id FROM delivery d WHERE ${ready} AND d.operation = @operation ORDER BY d.id LIMIT @limit)
       RETURNING *`,
    );
    this.delivered = db.prepare(
      `UPDATE delivery SET status = 'delivered', delivered_at = ?, external_id = ?, lease_until = NULL
       WHERE id = ? AND status = 'in_flight'`,
    );
    // Commands are never coalesced: insert first and look for the duplicate only on conflict.
    this.insertCommand = db.prepare(
      `INSERT INTO delivery (target, kind, key, operation, payload, idempotency_key, version, context,
         correlation_id, traceparent, status, attempts, enqueued_at, available_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)
       ON CONFLICT (target, idempotency_key) DO NOTHING RETURNING id`,
    );
    this.pendingAgain = db.prepare(
      `UPDATE delivery SET status = 'pending', available_at = ?, last_error = ?, lease_until = NULL
       WHERE id = ? AND status = 'in_flight'`,
    );
    this.released = db.prepare(
      `UPDATE delivery SET status = 'pending', available_at = ?, lease_until = NULL, attempts = max(attempts - 1, 0)
       WHERE id = ? AND status = 'in_flight'`,
    );
    this.dead = db.prepare(
      `UPDATE delivery SET status = 'dead', last_error = ?, lease_until = NULL WHERE id = ? RETURNING *`,
    );
    this.addDeadLetter = db.prepare(
      `INSERT INTO dead_letters (kind, status, target, key, ref, error, context, correlation_id, created_at, updated_at)
       VALUES ('delivery', 'open', ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.byId = db.prepare('SELECT * FROM delivery WHERE id = ?');
  }

  enqueue(items: readonly NewDeliveryItem[]): Promise<EnqueueOutcome[]> {
    const now = Date.now();
    return this.writer.write(() => items.map((item) => this.enqueueOne(item, now)));
  }

  private enqueueOne(item: NewDeliveryItem, now: number): EnqueueOutcome {
    if (item.kind === 'command') {
      const inserted = this.insertCommand.get(
        item.target,
        item.kind,
        item.key,
        item.operation,
        JSON.stringify(item.payload ?? null),
        item.idempotencyKey,
        item.version ?? null,
        JSON.stringify(item.context ?? {}),
        item.correlationId ?? null,
        item.traceparent ?? null,
        now,
        item.availableAt ?? now,
      ) as { id: number } | undefined;
      if (inserted) return { outcome: 'enqueued', id: inserted.id };
      const existing = this.byIdempotencyKey.get(item.target, item.idempotencyKey) as { id: number };
      return { outcome: 'duplicate', id: existing.id };
    }
    const duplicate = this.byIdempotencyKey.get(item.target, item.idempotencyKey) as { id: number } | undefined;
    if (duplicate) return { outcome: 'duplicate', id: duplicate.id };

    const payload = JSON.stringify(item.payload ?? null);
    const context = JSON.stringify(item.context ?? {});
    const version = item.version ?? null;
    if (item.kind === 'state') {
      if (version !== null) {
        const newest = this.newestVersion.get(item.target, item.key) as { version: number } | undefined;
        // A reasserted version may equal the newest (the same level sent again), never be older.
        if (newest && (item.reassert ? version < newest.version : version <= newest.version)) return { outcome: 'stale' };
        this.saveVersion.run(item.target, item.key, version);
      }
      // Newest wins, but only over the last unfinished item of the key, and only when that item
      // is a state update not yet in flight: coalescing across a command would reorder them.
      const last = this.lastUnfinishedOfKey.get(item.target, item.key) as
        | { id: number; kind: string; status: string }
        | undefined;
      if (last && last.kind === 'state' && last.status === 'pending') {
        this.coalesce.run(
          payload,
          version,
          item.idempotencyKey,
          item.operation,
          context,
          item.correlationId ?? null,
          item.traceparent ?? null,
          last.id,
        );
        return { outcome: 'coalesced', id: last.id };
      }
    }
    const result = this.insert.run(
      item.target,
      item.kind,
      item.key,
      item.operation,
      payload,
      item.idempotencyKey,
      version,
      context,
      item.correlationId ?? null,
      item.traceparent ?? null,
      now,
      item.availableAt ?? now,
    );
    return { outcome: 'enqueued', id: Number(result.lastInsertRowid) };
  }

  claim(target: string, options: ClaimOptions): Promise<DeliveryItem[]> {
    return this.writer.write(() => {
      const oldest = this.oldestReadyOperation.get({ target, now: options.now }) as { operation: string } | undefined;
      if (!oldest) return [];
      const rows = this.claimable.all({
        target,
        now: options.now,
        limit: options.limitByOperation?.[oldest.operation] ?? options.limit,
        leaseUntil: options.now + options.leaseMs,
        operation: oldest.operation,
      }) as DeliveryRow[];
      // RETURNING yields rows in no promised order; claims are handed out oldest first.
      return rows.sort((a, b) => a.id - b.id).map(toDeliveryItem);
    });
  }

  markDelivered(results: readonly { id: number; externalId?: string | undefined }[], now: number): Promise<void> {
    return this.writer.write(() => {
      for (const result of results) this.delivered.run(now, result.externalId ?? null, result.id);
    });
  }

  retryLater(ids: readonly number[], options: { availableAt: number; error: SerializedFailure }): Promise<void> {
    const error = JSON.stringify(options.error);
    return this.writer.write(() => {
      for (const id of ids) this.pendingAgain.run(options.availableAt, error, id);
    });
  }

  release(ids: readonly number[], availableAt: number): Promise<void> {
    return this.writer.write(() => {
      for (const id of ids) this.released.run(availableAt, id);
    });
  }

  deadLetter(id: number, options: { error: SerializedFailure; now: number }): Promise<number> {
    const error = JSON.stringify(options.error);
    return this.writer.write(() => {
      const row = this.dead.get(error, id) as DeliveryRow | undefined;
      if (!row) throw new Error(`delivery item ${id} does not exist`);
      const result = this.addDeadLetter.run(
        row.target,
        row.key,
        String(row.id),
        error,
        row.context,
        row.correlation_id,
        options.now,
        options.now,
      );
      return Number(result.lastInsertRowid);
    });
  }

  recover(target: string, now: number): Promise<number> {
    return this.writer.write(() => {
      const result = prepared(this.db, 
          `UPDATE delivery SET status = 'pending', lease_until = NULL, available_at = min(available_at, ?)
           WHERE target = ? AND status = 'in_flight'`,
        )
        .run(now, target);
      return result.changes;
    });
  }

  async get(id: number): Promise<DeliveryItem | undefined> {
    const row = this.byId.get(id) as DeliveryRow | undefined;
    return row && toDeliveryItem(row);
  }

  async stats(target?: string): Promise<DeliveryStats[]> {
    // Each figure from its own partial index, so a week of delivered history costs an index
    // count, not a table scan.
    const only = target ? 'AND target = ?' : '';
    const params = target ? [target] : [];
    const byTarget = new Map<string, DeliveryStats>();
    const entry = (name: string) => {
      let stats = byTarget.get(name);
      if (!stats) byTarget.set(name, (stats = { target: name, pending: 0, inFlight: 0, delivered: 0, dead: 0, oldestPendingAt: null }));
      return stats;
    };
    const unfinished = prepared(this.db, 
        `SELECT target, sum(status = 'pending') AS pending, sum(status = 'in_flight') AS inFlight,
           min(CASE WHEN status = 'pending' THEN enqueued_at END) AS oldestPendingAt
         FROM delivery WHERE ${UNFINISHED} ${only} GROUP BY target`,
      )
      .all(...params) as { target: string; pending: number; inFlight: number; oldestPendingAt: number | null }[];
    for (const row of unfinished) Object.assign(entry(row.target), row);
    for (const status of ['delivered', 'dead'] as const) {
      const rows = prepared(this.db, `SELECT target, count(*) AS n FROM delivery WHERE status = '${status}' ${only} GROUP BY target`)
        .all(...params) as { target: string; n: number }[];
      for (const row of rows) entry(row.target)[status] = row.n;
    }
    return [...byTarget.values()].sort((a, b) => a.target.localeCompare(b.target));
  }

  async find(query: { key?: string; keyPrefix?: string; correlationId?: string; limit?: number }): Promise<DeliveryItem[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.key !== undefined) {
      where.push('key = ?');
      params.push(query.key);
    }
    if (query.keyPrefix !== undefined) {
      const range = startsWith('key', query.keyPrefix);
      where.push(range.sql);
      params.push(...range.params);
    }
    if (query.correlationId !== undefined) {
      where.push('correlation_id = ?');
      params.push(query.correlationId);
    }
    if (where.length === 0) return [];
    params.push(query.limit ?? 1000);
    const rows = prepared(this.db, `SELECT * FROM delivery WHERE ${where.join(' AND ')} ORDER BY id LIMIT ?`)
      .all(...params) as DeliveryRow[];
    return rows.map(toDeliveryItem);
  }

  async nextAvailableAt(target: string): Promise<number | undefined> {
    const row = prepared(this.db, 
        `SELECT min(CASE WHEN status = 'pending' THEN available_at ELSE lease_until END) AS at
         FROM delivery WHERE target = ? AND ${UNFINISHED}`,
      )
      .get(target) as { at: number | null };
    return row.at ?? undefined;
  }

  async unfinishedOlderThan(query: { operations?: readonly string[]; enqueuedBefore: number; limit: number }): Promise<DeliveryItem[]> {
    if (query.operations?.length === 0 || query.limit <= 0) return [];
    const operations = query.operations ?? [];
    const byOperation = query.operations ? `AND operation IN (${operations.map(() => '?').join(', ')})` : '';
    const rows = prepared(this.db,
        `SELECT * FROM delivery WHERE ${UNFINISHED} ${byOperation} AND enqueued_at < ?
         ORDER BY enqueued_at, id LIMIT ?`,
      )
      .all(...operations, query.enqueuedBefore, query.limit) as DeliveryRow[];
    return rows.map(toDeliveryItem);
  }

  async flowActivity(): Promise<FlowDeliveryActivity[]> {
    const byFlow = new Map<string, FlowDeliveryActivity>();
    // Delivered history: a skip scan over the (flow, delivered_at) index of delivered items, one
    // seek per flow for its newest delivery, so a week of history is never read.
    const nextFlow = prepared(this.db, `SELECT flow FROM delivery WHERE status = 'delivered' AND flow > ? ORDER BY flow LIMIT 1`);
    const newest = prepared(
      this.db,
      `SELECT delivered_at AS deliveredAt, enqueued_at AS enqueuedAt FROM delivery
       WHERE status = 'delivered' AND flow = ? ORDER BY delivered_at DESC LIMIT 1`,
    );
    for (let row = nextFlow.get('') as { flow: string } | undefined; row; row = nextFlow.get(row.flow) as { flow: string } | undefined) {
      const last = newest.get(row.flow) as { deliveredAt: number; enqueuedAt: number };
      byFlow.set(row.flow, { flow: row.flow, lastEnqueuedAt: last.enqueuedAt, lastDeliveredAt: last.deliveredAt });
    }
    // Unfinished items: the queues' own partial index, as `stats` reads them.
    const unfinished = prepared(
      this.db,
      `SELECT flow, max(enqueued_at) AS enqueuedAt FROM delivery WHERE ${UNFINISHED} AND flow IS NOT NULL GROUP BY flow`,
    ).all() as { flow: string; enqueuedAt: number }[];
    for (const row of unfinished) {
      const known = byFlow.get(row.flow);
      if (known) known.lastEnqueuedAt = Math.max(known.lastEnqueuedAt, row.enqueuedAt);
      else byFlow.set(row.flow, { flow: row.flow, lastEnqueuedAt: row.enqueuedAt, lastDeliveredAt: null });
    }
    return [...byFlow.values()].sort((a, b) => a.flow.localeCompare(b.flow));
  }

  prune(before: number): Promise<number> {
    return this.writer.write(() => {
      const result = prepared(this.db, `DELETE FROM delivery WHERE status = 'delivered' AND delivered_at < ?`)
        .run(before);
      return result.changes;
    });
  }
}
