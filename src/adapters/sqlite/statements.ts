import type { Database, Statement } from 'better-sqlite3';

const caches = new WeakMap<Database, Map<string, Statement>>();

/**
 * The prepared statement for `sql` on `db`, prepared once and reused: preparing parses and plans
 * the SQL, which costs more than running most of these statements. Queries built from optional
 * filters have a handful of shapes, so the cache stays small.
 */
export function prepared(db: Database, sql: string): Statement {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    cache.set(sql, statement);
  }
  return statement;
}
