import { formatDateTime, parseTemporal } from '../data/values.ts';
import { SalesforceApiError } from '../errors.ts';
import type { ObjectDef } from '../schema/types.ts';
import type { RestCall, RestResult } from './types.ts';

/**
 * Replication resources: `GET /sobjects/{SObject}/updated/?start=&end=` (ids changed in the
 * window) and `/deleted/?start=&end=` (deleted records and when). Times are rounded down to the
 * minute; the window may reach back at most 30 days.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_getupdated.htm
 */
const MINUTE_MS = 60_000;
const MAX_AGE_MS = 30 * 24 * 60 * MINUTE_MS;

function window(call: RestCall): { start: number; end: number } {
  const parse = (name: 'start' | 'end'): number => {
    const raw = call.query[name];
    if (!raw) throw new SalesforceApiError({ errorCode: 'MISSING_ARGUMENT', message: `Missing required parameter: ${name}` });
    const ms = parseTemporal(raw);
    if (Number.isNaN(ms)) throw new SalesforceApiError({ errorCode: 'INVALID_REPLICATION_DATE', message: `Invalid ${name} date: ${raw}` });
    return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
  };
  const start = parse('start');
  const end = Math.min(parse('end'), Math.floor(call.now / MINUTE_MS) * MINUTE_MS);
  if (end < start) throw new SalesforceApiError({ errorCode: 'INVALID_REPLICATION_DATE', message: 'end date must be after start date' });
  if (call.now - start > MAX_AGE_MS) throw new SalesforceApiError({ errorCode: 'INVALID_REPLICATION_DATE', message: 'start date cannot be more than 30 days ago' });
  return { start, end };
}

export function getUpdated(call: RestCall, object: ObjectDef): RestResult {
  const { start, end } = window(call);
  const ids: string[] = [];
  for (const record of call.org.store.all(object)) {
    const stamp = parseTemporal(String(record.SystemModstamp));
    if (stamp >= start && stamp < end) ids.push(String(record.Id));
  }
  return { status: 200, body: { ids, latestDateCovered: formatDateTime(end) } };
}

export function getDeleted(call: RestCall, object: ObjectDef): RestResult {
  const { start, end } = window(call);
  const deletedRecords: { id: string; deletedDate: string }[] = [];
  let earliest = end;
  for (const record of call.org.store.deleted(object)) {
    const stamp = parseTemporal(String(record.SystemModstamp));
    earliest = Math.min(earliest, stamp);
    if (stamp >= start && stamp < end) deletedRecords.push({ id: String(record.Id), deletedDate: String(record.SystemModstamp) });
  }
  return { status: 200, body: { deletedRecords, earliestDateAvailable: formatDateTime(earliest), latestDateCovered: formatDateTime(end) } };
}
