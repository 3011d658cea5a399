import type { Database } from 'better-sqlite3';
import type { RecordStore, StoredRecord } from '../../ports/storage.ts';
import type { GroupCommitWriter } from './group-commit.ts';
import { prepared } from './statements.ts';

interface RecordRow {
  entity: string;
  key: string;
  version: number;
  data: string;
  updated_at: number;
}

/** Read models on SQLite: one row per record, its match keys in a side table. */
export class SqliteRecordStore implements RecordStore {
  constructor(
    private readonly db: Database,
    private readonly writer: GroupCommitWriter,
  ) {}

  put(record: { entity: string; key: string; data: unknown; version: number; matchKeys?: readonly string[] }, now: number): Promise<boolean> {
    const data = JSON.stringify(record.data ?? null);
    return this.writer.write(() => {
      const written = prepared(
        this.db,
        `INSERT INTO records (entity, key, version, data, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (entity, key) DO UPDATE SET version = excluded.version, data = excluded.data, updated_at = excluded.updated_at
         WHERE excluded.version > records.version`,
      ).run(record.entity, record.key, record.version, data, now).changes;
      if (written === 0) return false;
      prepared(this.db, 'DELETE FROM record_match_keys WHERE entity = ? AND key = ?').run(record.entity, record.key);
      const insert = prepared(this.db, 'INSERT OR IGNORE INTO record_match_keys (entity, match_key, key) VALUES (?, ?, ?)');
      for (const matchKey of record.matchKeys ?? []) insert.run(record.entity, matchKey, record.key);
      return true;
    });
  }

  async get<T = unknown>(entity: string, key: string): Promise<StoredRecord<T> | undefined> {
    const row = prepared(this.db, 'SELECT * FROM records WHERE entity = ? AND key = ?').get(entity, key) as RecordRow | undefined;
    return row && this.toRecord<T>(row);
  }

  async getMany<T = unknown>(entity: string, keys: readonly string[]): Promise<StoredRecord<T>[]> {
    const rows: StoredRecord<T>[] = [];
    const select = prepared(this.db, 'SELECT * FROM records WHERE entity = ? AND key = ?');
    for (const key of new Set(keys)) {
      const row = select.get(entity, key) as RecordRow | undefined;
      if (row) rows.push(this.toRecord<T>(row));
    }
    return rows;
  }

  async match<T = unknown>(entity: string, matchKeys: readonly string[]): Promise<StoredRecord<T>[]> {
    if (matchKeys.length === 0) return [];
    const found = new Set<string>();
    const select = prepared(this.db, 'SELECT key FROM record_match_keys WHERE entity = ? AND match_key = ?');
    for (const matchKey of matchKeys) for (const row of select.all(entity, matchKey) as { key: string }[]) found.add(row.key);
    return (await this.getMany<T>(entity, [...found])).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async list<T = unknown>(entity: string, options: { afterKey?: string; limit: number }): Promise<StoredRecord<T>[]> {
    const rows = prepared(this.db, 'SELECT * FROM records WHERE entity = ? AND key > ? ORDER BY key LIMIT ?').all(
      entity,
      options.afterKey ?? '',
      options.limit,
    ) as RecordRow[];
    return rows.map((row) => this.toRecord<T>(row));
  }

  remove(entity: string, key: string): Promise<boolean> {
    return this.writer.write(() => {
      prepared(this.db, 'DELETE FROM record_match_keys WHERE entity = ? AND key = ?').run(entity, key);
      return prepared(this.db, 'DELETE FROM records WHERE entity = ? AND key = ?').run(entity, key).changes > 0;
    });
  }

  async count(entity: string): Promise<number> {
    return (prepared(this.db, 'SELECT count(*) AS n FROM records WHERE entity = ?').get(entity) as { n: number }).n;
  }

  private toRecord<T>(row: RecordRow): StoredRecord<T> {
    const matchKeys = (prepared(this.db, 'SELECT match_key FROM record_match_keys WHERE entity = ? AND key = ? ORDER BY match_key').all(row.entity, row.key) as { match_key: string }[]).map(
      (match) => match.match_key,
    );
    return { entity: row.entity, key: row.key, version: row.version, data: JSON.parse(row.data) as T, matchKeys, updatedAt: row.updated_at };
  }
}
