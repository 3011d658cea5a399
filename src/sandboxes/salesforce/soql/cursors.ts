import type { IdFactory } from '../ids.ts';

/**
 * Server-side query cursors behind `nextRecordsUrl`. The locator is `<cursor id>-<offset>`, e.g.
 * `01gD0000002HU6KIAW-2000`. As on the platform a user keeps at most 10 open cursors (opening an
 * 11th drops the oldest) and a cursor expires after 15 minutes without use; a dropped or expired
 * locator answers INVALID_QUERY_LOCATOR.
 * https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_api.htm
 */
export const MAX_OPEN_CURSORS_PER_USER = 10;
export const CURSOR_IDLE_TIMEOUT_MS = 15 * 60_000;

interface Cursor<T> {
  id: string;
  userId: string;
  rows: T[];
  batchSize: number;
  lastUsed: number;
}

export interface Page<T> {
  rows: T[];
  /** Rows of the whole result. */
  totalSize: number;
  /** Locator of the next page, absent on the last page. */
  nextLocator?: string;
}

export class QueryCursors<T> {
  readonly #cursors = new Map<string, Cursor<T>>();
  readonly #ids: IdFactory;

  constructor(ids: IdFactory) {
    this.#ids = ids;
  }

  /** First page of a result; keeps a cursor only when more pages follow. */
  open(args: { userId: string; rows: T[]; batchSize: number; now: number }): Page<T> {
    const { userId, rows, batchSize, now } = args;
    if (rows.length <= batchSize) return { rows, totalSize: rows.length };
    const cursor: Cursor<T> = { id: this.#ids.next('01g'), userId, rows, batchSize, lastUsed: now };
    const own = [...this.#cursors.values()].filter((c) => c.userId === userId).sort((a, b) => a.lastUsed - b.lastUsed);
    while (own.length >= MAX_OPEN_CURSORS_PER_USER) {
      const oldest = own.shift();
      if (oldest) this.#cursors.delete(oldest.id);
    }
    this.#cursors.set(cursor.id, cursor);
    return { rows: rows.slice(0, batchSize), totalSize: rows.length, nextLocator: `${cursor.id}-${batchSize}` };
  }

  /** A later page, or undefined when the locator is unknown, expired or not this user's. */
  more(args: { locator: string; userId: string; now: number }): Page<T> | undefined {
    const match = /^([A-Za-z0-9]{15,18})-(\d+)$/.exec(args.locator);
    if (!match) return undefined;
    const cursor = this.#cursors.get(match[1] as string);
    if (!cursor || cursor.userId !== args.userId) return undefined;
    if (args.now - cursor.lastUsed > CURSOR_IDLE_TIMEOUT_MS) {
      this.#cursors.delete(cursor.id);
      return undefined;
    }
    cursor.lastUsed = args.now;
    const offset = Number(match[2]);
    const end = offset + cursor.batchSize;
    const rows = cursor.rows.slice(offset, end);
    if (end >= cursor.rows.length) {
      this.#cursors.delete(cursor.id);
      return { rows, totalSize: cursor.rows.length };
    }
    return { rows, totalSize: cursor.rows.length, nextLocator: `${cursor.id}-${end}` };
  }

  clear(): void {
    this.#cursors.clear();
  }

  get size(): number {
    return this.#cursors.size;
  }
}
