import type { DeadLetter, DeadLetterKind, DeadLetterQuery, DeadLetterStatus, DeadLetterStore } from '../../ports/storage.ts';
import { describeDeadLetter } from './describe.ts';

export interface ExceptionFilter {
  status?: DeadLetterStatus;
  kind?: DeadLetterKind;
  target?: string;
  /** Business key (the delivery ordering key or flow key: order number, sku@location...). */
  key?: string;
  /** The target system's error code (or the failure type when it had none). */
  errorCode?: string;
}

export interface ExceptionPage {
  items: DeadLetter[];
  /** Pass as `afterId` for the next page; null when there is nothing after this page. */
  nextAfterId: number | null;
  /** Rows read to fill this page (more than `items` when filtering by error code). */
  scanned: number;
}

/** Rows read per storage call when the store cannot filter by error code itself. */
const SCAN_PAGE = 500;
/**
 * Most rows one request reads to filter by error code: the page may come back short, with a
 * cursor to continue from, rather than one request reading 100,000 rows.
 */
export const ERROR_CODE_SCAN_BUDGET = 10_000;

export function errorCodeOf(entry: Pick<DeadLetter, 'error'>): string {
  return entry.error.code ?? entry.error.type;
}

/**
 * One page of dead letters in id order (oldest first), filtered in the store where the port
 * allows (status, kind, target, key) and by error code here. Paged by `afterId`, never loaded
 * whole.
 */
export async function pageExceptions(store: DeadLetterStore, filter: ExceptionFilter, page: { afterId?: number; limit: number }): Promise<ExceptionPage> {
  const query: DeadLetterQuery = {
    ...(filter.status && { status: filter.status }),
    ...(filter.kind && { kind: filter.kind }),
    ...(filter.target && { target: filter.target }),
    ...(filter.key && { key: filter.key }),
  };
  if (filter.errorCode === undefined) {
    const rows = await store.list({ ...query, ...(page.afterId !== undefined && { afterId: page.afterId }), limit: page.limit + 1 });
    const items = rows.slice(0, page.limit);
    return { items, nextAfterId: rows.length > page.limit ? (items[items.length - 1]?.id ?? null) : null, scanned: rows.length };
  }
  const items: DeadLetter[] = [];
  let cursor = page.afterId;
  let scanned = 0;
  for (;;) {
    const rows = await store.list({ ...query, ...(cursor !== undefined && { afterId: cursor }), limit: SCAN_PAGE });
    for (const row of rows) {
      scanned++;
      cursor = row.id;
      if (errorCodeOf(row) === filter.errorCode) {
        items.push(row);
        if (items.length === page.limit) return { items, nextAfterId: cursor, scanned };
      }
    }
    if (rows.length < SCAN_PAGE) return { items, nextAfterId: null, scanned };
    if (scanned >= ERROR_CODE_SCAN_BUDGET) return { items, nextAfterId: cursor ?? null, scanned };
  }
}

export interface ExceptionGroup {
  target: string;
  errorCode: string;
  count: number;
  oldestAt: number;
  /** A sentence for the group, from its oldest entry. */
  example: string;
  /** Id of the oldest entry, to open it. */
  exampleId: number;
}

export interface ExceptionGroups {
  groups: ExceptionGroup[];
  total: number;
  /** False when the scan stopped at its limit: counts are then lower bounds. */
  complete: boolean;
  computedAt: number;
}

/**
 * The port change this module would use when it lands (see the console report): one GROUP BY in
 * the store, e.g. in SQLite
 * `SELECT target, coalesce(json_extract(error,'$.code'), json_extract(error,'$.type')) AS code,
 *  count(*), min(created_at), min(id) FROM dead_letters WHERE status = ? GROUP BY target, code`.
 */
export interface DeadLetterGrouping {
  groups(query: { status?: DeadLetterStatus; kind?: DeadLetterKind }): Promise<{ target: string; errorCode: string; count: number; oldestAt: number; oldestId: number }[]>;
}

function hasGrouping(store: DeadLetterStore): store is DeadLetterStore & DeadLetterGrouping {
  return typeof (store as Partial<DeadLetterGrouping>).groups === 'function';
}

/** Beyond this many rows the fallback scan stops and reports partial counts. */
export const GROUP_SCAN_LIMIT = 200_000;
const GROUP_SCAN_PAGE = 1_000;

/**
 * Open exceptions grouped by target and error code, biggest group first. Until the store can
 * group (DeadLetterGrouping), the entries are scanned page by page and the result cached for
 * `cacheMs`, so a console refreshing every few seconds costs one scan per period.
 */
export function createExceptionGrouper(store: DeadLetterStore, options: { clock: () => number; cacheMs: number }) {
  const cache = new Map<string, ExceptionGroups>();
  return async function groups(query: { status?: DeadLetterStatus; kind?: DeadLetterKind }): Promise<ExceptionGroups> {
    const cacheKey = `${query.status ?? '*'}|${query.kind ?? '*'}`;
    const now = options.clock();
    const cached = cache.get(cacheKey);
    if (cached && now - cached.computedAt < options.cacheMs) return cached;
    const result = hasGrouping(store) ? await groupInStore(store, query, now) : await groupByScan(store, query, now);
    cache.set(cacheKey, result);
    return result;
  };
}

async function groupInStore(store: DeadLetterStore & DeadLetterGrouping, query: { status?: DeadLetterStatus; kind?: DeadLetterKind }, now: number): Promise<ExceptionGroups> {
  const rows = await store.groups(query);
  const groups = await Promise.all(
    rows.map(async (row) => {
      const example = await store.get(row.oldestId);
      return { target: row.target, errorCode: row.errorCode, count: row.count, oldestAt: row.oldestAt, exampleId: row.oldestId, example: example ? describeDeadLetter(example) : row.errorCode };
    }),
  );
  return finish(groups, true, now);
}

async function groupByScan(store: DeadLetterStore, query: { status?: DeadLetterStatus; kind?: DeadLetterKind }, now: number): Promise<ExceptionGroups> {
  const byKey = new Map<string, ExceptionGroup>();
  let afterId: number | undefined;
  let scanned = 0;
  let complete = true;
  for (;;) {
    const rows = await store.list({ ...query, ...(afterId !== undefined && { afterId }), limit: GROUP_SCAN_PAGE });
    for (const row of rows) {
      const errorCode = errorCodeOf(row);
      const key = `${row.target}\u0000${errorCode}`;
      const group = byKey.get(key);
      if (group) group.count++;
      // Ids grow with time, so the first entry seen is the oldest of its group.
      else byKey.set(key, { target: row.target, errorCode, count: 1, oldestAt: row.createdAt, exampleId: row.id, example: describeDeadLetter(row) });
    }
    scanned += rows.length;
    afterId = rows[rows.length - 1]?.id;
    if (rows.length < GROUP_SCAN_PAGE) break;
    if (scanned >= GROUP_SCAN_LIMIT) {
      complete = false;
      break;
    }
  }
  return finish([...byKey.values()], complete, now);
}

function finish(groups: ExceptionGroup[], complete: boolean, now: number): ExceptionGroups {
  groups.sort((a, b) => b.count - a.count || a.oldestAt - b.oldestAt);
  return { groups, total: groups.reduce((sum, group) => sum + group.count, 0), complete, computedAt: now };
}
