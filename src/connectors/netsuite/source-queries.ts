import { quote } from './delta-query.ts';

/**
 * The SuiteQL reads behind the NetSuite record source (`source.ts`): one query per canonical
 * entity, paged by keyset on the internal id.
 *
 * Why keyset on `id` and not limit/offset: a backfill of a million records runs for hours while
 * people keep working in NetSuite. With offsets, a record deleted (or newly matching the filter)
 * between two pages shifts every row behind it by one, and the next page skips or repeats one.
 * `id > :last ORDER BY id` has no positions to shift, and the last id read is all a resumed run
 * needs: the cursor. Internal ids only grow, so records created during the backfill arrive in its
 * last pages. The id is compared as a quoted literal, as delta-query.ts does: NetSuite converts it
 * to a number for the comparison, and the sandbox compares and sorts it as text, consistently.
 *
 * Each query stays within SuiteQL's 1,000-row page and REST's 100,000-result cap because every
 * page starts a new query at offset 0.
 */
export interface SourceQuery {
  /** Select list, without the id and stamp columns every read adds. */
  select: string;
  /** `FROM` clause with its joins; the paged table's alias is `x`. */
  from: string;
  /** Filter of the records the entity covers, e.g. open sales orders only. */
  where?: string;
}

const STAMP_MASK = 'YYYY-MM-DD HH24:MI:SS';

/** NetSuite sales order statuses (`transaction.status` of SalesOrd): Cancelled, Billed, Closed are not open. */
const CLOSED_ORDER_STATUSES = ['C', 'G', 'H'];

export const SOURCE_QUERIES = {
  /** Inventory items (the item master's stocked goods), active or not: `active` says which. */
  product: {
    select: 'x.itemid, x.displayname, x.externalid, x.isinactive',
    from: 'item x',
    where: "x.itemtype = 'InvtPart'",
  },
  /** The base price of every inventory item that has one. */
  price: {
    select: `x.itemid, x.baseprice, TO_CHAR(x.createddate, '${STAMP_MASK}') AS created`,
    from: 'item x',
    where: "x.itemtype = 'InvtPart' AND x.baseprice IS NOT NULL",
  },
  customer: {
    select: 'x.entityid, x.companyname, x.firstname, x.lastname, x.email, x.phone, x.externalid, x.isperson, x.creditlimit, x.creditholdoverride',
    from: 'customer x',
    where: "x.isinactive = 'F'",
  },
  /** Open sales orders: not cancelled, billed or closed. Their lines are read per page (`orderLines`). */
  order: {
    select:
      `x.tranid, x.externalid, x.otherrefnum, x.status, x.foreigntotal, TO_CHAR(x.createddate, '${STAMP_MASK}') AS created, ` +
      'c.externalid AS customerexternalid, l.externalid AS locationexternalid',
    from: 'transaction x LEFT JOIN customer c ON c.id = x.entity LEFT JOIN location l ON l.id = x.location',
    where: `x.type = 'SalesOrd' AND x.status NOT IN (${CLOSED_ORDER_STATUSES.map(quote).join(', ')})`,
  },
} as const satisfies Record<string, SourceQuery>;

export type SourceEntity = keyof typeof SOURCE_QUERIES;
export const SOURCE_ENTITIES = Object.keys(SOURCE_QUERIES) as SourceEntity[];

/** Internal ids are digits; anything else in a cursor is refused before it reaches a query. */
export function parseCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  if (!/^[0-9]{1,20}$/.test(cursor)) throw new Error(`netsuite: backfill cursor "${cursor.slice(0, 40)}" is not an internal id (digits only); start again with --restart`);
  return cursor;
}

/** One page: the rows after `after`, by internal id. */
export function pageSql(query: SourceQuery, after: string | undefined): string {
  const conditions = [query.where, after === undefined ? undefined : `x.id > ${quote(after)}`].filter((condition): condition is string => condition !== undefined);
  return (
    `SELECT x.id, ${query.select}, TO_CHAR(x.lastmodifieddate, '${STAMP_MASK}') AS modified ` +
    `FROM ${query.from}${conditions.length > 0 ? ` WHERE ${conditions.map((condition) => `(${condition})`).join(' AND ')}` : ''} ORDER BY x.id`
  );
}
