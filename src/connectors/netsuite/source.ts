import { validate } from '../../canonical/validation.ts';
import type { EntityName } from '../../canonical/entities.ts';
import type { RecordPage, RecordRejection, RecordSource } from '../connector.ts';
import type { NetSuiteClient } from './client.ts';
import { isoOfStamp } from './delta-query.ts';
import { orderLines } from './inbound.ts';
import { SUITEQL_PAGE_SIZE } from './limits.ts';
import type { NetSuiteMappingName, NetSuiteMappings } from './mappings.ts';
import { pageSql, parseCursor, SOURCE_ENTITIES, SOURCE_QUERIES, type SourceEntity } from './source-queries.ts';

/** What the record source needs besides the client: values NetSuite rows do not carry. */
export interface NetSuiteSourceSettings {
  /**
   * Currency of prices, orders and credit limits (SuiteQL rows carry only the currency's internal
   * id). Required to read any entity but products.
   */
  currency?: string;
  /** Price list code of the items' base prices; default `BASE-<currency>`. */
  priceList?: string;
  /** Category given to every product (items carry no hierarchy the hub can rely on). */
  category?: { code: string; path: string[] };
  /** Channel of orders entered in NetSuite itself; default `call-center`. */
  channel?: string;
}

export const DEFAULT_PRODUCT_CATEGORY = { code: 'UNCATEGORISED', path: ['Uncategorised'] } as const;

/** The canonical status of an open NetSuite sales order, by its status letter. */
const ORDER_STATUS: Record<string, string> = { A: 'on-hold', B: 'booked', D: 'partially-shipped', E: 'partially-shipped', F: 'shipped' };

const MAPPING_OF: Record<SourceEntity, NetSuiteMappingName> = {
  product: 'product.from-netsuite',
  price: 'price.from-netsuite',
  customer: 'customer.from-netsuite',
  order: 'order.from-netsuite',
};

/** NetSuite's table of each entity, to name a refused record the way an ERP user finds it. */
const RECORD_TYPE: Record<SourceEntity, string> = { product: 'item', price: 'item', customer: 'customer', order: 'salesorder' };

/**
 * Full reads of NetSuite's item master, base prices, customers and open sales orders as
 * canonical records, a SuiteQL page at a time, resumable from the last internal id read. Rows the
 * mappings cannot turn into a valid canonical record are returned as rejections naming the record,
 * the field and the reason; they never stop a backfill.
 *
 * @example
 * const page = await erp.source!.read('customer', { cursor: undefined, limit: 1000, signal });
 * // page.records: Customer[], page.nextCursor: '1042', page.rejected: [{ key: 'netsuite customer 17', field: 'emails[0].address', ... }]
 */
export function netSuiteRecordSource(options: {
  client: NetSuiteClient;
  mappings: NetSuiteMappings;
  /** `$hubIdOf` and `$locationCodeOf`: the connector's external id conventions, as the pollers use them. */
  hubIdOf: (value: unknown) => unknown;
  locationCodeOf: (value: unknown) => unknown;
  settings: NetSuiteSourceSettings;
}): RecordSource {
  const { client, mappings, settings } = options;
  const bindings = {
    hubIdOf: options.hubIdOf,
    locationCodeOf: options.locationCodeOf,
    currency: settings.currency,
    priceList: settings.priceList ?? `BASE-${settings.currency ?? 'USD'}`,
    category: settings.category ?? DEFAULT_PRODUCT_CATEGORY,
    channel: settings.channel ?? 'call-center',
    money: (value: unknown) => (value === undefined || value === null || value === '' ? undefined : Number(value).toFixed(2)),
  };

  return {
    entities: SOURCE_ENTITIES,
    async read(entity, { cursor, limit, signal }): Promise<RecordPage> {
      if (!isSourceEntity(entity)) {
        throw new Error(`netsuite: the record source reads ${SOURCE_ENTITIES.join(', ')}, not "${entity}"`);
      }
      if (entity !== 'product' && settings.currency === undefined) {
        throw new Error(`netsuite: reading ${entity} records needs the account's currency: set systems.<role>.settings.source.currency (e.g. USD); SuiteQL rows carry only the currency's internal id`);
      }
      const after = parseCursor(cursor);
      const pageSize = Math.max(1, Math.min(limit, SUITEQL_PAGE_SIZE));
      const page = await client.suiteql({ q: pageSql(SOURCE_QUERIES[entity], after), limit: pageSize, offset: 0, signal });
      const rows: Record<string, string>[] = page.items.map((row) => ({ ...row, lastModified: isoOfStamp(row.modified ?? '1970-01-01 00:00:00') }));
      const lines = entity === 'order' && rows.length > 0 ? await orderLines(client, rows.map((row) => row.id ?? ''), signal) : undefined;
      const records: unknown[] = [];
      const rejected: RecordRejection[] = [];
      for (const row of rows) {
        const key = `netsuite ${RECORD_TYPE[entity]} ${row.id ?? '?'}`;
        const input: Record<string, unknown> = { ...row };
        if (row.created !== undefined) input.createdAt = isoOfStamp(row.created);
        if (lines) input.lines = lines.get(row.id ?? '') ?? [];
        const outcome = await toCanonical({ entity, key, row: input, mapping: mappings[MAPPING_OF[entity]].apply.bind(mappings[MAPPING_OF[entity]]), bindings });
        if ('rejection' in outcome) rejected.push(outcome.rejection);
        else records.push(outcome.record);
      }
      const last = rows[rows.length - 1]?.id;
      return {
        records,
        rejected,
        nextCursor: page.hasMore && last !== undefined ? last : undefined,
        ...(page.totalResults !== undefined && { remainingEstimate: page.totalResults }),
      };
    },
  };
}

function isSourceEntity(entity: string): entity is SourceEntity {
  return (SOURCE_ENTITIES as string[]).includes(entity);
}

/** Maps and validates one row; a row that does not fit says which field and why. */
async function toCanonical(args: {
  entity: SourceEntity;
  key: string;
  row: Record<string, unknown>;
  mapping: (record: unknown, bindings: Record<string, unknown>) => Promise<Record<string, unknown>>;
  bindings: Record<string, unknown>;
}): Promise<{ record: Record<string, unknown> } | { rejection: RecordRejection }> {
  let record: Record<string, unknown>;
  try {
    record = await args.mapping(args.row, args.bindings);
  } catch (error) {
    const field = (error as { field?: unknown }).field;
    return { rejection: { key: args.key, reason: (error as Error).message, ...(typeof field === 'string' && { field }) } };
  }
  if (args.entity === 'order') record.status = ORDER_STATUS[String(args.row.status)] ?? 'booked';
  const result = validate(args.entity as EntityName, record);
  if (result.ok) return { record };
  const [first] = result.errors;
  const more = result.errors.length > 1 ? ` (and ${result.errors.length - 1} more: ${result.errors.slice(1, 4).map((issue) => issue.field).join(', ')})` : '';
  return { rejection: { key: args.key, reason: `not a valid ${result.title}: ${first?.field ?? 'record'} ${first?.reason ?? 'is invalid'}${more}`, ...(first?.field && { field: first.field }) } };
}
