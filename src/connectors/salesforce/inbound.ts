import type { CloudEvent } from '../../canonical/cloudevent.ts';
import { createRetailEvent } from '../../canonical/events/create-event.ts';
import type { RetailEventData } from '../../canonical/events/catalogue.ts';
import type { Logger } from '../../observability/logger.ts';
import type { DeltaPoller, PollResult } from '../connector.ts';
import type { Mapping } from '../mapping/mapping.ts';
import type { SalesforceClient } from './client.ts';

interface QueryPage {
  records: Record<string, unknown>[];
  done: boolean;
  nextRecordsUrl?: string;
}

export interface SystemModstampPollerOptions {
  client: SalesforceClient;
  object: 'Account' | 'Case' | 'Order';
  /** Fields read (Id and SystemModstamp are always added); the mapping reads these. */
  fields: readonly string[];
  /** A SOQL condition the changes must also meet, e.g. `Status = 'Activated'` (default: every change). */
  where?: string;
  /**
   * Adds what the mapping needs beyond the object's own fields (related records read with
   * separate queries) to one page of changed records, keeping their order and their Id and
   * SystemModstamp. A failure fails the poll: the page is read again on the next run.
   */
  enrich?: (records: Record<string, unknown>[]) => Promise<Record<string, unknown>[]>;
  mapping: Mapping;
  /** Bound in the mapping next to `$stamp` (e.g. `$currency`). */
  bindings?: Record<string, unknown>;
  eventType: 'retail.customer.updated.v1' | 'retail.case.updated.v1' | 'retail.order.placed.v1';
  /** CloudEvents `source`, e.g. `crossdock://connectors/salesforce/<org id>`. */
  source: string;
  /** Unique per installation: names the job and its watermark. */
  name: string;
  everyMs: number;
  /** Where an initial run starts (RFC 3339). Default: the epoch, i.e. every record once. */
  since?: string;
  logger?: Pick<Logger, 'warn'>;
}

/** A watermark is `<SystemModstamp as RFC 3339>|<Id>`: the last change emitted. */
export function parseWatermark(watermark: string): { stamp: string; id: string } {
  const [stamp = '1970-01-01T00:00:00.000Z', id = ''] = watermark.split('|');
  return { stamp, id };
}

/** Salesforce writes `2026-11-23T09:00:00.000+0000`; RFC 3339 (and the canonical model) wants `Z` or `+00:00`. */
export function toRfc3339(value: unknown): unknown {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{4}$/.test(value)) return value;
  return new Date(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')).toISOString();
}

/**
 * A record as the mappings read it: Salesforce sends empty fields as null, the canonical model
 * leaves them out; datetimes in RFC 3339. Related records and child lists are normalised too.
 */
export function normaliseRecord(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normaliseRecord);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== null).map(([key, field]) => [key, normaliseRecord(field)]));
  }
  return toRfc3339(value);
}

/**
 * Delta polling on SystemModstamp (which also moves on system changes, unlike LastModifiedDate).
 * Changes are read in (SystemModstamp, Id) order strictly after the watermark (see readChanges
 * for records sharing the watermark's stamp), so a change is neither skipped nor re-emitted even
 * when hundreds of records carry the same stamp. Pages follow `nextRecordsUrl` while the cursor
 * is alive; an expired cursor falls back to a fresh query from the watermark.
 * Event ids are `<Id>@<SystemModstamp>`, so a page read twice yields duplicates the log drops.
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_fields.htm
 */
export function systemModstampPoller(options: SystemModstampPollerOptions): DeltaPoller {
  const { client, object } = options;
  const fields = [...new Set(['Id', 'SystemModstamp', ...options.fields])];
  /** The open cursor: valid only for the watermark it was opened for (the last record of the page before). */
  let cursor: { watermark: string; nextRecordsUrl: string } | undefined;

  const freshQuery = (watermark: string): string => {
    const { stamp, id } = parseWatermark(watermark);
    // `>=`: the records sharing the watermark's stamp are read again and the ones up to its Id dropped.
    const filter = options.where ? `(${options.where}) AND ` : '';
    const soql = `SELECT ${fields.join(', ')} FROM ${object} WHERE ${filter}SystemModstamp ${id === '' ? '>' : '>='} ${stamp} ORDER BY SystemModstamp, Id`;
    return `/query?q=${encodeURIComponent(soql)}`;
  };

  /**
   * The changes after the watermark, one page. A cursor opened for this watermark continues
   * exactly where the last page ended. A fresh query starts at the watermark's stamp: records of
   * that stamp are skipped up to and including the watermark's Id, in the org's own order, so
   * the result does not depend on how ids collate. If that record has moved on (changed again),
   * the ones of the stamp with a greater Id are kept (ids compare as case-sensitive base-62).
   */
  async function readChanges(watermark: string): Promise<{ records: Record<string, unknown>[]; done: boolean; nextRecordsUrl?: string }> {
    if (cursor?.watermark === watermark) {
      const next = cursor.nextRecordsUrl;
      cursor = undefined;
      try {
        return await client.request<QueryPage>({ method: 'GET', path: next, what: `read the next ${object} changes` });
      } catch (error) {
        // INVALID_QUERY_LOCATOR (cursor expired after 15 minutes idle, or dropped): start again.
        if ((error as { code?: string }).code !== 'INVALID_QUERY_LOCATOR') throw error;
      }
    }
    const mark = parseWatermark(watermark);
    const markStamp = Date.parse(mark.stamp);
    let page = await client.request<QueryPage>({ method: 'GET', path: freshQuery(watermark), what: `read ${object} changes` });
    let passed = mark.id === '';
    const undecided: Record<string, unknown>[] = [];
    const kept: Record<string, unknown>[] = [];
    for (;;) {
      for (const record of page.records) {
        if (!passed && Date.parse(String(toRfc3339(record.SystemModstamp))) === markStamp) {
          if (record.Id === mark.id) passed = true;
          else undecided.push(record);
          continue;
        }
        if (!passed) {
          kept.push(...undecided.filter((tied) => String(tied.Id) > mark.id));
          passed = true;
        }
        kept.push(record);
      }
      // A page made only of already-emitted ties: read on, so that the poll makes progress.
      if (kept.length > 0 || page.done || !page.nextRecordsUrl) break;
      page = await client.request<QueryPage>({ method: 'GET', path: page.nextRecordsUrl, what: `read the next ${object} changes` });
    }
    if (!passed) kept.push(...undecided.filter((tied) => String(tied.Id) > mark.id));
    return { records: kept, done: page.done, ...(page.nextRecordsUrl !== undefined && { nextRecordsUrl: page.nextRecordsUrl }) };
  }

  async function toEvent(record: Record<string, unknown>): Promise<CloudEvent | undefined> {
    const normalised = normaliseRecord(record) as Record<string, unknown>;
    const stamp = String(normalised.SystemModstamp);
    try {
      const data = await options.mapping.apply(normalised, { ...options.bindings, stamp });
      return createRetailEvent({
        type: options.eventType,
        data: data as RetailEventData<typeof options.eventType>,
        source: options.source,
        id: `salesforce:${object}:${String(record.Id)}@${stamp}`,
        time: stamp,
      });
    } catch (error) {
      // One record the canonical model cannot hold must not stop the stream behind it.
      options.logger?.warn({ system: 'salesforce', object, recordId: record.Id, error: (error as Error).message }, `Salesforce ${object} change not mapped; skipped`);
      return undefined;
    }
  }

  return {
    name: options.name,
    everyMs: options.everyMs,
    initialWatermark: () => `${options.since ?? '1970-01-01T00:00:00.000Z'}|`,
    async poll({ watermark }): Promise<PollResult> {
      const page = await readChanges(watermark);
      const records = options.enrich && page.records.length > 0 ? await options.enrich(page.records) : page.records;
      const events: CloudEvent[] = [];
      for (const record of records) {
        const event = await toEvent(record);
        if (event) events.push(event);
      }
      const last = page.records[page.records.length - 1];
      const next = last ? `${String(toRfc3339(last.SystemModstamp))}|${String(last.Id)}` : watermark;
      if (!page.done && page.nextRecordsUrl) cursor = { watermark: next, nextRecordsUrl: page.nextRecordsUrl };
      return { events, watermark: next, more: !page.done };
    },
  };
}
