import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrations } from './schema.ts';

export type SqliteDurability = 'process' | 'power';

export interface SqliteDatabaseOptions {
  /** File path, or `:memory:` for tests. */
  path: string;
  /**
   * `process` (default): WAL with synchronous=NORMAL. A committed transaction survives a crash
   * of the hub process (SIGKILL, OOM); a power loss may lose the last moments.
   * `power`: synchronous=FULL, every commit is fsynced; several times slower on most disks.
   * See https://www.sqlite.org/pragma.html#pragma_synchronous
   */
  durability?: SqliteDurability;
}

/** The pragmas the hub runs with; the benchmark applies the very same ones to its raw baseline. */
export function applyPragmas(db: Database.Database, durability: SqliteDurability = 'process'): void {
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${durability === 'power' ? 'FULL' : 'NORMAL'}`);
  // Another process (the CLI acting on dead letters) may hold the write lock briefly.
  db.pragma('busy_timeout = 5000');
  db.pragma('temp_store = MEMORY');
  // 64 MiB of page cache: the hot B-tree pages of the queues stay in memory between commits.
  db.pragma('cache_size = -65536');
  db.pragma('wal_autocheckpoint = 10000');
}

export function openDatabase(options: SqliteDatabaseOptions): Database.Database {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path);
  applyPragmas(db, options.durability);
  migrate(db);
  return db;
}

function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let index = current; index < migrations.length; index++) {
    db.transaction(() => {
      db.exec(migrations[index]!);
      db.pragma(`user_version = ${index + 1}`);
    })();
  }
}
