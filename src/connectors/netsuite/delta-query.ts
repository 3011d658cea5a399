import type { NetSuiteClient } from './client.ts';
import { SUITEQL_PAGE_SIZE } from './limits.ts';

/** Where a delta poller stands: the last change it emitted, as (last modified, key columns). */
export interface DeltaWatermark {
  /** `YYYY-MM-DD HH24:MI:SS`, in the account's time zone as SuiteQL renders it. */
  at: string;
  /** Key column values of the last row emitted at `at`; empty = nothing emitted at `at` yet. */
  key: string[];
}

const STAMP_MASK = 'YYYY-MM-DD HH24:MI:SS';
/** Seconds a change must be old before the watermark may move past it (see DeltaQuery.settleSeconds). */
export const DEFAULT_SETTLE_SECONDS = 5;

export function parseWatermark(value: string): DeltaWatermark {
  const parsed = JSON.parse(value) as Partial<DeltaWatermark>;
  if (typeof parsed.at !== 'string' || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(parsed.at) || !Array.isArray(parsed.key)) {
    throw new Error(`netsuite: watermark ${value} is not {"at":"YYYY-MM-DD HH:MM:SS","key":[...]}`);
  }
  return { at: parsed.at, key: parsed.key.map(String) };
}

export function formatWatermark(watermark: DeltaWatermark): string {
  return JSON.stringify(watermark);
}

/** A UTC instant as a watermark stamp (`2026-11-23 08:00:00`). */
export function stampOf(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

export interface DeltaQuery {
  /** Columns to read (SuiteQL select list, without the watermark columns). */
  select: string;
  /** `FROM ...` with joins, e.g. `transaction t`. */
  from: string;
  /** Extra filter, e.g. `t.type = 'SalesOrd'`. */
  where?: string;
  /** The change stamp, e.g. `t.lastmodifieddate`. */
  stamp: string;
  /** Columns that order rows of one stamp and name the row in the watermark, e.g. `['t.id']`. */
  key: { column: string; alias: string }[];
  pageSize?: number;
  /**
   * Rows changed in the last `settleSeconds` (by the server's clock) are left for the next poll:
   * a record saved in the second the query ran, or committed late with an earlier stamp, would
   * otherwise fall behind the watermark. Default 5.
   */
  settleSeconds?: number;
}

export type DeltaRow = Record<string, string> & { wm_stamp: string };

/**
 * Keyset paging over `(stamp, key...)`: every page asks for rows strictly after the watermark in
 * that order, from offset 0, and the watermark moves to the last row emitted.
 *
 * Why not limit/offset over one query: the result set moves while it is paged. A record modified
 * between two pages leaves its place (its stamp is now later), every row behind it shifts one
 * position forward, and offset N + 1000 steps over the row that moved into position N + 999 — a
 * silent skip. Keyset paging has no positions to shift: a modified record reappears after the
 * watermark with its new stamp. Ties (many records saved in one second, stamps have one-second
 * precision) are ordered and resumed by the key columns, so a page boundary inside a second
 * neither skips nor repeats a row. Key values are compared as quoted literals, the same way the
 * ORDER BY orders them.
 */
export async function readDelta(args: {
  client: NetSuiteClient;
  query: DeltaQuery;
  watermark: DeltaWatermark;
  signal: AbortSignal;
}): Promise<DeltaPage> {
  const { query, watermark } = args;
  const pageSize = Math.min(query.pageSize ?? SUITEQL_PAGE_SIZE, SUITEQL_PAGE_SIZE);
  const page = await args.client.suiteql({ q: deltaSql(query, watermark), limit: pageSize, offset: 0, signal: args.signal });
  const rows: DeltaRow[] = [];
  const unsettled: DeltaRow[] = [];
  let next = watermark;
  for (const row of page.items) {
    const stamp = row.wm_stamp;
    const now = row.wm_now;
    if (stamp === undefined || now === undefined) throw new Error('netsuite: a delta row lacks its wm_stamp / wm_now columns');
    // Rows come in stamp order: once one is too recent, so is every row after it.
    if (unsettled.length > 0 || !isSettled(stamp, now, query.settleSeconds ?? DEFAULT_SETTLE_SECONDS)) {
      unsettled.push(row as DeltaRow);
      continue;
    }
    rows.push(row as DeltaRow);
    next = { at: stamp, key: query.key.map(({ alias }) => row[alias] ?? '') };
  }
  return { rows, unsettled, watermark: next, more: unsettled.length === 0 && page.hasMore, sawEnd: !page.hasMore };
}

export interface DeltaPage {
  /** Settled rows, in order: emitted, and the watermark moves past them. */
  rows: DeltaRow[];
  /** Rows changed too recently to move the watermark past (the tail of the page); read, not emitted. */
  unsettled: DeltaRow[];
  watermark: DeltaWatermark;
  /** More settled rows may wait: poll again at once. */
  more: boolean;
  /** The page reached the newest change: `unsettled` holds every recent row there is. */
  sawEnd: boolean;
}

export function deltaSql(query: DeltaQuery, watermark: DeltaWatermark): string {
  const at = `TO_DATE('${watermark.at}', '${STAMP_MASK}')`;
  const after = watermark.key.length === 0 ? `${query.stamp} >= ${at}` : `(${query.stamp} > ${at} OR (${query.stamp} = ${at} AND ${keyAfter(query.key.map((k) => k.column), watermark.key)}))`;
  const where = query.where ? `(${query.where}) AND ${after}` : after;
  const order = [query.stamp, ...query.key.map((k) => k.column)].join(', ');
  return (
    `SELECT ${query.select}, TO_CHAR(${query.stamp}, '${STAMP_MASK}') AS wm_stamp, TO_CHAR(SYSDATE, '${STAMP_MASK}') AS wm_now ` +
    `FROM ${query.from} WHERE ${where} ORDER BY ${order}`
  );
}

/** `(k1 > v1 OR (k1 = v1 AND (k2 > v2 ...)))` */
function keyAfter(columns: string[], values: string[]): string {
  const [column, ...restColumns] = columns;
  const [value = '', ...restValues] = values;
  if (column === undefined) return '1 = 0';
  const literal = quote(value);
  if (restColumns.length === 0) return `${column} > ${literal}`;
  return `(${column} > ${literal} OR (${column} = ${literal} AND ${keyAfter(restColumns, restValues)}))`;
}

export function quote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Stamps are `YYYY-MM-DD HH:MM:SS` in one time zone, so they compare as instants of that zone. */
function isSettled(stamp: string, now: string, settleSeconds: number): boolean {
  return secondsOfStamp(stamp) < secondsOfStamp(now) - settleSeconds;
}

/** A stamp as seconds, for comparing stamps of one account with each other. */
export function secondsOfStamp(stamp: string): number {
  return Date.parse(`${stamp.replace(' ', 'T')}Z`) / 1000;
}

/** The ISO 8601 instant of a stamp, for sourceTimestamp (the account zone taken as UTC; see docs). */
export function isoOfStamp(stamp: string): string {
  return `${stamp.replace(' ', 'T')}Z`;
}

