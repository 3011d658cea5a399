import type { Mapping } from '../mapping/mapping.ts';
import type { SalesforceClient } from './client.ts';
import { requestFailure, SALESFORCE_SYSTEM } from './failures.ts';
import { EXTERNAL_ID_FIELD } from './outbound/collections.ts';

export interface BulkUpsertResult {
  created: number;
  updated: number;
  failed: { externalId: string; error: string }[];
}

/** Above this many records an initial load goes through Bulk API 2.0 rather than collections. */
export const DEFAULT_BULK_THRESHOLD = 10_000;

/**
 * Upserts many records by `External_Id__c` with a Bulk API 2.0 ingest job (CSV upload, processed
 * asynchronously, every started 10,000 records is one of the org's 15,000 daily batches) — for
 * initial loads and backfills, where 200-record collections would spend thousands of calls.
 * https://developer.salesforce.com/docs/atlas.en-us.api_bulk_v2.meta/api_bulk_v2/bulk_api_2_limits.htm
 */
export async function bulkUpsert(client: SalesforceClient, args: { object: string; records: Record<string, unknown>[]; pollIntervalMs?: number; pollTimeoutMs?: number }): Promise<BulkUpsertResult> {
  if (args.records.length === 0) return { created: 0, updated: 0, failed: [] };
  // jsforce takes the CSV columns from the first record: give every record the same columns.
  const columns = [...new Set(args.records.flatMap((record) => Object.keys(record)))];
  const input = args.records.map((record) => Object.fromEntries(columns.map((column) => [column, record[column] ?? ''])));
  const load = async () => {
    const conn = await client.connection();
    return conn.bulk2.loadAndWaitForResults({
      object: args.object,
      operation: 'upsert',
      externalIdFieldName: EXTERNAL_ID_FIELD,
      input,
      pollInterval: args.pollIntervalMs ?? 5_000,
      pollTimeout: args.pollTimeoutMs ?? 30 * 60_000,
    });
  };
  try {
    let results: Awaited<ReturnType<typeof load>>;
    try {
      results = await load();
    } catch (error) {
      if ((error as { errorCode?: string }).errorCode !== 'INVALID_SESSION_ID') throw error;
      // The session ended mid-job: log in again and run the job again (an upsert by external id is idempotent).
      await client.refreshSession(client.conn.accessToken ?? undefined);
      results = await load();
    }
    const created = results.successfulResults.filter((row) => String(row.sf__Created) === 'true').length;
    return {
      created,
      updated: results.successfulResults.length - created,
      failed: results.failedResults.map((row) => ({ externalId: String((row as Record<string, unknown>)[EXTERNAL_ID_FIELD] ?? ''), error: String(row.sf__Error) })),
    };
  } catch (error) {
    throw requestFailure({ error, status: undefined, headers: {}, what: `${SALESFORCE_SYSTEM} bulk upsert of ${args.records.length} ${args.object}` });
  }
}

/**
 * Bulk-loads canonical payloads of a collections operation (`upsertCustomer`, `upsertProduct`,
 * ...) with the same mapping the operation uses: the backfill path for initial loads above the
 * connector's `bulkThreshold`. Payloads the mapping cannot build are reported as failed.
 */
export async function bulkLoad(
  client: SalesforceClient,
  args: { object: string; mapping: Mapping; payloads: readonly unknown[]; pollIntervalMs?: number },
): Promise<BulkUpsertResult> {
  const records: Record<string, unknown>[] = [];
  const failed: BulkUpsertResult['failed'] = [];
  for (const payload of args.payloads) {
    try {
      records.push(await args.mapping.apply(payload));
    } catch (error) {
      failed.push({ externalId: '', error: `MAPPING_ERROR: ${(error as Error).message}` });
    }
  }
  const result = await bulkUpsert(client, { object: args.object, records, ...(args.pollIntervalMs !== undefined && { pollIntervalMs: args.pollIntervalMs }) });
  return { ...result, failed: [...failed, ...result.failed] };
}
