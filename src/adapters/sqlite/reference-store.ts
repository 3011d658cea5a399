import type { Database } from 'better-sqlite3';
import { PermanentError } from '../../runtime/errors.ts';
import type {
  CrossReference,
  IdempotencyClaim,
  IdempotencyStore,
  ScheduleState,
  ScheduleStore,
  WatermarkStore,
  XrefStore,
} from '../../ports/storage.ts';
import type { GroupCommitWriter } from './group-commit.ts';
import { prepared } from './statements.ts';

export class SqliteIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly db: Database,
    private readonly writer: GroupCommitWriter,
  ) {}

  claim(options: { scope: string; key: string; fingerprint: string; now: number; leaseMs: number }): Promise<IdempotencyClaim> {
    return this.writer.write((): IdempotencyClaim => {
      const row = prepared(this.db, 'SELECT fingerprint, status, result, lease_until FROM idempotency_keys WHERE scope = ? AND key = ?')
        .get(options.scope, options.key) as
        | { fingerprint: string; status: string; result: string | null; lease_until: number | null }
        | undefined;
      if (row) {
        if (row.fingerprint !== options.fingerprint) return { state: 'mismatch' };
        if (row.status === 'completed') return { state: 'completed', result: row.result === null ? null : JSON.parse(row.result) };
        if (row.lease_until !== null && row.lease_until > options.now) return { state: 'in_progress', expiresAt: row.lease_until };
        // The previous holder crashed: its lease ran out, so this caller takes over.
        prepared(this.db, 'UPDATE idempotency_keys SET lease_until = ? WHERE scope = ? AND key = ?')
          .run(options.now + options.leaseMs, options.scope, options.key);
        return { state: 'new' };
      }
      prepared(this.db, 
          `INSERT INTO idempotency_keys (scope, key, fingerprint, status, lease_until, created_at)
           VALUES (?, ?, ?, 'in_progress', ?, ?)`,
        )
        .run(options.scope, options.key, options.fingerprint, options.now + options.leaseMs, options.now);
      return { state: 'new' };
    });
  }

  complete(options: { scope: string; key: string; result: unknown; now: number }): Promise<void> {
    return this.writer.write(() => {
      prepared(this.db, 
          `UPDATE idempotency_keys SET status = 'completed', result = ?, completed_at = ?, lease_until = NULL
           WHERE scope = ? AND key = ?`,
        )
        .run(JSON.stringify(options.result ?? null), options.now, options.scope, options.key);
    });
  }

  abandon(options: { scope: string; key: string }): Promise<void> {
    return this.writer.write(() => {
      prepared(this.db, `DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND status = 'in_progress'`)
        .run(options.scope, options.key);
    });
  }
}

export class SqliteXrefStore implements XrefStore {
  constructor(
    private readonly db: Database,
    private readonly writer: GroupCommitWriter,
  ) {}

  link(ref: CrossReference, now: number): Promise<void> {
    return this.writer.write(() => {
      const byHub = prepared(this.db, 'SELECT external_id FROM xrefs WHERE entity = ? AND hub_id = ? AND system = ?')
        .get(ref.entity, ref.hubId, ref.system) as { external_id: string } | undefined;
      const byExternal = prepared(this.db, 'SELECT hub_id FROM xrefs WHERE entity = ? AND system = ? AND external_id = ?')
        .get(ref.entity, ref.system, ref.externalId) as { hub_id: string } | undefined;
      if (byHub?.external_id === ref.externalId) return;
      if (byHub || byExternal) {
        throw new PermanentError(
          `${ref.entity} ${ref.hubId} cannot be linked to ${ref.system} id ${ref.externalId}: ` +
            (byHub
              ? `it is already linked to ${ref.system} id ${byHub.external_id}`
              : `that ${ref.system} id already belongs to ${ref.entity} ${byExternal!.hub_id}`),
          { code: 'XREF_CONFLICT', system: ref.system, field: 'externalId' },
        );
      }
      prepared(this.db, 'INSERT INTO xrefs (entity, hub_id, system, external_id, linked_at) VALUES (?, ?, ?, ?, ?)')
        .run(ref.entity, ref.hubId, ref.system, ref.externalId, now);
    });
  }

  async externalId(options: { entity: string; hubId: string; system: string }): Promise<string | undefined> {
    const row = prepared(this.db, 'SELECT external_id FROM xrefs WHERE entity = ? AND hub_id = ? AND system = ?')
      .get(options.entity, options.hubId, options.system) as { external_id: string } | undefined;
    return row?.external_id;
  }

  async hubId(options: { entity: string; system: string; externalId: string }): Promise<string | undefined> {
    const row = prepared(this.db, 'SELECT hub_id FROM xrefs WHERE entity = ? AND system = ? AND external_id = ?')
      .get(options.entity, options.system, options.externalId) as { hub_id: string } | undefined;
    return row?.hub_id;
  }

  async all(options: { entity: string; hubId: string }): Promise<CrossReference[]> {
    return prepared(this.db, 
        `SELECT entity, hub_id AS hubId, system, external_id AS externalId FROM xrefs
         WHERE entity = ? AND hub_id = ? ORDER BY system`,
      )
      .all(options.entity, options.hubId) as CrossReference[];
  }
}

export class SqliteScheduleStore implements ScheduleStore {
  constructor(
    private readonly db: Database,
    private readonly writer: GroupCommitWriter,
  ) {}

  tryAcquire(options: { name: string; dueAt: number; owner: string; now: number; leaseMs: number }): Promise<boolean> {
    return this.writer.write(() => {
      // Nothing is taken while a run is held (no two runs of a job at once). Then a newer due
      // time is free to take; the same one only when its holder's lease ran out before it
      // finished (the holder died mid-run). A finished run has no lease.
      const result = prepared(this.db, 
          `INSERT INTO schedules (name, last_due_at, owner, started_at, lease_until) VALUES (@name, @dueAt, @owner, @now, @leaseUntil)
           ON CONFLICT (name) DO UPDATE SET last_due_at = excluded.last_due_at, owner = excluded.owner,
             started_at = excluded.started_at, lease_until = excluded.lease_until
           WHERE (schedules.lease_until IS NULL OR schedules.lease_until <= @now)
             AND (schedules.last_due_at IS NULL OR schedules.last_due_at < excluded.last_due_at
               OR (schedules.last_due_at = excluded.last_due_at AND schedules.lease_until IS NOT NULL))`,
        )
        .run({ name: options.name, dueAt: options.dueAt, owner: options.owner, now: options.now, leaseUntil: options.now + options.leaseMs });
      return result.changes === 1;
    });
  }

  renew(options: { name: string; dueAt: number; owner: string; leaseUntil: number }): Promise<boolean> {
    return this.writer.write(() => {
      const result = prepared(this.db, 
          `UPDATE schedules SET lease_until = ? WHERE name = ? AND last_due_at = ? AND owner = ? AND lease_until IS NOT NULL`,
        )
        .run(options.leaseUntil, options.name, options.dueAt, options.owner);
      return result.changes === 1;
    });
  }

  finish(options: {
    name: string;
    dueAt: number;
    nextDueAt: number | null;
    outcome: 'ok' | 'failed';
    error?: string;
    now: number;
  }): Promise<void> {
    return this.writer.write(() => {
      prepared(this.db, 
          `UPDATE schedules SET finished_at = ?, last_outcome = ?, last_error = ?, next_due_at = ?, lease_until = NULL
           WHERE name = ? AND last_due_at = ?`,
        )
        .run(options.now, options.outcome, options.error ?? null, options.nextDueAt, options.name, options.dueAt);
    });
  }

  recoverAbandoned(options: { owner: string }): Promise<number> {
    return this.writer.write(() => {
      const result = prepared(this.db, 'UPDATE schedules SET lease_until = 0 WHERE lease_until IS NOT NULL AND owner IS NOT ?').run(options.owner);
      return result.changes;
    });
  }

  async nextDue(name: string): Promise<number | undefined> {
    const row = prepared(this.db, 'SELECT next_due_at FROM schedules WHERE name = ?').get(name) as
      | { next_due_at: number | null }
      | undefined;
    return row?.next_due_at ?? undefined;
  }

  async list(): Promise<ScheduleState[]> {
    return prepared(this.db, 
        `SELECT name, last_due_at AS lastDueAt, last_outcome AS lastOutcome, last_error AS lastError,
           next_due_at AS nextDueAt, owner, started_at AS startedAt, finished_at AS finishedAt,
           lease_until AS leaseUntil FROM schedules ORDER BY name`,
      )
      .all() as ScheduleState[];
  }
}

export class SqliteWatermarkStore implements WatermarkStore {
  constructor(
    private readonly db: Database,
    private readonly writer: GroupCommitWriter,
  ) {}

  async get(name: string): Promise<string | undefined> {
    const row = prepared(this.db, 'SELECT value FROM watermarks WHERE name = ?').get(name) as { value: string } | undefined;
    return row?.value;
  }

  advance(options: { name: string; value: string; expected: string | undefined; now: number }): Promise<boolean> {
    return this.writer.write(() => {
      if (options.expected === undefined) {
        const result = prepared(this.db, 'INSERT INTO watermarks (name, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING')
          .run(options.name, options.value, options.now);
        return result.changes === 1;
      }
      const result = prepared(this.db, 'UPDATE watermarks SET value = ?, updated_at = ? WHERE name = ? AND value = ?')
        .run(options.value, options.now, options.name, options.expected);
      return result.changes === 1;
    });
  }
}
