import { SalesforceApiError, malformedQuery } from '../errors.ts';
import { MIN_QUERY_BATCH_SIZE, DEFAULT_QUERY_BATCH_SIZE } from '../options.ts';
import type { SObjectRecord } from '../schema/types.ts';
import type { Page } from '../soql/cursors.ts';
import { planQuery } from '../soql/plan.ts';
import { renderRecord } from './records.ts';
import { methodNotAllowed } from './sobjects.ts';
import type { RestCall, RestResult } from './types.ts';

/**
 * `GET /query?q=SOQL` and `GET /query/{locator}`, and `queryAll`, which also returns deleted
 * records (in the Recycle Bin, IsDeleted = true). Results are paged with `nextRecordsUrl`; the page size is
 * the org's batch size (2,000 by default) or the `Sforce-Query-Options: batchSize=n` header
 * (200..2,000).
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm
 */
export function handleQuery(call: RestCall): RestResult {
  if (call.method !== 'GET') throw methodNotAllowed(call.method);
  const [resource, locator, ...rest] = call.path;
  if (rest.length > 0) throw methodNotAllowed(call.method);
  return locator === undefined ? firstPage(call, resource ?? 'query') : nextPage(call, resource ?? 'query', locator);
}

function batchSize(call: RestCall): number {
  const option = /batchSize\s*=\s*(\d+)/i.exec(call.headers['sforce-query-options'] ?? '');
  if (!option) return call.org.settings.queryBatchSize;
  return Math.min(DEFAULT_QUERY_BATCH_SIZE, Math.max(MIN_QUERY_BATCH_SIZE, Number(option[1])));
}

function firstPage(call: RestCall, resource: string): RestResult {
  const soql = call.query.q;
  if (!soql) throw malformedQuery('A query string has to be specified');
  const plan = planQuery({ catalog: call.org.catalog, soql, now: call.now, related: (object, id) => call.org.store.get(object, id) });
  const matched: SObjectRecord[] = [];
  for (const record of call.org.store.all(plan.object)) if (plan.matches(record)) matched.push(record);
  // queryAll also returns deleted records (IsDeleted = true) from the Recycle Bin.
  if (resource === 'queryAll') for (const record of call.org.store.deleted(plan.object)) if (plan.matches(record)) matched.push(record);
  if (plan.sorted) matched.sort(plan.compare);
  const start = plan.offset ?? 0;
  const end = plan.limit === undefined ? undefined : start + plan.limit;
  const selected = matched.slice(start, end);
  if (plan.fields === 'count') return { status: 200, body: { totalSize: selected.length, done: true, records: [] } };
  const fields = plan.fields;
  const rows = selected.map((record) => renderRecord(plan.object, record, call.version, fields));
  const page = call.org.cursors.open({ userId: call.session.userId, rows, batchSize: batchSize(call), now: call.now });
  return { status: 200, body: pageBody(call, resource, page) };
}

function nextPage(call: RestCall, resource: string, locator: string): RestResult {
  const page = call.org.cursors.more({ locator, userId: call.session.userId, now: call.now });
  if (!page) throw new SalesforceApiError({ errorCode: 'INVALID_QUERY_LOCATOR', message: 'invalid query locator' });
  return { status: 200, body: pageBody(call, resource, page) };
}

function pageBody(call: RestCall, resource: string, page: Page<unknown>) {
  return {
    totalSize: page.totalSize,
    done: page.nextLocator === undefined,
    ...(page.nextLocator ? { nextRecordsUrl: `/services/data/v${call.version}/${resource}/${page.nextLocator}` } : {}),
    records: page.rows,
  };
}
