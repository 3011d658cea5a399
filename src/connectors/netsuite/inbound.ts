import type { CloudEvent } from '../../canonical/cloudevent.ts';
import { createRetailEvent } from '../../canonical/events/create-event.ts';
import type { RetailEventData, RetailEventType } from '../../canonical/events/catalogue.ts';
import type { DeltaPoller, PollResult } from '../connector.ts';
import type { NetSuiteClient } from './client.ts';
import { DEFAULT_SETTLE_SECONDS, formatWatermark, isoOfStamp, parseWatermark, quote, readDelta, type DeltaQuery, type DeltaRow } from './delta-query.ts';
import { HotRowTracker } from './hot-rows.ts';
import type { NetSuiteMappings } from './mappings.ts';

/** A NetSuite record the pollers could not turn into a canonical event (skipped, not retried). */
export interface InboundRejection {
  poller: string;
  recordId: string;
  reason: string;
}

export interface PollerOptions {
  client: NetSuiteClient;
  mappings: NetSuiteMappings;
  /** Bindings for the inbound mappings: `$hubIdOf`, `$locationCodeOf`, `$currency`, `$channel`, `$money`. */
  bindings: Record<string, unknown>;
  /** CloudEvents `source` of the events, e.g. `crossdock://connectors/netsuite/1234567`. */
  source: string;
  everyMs: number;
  pageSize?: number;
  settleSeconds?: number;
  /** Where a poller without a stored watermark starts, e.g. `2026-11-01 00:00:00`. */
  since: string;
  onRejected?: (rejection: InboundRejection) => void;
}

interface PollerSpec {
  name: string;
  query: DeltaQuery;
  /** Canonical events of one page of rows (may read more, e.g. order lines). */
  toEvents(rows: DeltaRow[], signal: AbortSignal): Promise<CloudEvent[]>;
  /**
   * Rows that never settle are read early (see HotRowTracker): the key that names a row across
   * its changes, and its early events, dated just before the row's stamp so that the row's
   * own settled read, and any later change, wins over them.
   */
  early?: { keyOf(row: DeltaRow): string; toEvents(rows: DeltaRow[], signal: AbortSignal): Promise<CloudEvent[]> };
}

function deltaPoller(options: PollerOptions, spec: PollerSpec): DeltaPoller {
  const query: DeltaQuery = {
    ...spec.query,
    ...(options.pageSize !== undefined && { pageSize: options.pageSize }),
    ...(options.settleSeconds !== undefined && { settleSeconds: options.settleSeconds }),
  };
  const hot = spec.early ? new HotRowTracker(spec.early.keyOf, query.settleSeconds ?? DEFAULT_SETTLE_SECONDS) : undefined;
  return {
    name: spec.name,
    everyMs: options.everyMs,
    initialWatermark: () => formatWatermark({ at: options.since, key: [] }),
    async poll({ watermark, signal }): Promise<PollResult> {
      const delta = await readDelta({ client: options.client, query, watermark: parseWatermark(watermark), signal });
      const events = delta.rows.length > 0 ? await spec.toEvents(delta.rows, signal) : [];
      const hotRows = hot?.hotRows(delta) ?? [];
      if (hotRows.length > 0) events.push(...(await spec.early!.toEvents(hotRows, signal)));
      return { events, watermark: formatWatermark(delta.watermark), more: delta.more };
    },
  };
}

/** Maps and validates one event; a record that does not fit the canonical model is reported and skipped. */
async function eventOf<T extends RetailEventType>(
  options: PollerOptions,
  args: { poller: string; recordId: string; type: T; id: string; mapping: keyof NetSuiteMappings; record: Record<string, unknown> },
): Promise<CloudEvent | undefined> {
  try {
    const data = await options.mappings[args.mapping].apply(args.record, options.bindings);
    // Deterministic ids: a page read twice yields the same events, which the log drops.
    return createRetailEvent({ type: args.type, id: args.id, data: data as RetailEventData<T>, source: options.source, correlationId: args.id, time: String(args.record.lastModified) });
  } catch (error) {
    options.onRejected?.({ poller: args.poller, recordId: args.recordId, reason: (error as Error).message });
    return undefined;
  }
}

/** Event ids (and correlation ids) take no spaces: `2026-11-23 08:00:00` → `2026-11-23T08:00:00`. */
const compactStamp = (stamp: string): string => stamp.replace(' ', 'T');

const present = (events: (CloudEvent | undefined)[]): CloudEvent[] => events.filter((event): event is CloudEvent => event !== undefined);

/** Customers created or changed in NetSuite → `retail.customer.updated.v1`. */
export function customerPoller(options: PollerOptions): DeltaPoller {
  const name = 'netsuite.customer';
  return deltaPoller(options, {
    name,
    query: {
      select: 'c.id, c.entityid, c.companyname, c.firstname, c.lastname, c.email, c.phone, c.externalid, c.isperson, c.creditlimit, c.creditholdoverride',
      from: 'customer c',
      stamp: 'c.lastmodifieddate',
      key: [{ column: 'c.id', alias: 'id' }],
    },
    toEvents: async (rows) =>
      present(
        await Promise.all(
          rows.map((row) =>
            eventOf(options, {
              poller: name,
              recordId: row.id ?? '',
              type: 'retail.customer.updated.v1',
              id: `netsuite:customer:${row.id}:${compactStamp(row.wm_stamp)}`,
              mapping: 'customer.from-netsuite',
              record: { ...row, lastModified: isoOfStamp(row.wm_stamp) },
            }),
          ),
        ),
      ),
  });
}

/**
 * Stock per item and location → `retail.inventory.level-changed.v1` (subject `sku@location`),
 * with the change stamp in seconds as the source sequence, so the newest level wins downstream.
 */
export function inventoryPoller(options: PollerOptions): DeltaPoller {
  const name = 'netsuite.inventorybalance';
  return deltaPoller(options, {
    name,
    query: {
      select: 'b.item, b.location, i.itemid AS sku, l.externalid AS locationexternalid, b.quantityonhand, b.quantityavailable',
      from: 'inventorybalance b JOIN item i ON i.id = b.item JOIN location l ON l.id = b.location',
      stamp: 'b.lastmodifieddate',
      key: [
        { column: 'b.item', alias: 'item' },
        { column: 'b.location', alias: 'location' },
      ],
    },
    toEvents: async (rows) => present(await Promise.all(rows.map((row) => levelEvent(row, 'settled')))),
    early: {
      keyOf: (row) => `${row.item}@${row.location}`,
      toEvents: async (rows) => present(await Promise.all(rows.map((row) => levelEvent(row, 'early')))),
    },
  });

  /**
   * A settled read is dated by its stamp. An early read (a row still changing) is dated one ms
   * before it and has an id of its own: a change later in the same second gets the same stamp,
   * and its settled read must neither be dropped as a duplicate of the early one nor lose to it.
   */
  function levelEvent(row: DeltaRow, read: 'settled' | 'early'): Promise<CloudEvent | undefined> {
    const stampedAt = Date.parse(isoOfStamp(row.wm_stamp));
    const lastModified = read === 'settled' ? isoOfStamp(row.wm_stamp) : new Date(stampedAt - 1).toISOString();
    const id = `netsuite:inventorybalance:${row.item}:${row.location}:${compactStamp(row.wm_stamp)}`;
    return eventOf(options, {
      poller: name,
      recordId: `${row.item}@${row.location}`,
      type: 'retail.inventory.level-changed.v1',
      id: read === 'settled' ? id : `${id}:early`,
      mapping: 'inventory-level.from-netsuite',
      record: { ...row, lastModified, sequence: stampedAt / 1000 - (read === 'settled' ? 0 : 1) },
    });
  }
}

/**
 * Sales orders → `retail.order.booked.v1` once the order is approved (status past Pending
 * Approval), carrying the ERP order id. One booked event per order: its id names the order and
 * the milestone, not the stamp, so later edits of the order do not announce it booked again.
 */
export function salesOrderPoller(options: PollerOptions & { orderPageSize?: number }): DeltaPoller {
  const name = 'netsuite.salesOrder';
  const client = options.client;
  return deltaPoller(
    { ...options, pageSize: Math.min(options.pageSize ?? 200, options.orderPageSize ?? 200) },
    {
      name,
      query: {
        select:
          "t.id, t.tranid, t.externalid, t.otherrefnum, t.status, t.foreigntotal, TO_CHAR(t.createddate, 'YYYY-MM-DD HH24:MI:SS') AS created, c.externalid AS customerexternalid, l.externalid AS locationexternalid",
        from: 'transaction t LEFT JOIN customer c ON c.id = t.entity LEFT JOIN location l ON l.id = t.location',
        where: "t.type = 'SalesOrd'",
        stamp: 't.lastmodifieddate',
        key: [{ column: 't.id', alias: 'id' }],
      },
      async toEvents(rows, signal) {
        // Pending Approval (A) is not booked yet; Cancelled (C) never will be.
        const booked = rows.filter((row) => row.status !== 'A' && row.status !== 'C');
        if (booked.length === 0) return [];
        const lines = await orderLines(client, booked.map((row) => row.id ?? ''), signal);
        return present(
          await Promise.all(
            booked.map((row) =>
              eventOf(options, {
                poller: name,
                recordId: row.id ?? '',
                type: 'retail.order.booked.v1',
                id: `netsuite:salesOrder:${row.id}:booked`,
                mapping: 'order.from-netsuite',
                record: { ...row, lastModified: isoOfStamp(row.wm_stamp), createdAt: isoOfStamp(row.created ?? row.wm_stamp), lines: lines.get(row.id ?? '') ?? [] },
              }),
            ),
          ),
        );
      },
    },
  );
}

/** Item lines of the given orders, by order id (a fixed set of orders, so offset paging is safe). */
export async function orderLines(client: NetSuiteClient, orderIds: string[], signal: AbortSignal): Promise<Map<string, Record<string, string>[]>> {
  const q =
    'SELECT l.transaction, l.linesequencenumber, i.itemid, i.displayname, l.quantity, l.rate, l.netamount ' +
    `FROM transactionline l JOIN item i ON i.id = l.item WHERE l.transaction IN (${orderIds.map(quote).join(', ')}) ORDER BY l.transaction, l.linesequencenumber`;
  const byOrder = new Map<string, Record<string, string>[]>();
  for (let offset = 0; ; offset += 1000) {
    const page = await client.suiteql({ q, limit: 1000, offset, signal });
    for (const line of page.items) {
      const list = byOrder.get(line.transaction ?? '') ?? [];
      list.push(line);
      byOrder.set(line.transaction ?? '', list);
    }
    if (!page.hasMore) return byOrder;
  }
}

