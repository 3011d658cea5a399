import type { Bus } from '../../ports/bus.ts';
import type { Storage } from '../../ports/storage.ts';
import { SqliteBus } from './bus.ts';
import { openDatabase, type SqliteDatabaseOptions } from './database.ts';
import { SqliteDeliveryStore } from './delivery-store.ts';
import { SqliteFlowStore, SqliteTimerStore } from './flow-store.ts';
import { GroupCommitWriter } from './group-commit.ts';
import { SqliteAuditStore, SqliteDeadLetterStore } from './operations-store.ts';
import { SqliteRecordStore } from './record-store.ts';
import { SqliteIdempotencyStore, SqliteScheduleStore, SqliteWatermarkStore, SqliteXrefStore } from './reference-store.ts';

export { applyPragmas, type SqliteDatabaseOptions, type SqliteDurability } from './database.ts';

export interface EmbeddedAdapters {
  bus: Bus;
  storage: Storage;
  close(): Promise<void>;
}

/**
 * Opens the embedded adapters: the Bus and the Storage ports on one SQLite database file.
 *
 * @example
 * const { bus, storage, close } = await openSqlite({ path: '.data/crossdock.sqlite' });
 * await bus.publish([event]);
 * await close();
 */
export async function openSqlite(options: SqliteDatabaseOptions): Promise<EmbeddedAdapters> {
  const db = openDatabase(options);
  const writer = new GroupCommitWriter(db);
  const bus = new SqliteBus(db, writer);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await bus.close();
    writer.flush();
    db.close();
  };
  const storage: Storage = {
    delivery: new SqliteDeliveryStore(db, writer),
    deadLetters: new SqliteDeadLetterStore(db, writer),
    flows: new SqliteFlowStore(db, writer),
    timers: new SqliteTimerStore(db, writer),
    idempotency: new SqliteIdempotencyStore(db, writer),
    xrefs: new SqliteXrefStore(db, writer),
    schedules: new SqliteScheduleStore(db, writer),
    audit: new SqliteAuditStore(db, writer),
    watermarks: new SqliteWatermarkStore(db, writer),
    records: new SqliteRecordStore(db, writer),
    close,
  };
  return { bus, storage, close };
}
