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
  /** Rows read to fill this page. */
  scanned: number;
}

export function errorCodeOf(entry: Pick<DeadLetter, 'error'>): string {
  return entry.error.code ?? entry.error.type;
}

/**
 * One page of dead letters in id order (oldest first), filtered in the store (status, kind,
 * target, key, error code — all indexed). Paged by `afterId`, never loaded whole.
 */
export async function pageExceptions(store: DeadLetterStore, filter: ExceptionFilter, page: { afterId?: number; limit: number }): Promise<ExceptionPage> {
  const query: DeadLetterQuery = {
    ...(filter.status && { status: filter.status }),
    ...(filter.kind && { kind: filter.kind }),
    ...(filter.target && { target: filter.target }),
    ...(filter.key && { key: filter.key }),
    ...(filter.errorCode !== undefined && { errorCode: filter.errorCode }),
  };
  const rows = await store.list({ ...query, ...(page.afterId !== undefined && { afterId: page.afterId }), limit: page.limit + 1 });
  const items = rows.slice(0, page.limit);
  return { items, nextAfterId: rows.length > page.limit ? (items[items.length - 1]?.id ?? null) : null, scanned: rows.length };
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
 * Open exceptions grouped by target and error code, biggest group first: one GROUP BY in the
 * store, reused for `cacheMs` while no exception arrived (the newest id, one index seek, is
 * unchanged) and no operator acted through this console (`invalidate`), so the counts an
 * operator sees right after "Retry all N" or during an outage are never the old ones.
 */
export function createExceptionGrouper(store: DeadLetterStore, options: { clock: () => number; cacheMs: number }) {
  const cache = new Map<string, { result: ExceptionGroups; newestId: number }>();
  const groups = async function groups(query: { status?: DeadLetterStatus; kind?: DeadLetterKind }): Promise<ExceptionGroups> {
    const cacheKey = `${query.status ?? '*'}|${query.kind ?? '*'}`;
    const now = options.clock();
    const newestId = (await store.list({ newestFirst: true, limit: 1 }))[0]?.id ?? 0;
    const cached = cache.get(cacheKey);
    if (cached && now - cached.result.computedAt < options.cacheMs && cached.newestId === newestId) return cached.result;
    const rows = await store.groups(query);
    const found = await Promise.all(
      rows.map(async (row) => {
        const example = await store.get(row.oldestId);
        return { target: row.target, errorCode: row.errorCode, count: row.count, oldestAt: row.oldestAt, exampleId: row.oldestId, example: example ? describeDeadLetter(example) : row.errorCode };
      }),
    );
    const result = finish(found, true, now);
    cache.set(cacheKey, { result, newestId });
    return result;
  };
  /** Forgets the cached counts: an operator changed some. */
  const invalidate = () => cache.clear();
  return Object.assign(groups, { invalidate });
}

function finish(groups: ExceptionGroup[], complete: boolean, now: number): ExceptionGroups {
  groups.sort((a, b) => b.count - a.count || a.oldestAt - b.oldestAt);
  return { groups, total: groups.reduce((sum, group) => sum + group.count, 0), complete, computedAt: now };
}
