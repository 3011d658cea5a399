import type { DeliveryItem } from '../../../ports/storage.ts';
import type { DeliveryContext, ItemOutcome } from '../../../runtime/delivery/target.ts';
import { PermanentError } from '../../../runtime/errors.ts';
import type { Mapping } from '../../mapping/mapping.ts';
import type { SalesforceClient } from '../client.ts';
import { recordFailure, SALESFORCE_SYSTEM, type SalesforceRecordError } from '../failures.ts';
import { COLLECTION_MAX_RECORDS } from '../limits.ts';

export const EXTERNAL_ID_FIELD = 'External_Id__c';

/** A SaveResult (update) or UpsertResult of sObject Collections: one per record, in request order. */
interface CollectionResult {
  id?: string;
  success: boolean;
  created?: boolean;
  errors: SalesforceRecordError[];
}

/** A record to send, with the delivery item it answers for. */
interface PendingRecord {
  index: number;
  /** How a failure names the record: its external id, and its Id when it is updated by Id. */
  key: string;
  record: Record<string, unknown>;
}

/**
 * Writes a batch of one operation with sObject Collections, up to 200 records, `allOrNone:
 * false`, so each record lands or fails on its own:
 * - by default an upsert by external id: `PATCH /composite/sobjects/<Object>/External_Id__c`;
 * - records for which `recordIdOf` names a Salesforce Id (a record Salesforce created itself,
 *   without External_Id__c) are updated by that Id instead, in one `PATCH /composite/sobjects`
 *   request carrying `attributes.type` and `Id`, and get External_Id__c set in the same update.
 *   An upsert would not find them and would create a duplicate; an update of an Id that is gone
 *   fails with Salesforce's code (ENTITY_IS_DELETED, INVALID_CROSS_REFERENCE_KEY) and never creates.
 * Records the mapping cannot build fail alone (their MappingError names the field) and are not
 * sent. Each outcome is the one of its own record, whichever request carried it.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_upsert.htm
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_update.htm
 */
export async function upsertCollection(args: {
  object: string;
  batch: readonly DeliveryItem[];
  mapping: Mapping;
  client: SalesforceClient;
  context: DeliveryContext;
  /** The Id of the existing record a payload names, to update by Id rather than upsert. */
  recordIdOf?: (payload: unknown) => string | undefined;
}): Promise<ItemOutcome[]> {
  const { object, batch, mapping, client, context, recordIdOf } = args;
  if (batch.length > COLLECTION_MAX_RECORDS) {
    throw new PermanentError(`a collections upsert takes at most ${COLLECTION_MAX_RECORDS} records, got ${batch.length}`, { code: 'EXCEEDED_ID_LIMIT', system: SALESFORCE_SYSTEM });
  }
  const outcomes: (ItemOutcome | undefined)[] = new Array(batch.length).fill(undefined);
  const upserts: PendingRecord[] = [];
  const updates: PendingRecord[] = [];
  for (const [index, item] of batch.entries()) {
    try {
      const fields = await mapping.apply(item.payload);
      const key = fields[EXTERNAL_ID_FIELD];
      if (typeof key !== 'string' || key === '') {
        throw new PermanentError(`${object} for ${item.key}: the mapping ${mapping.name} gave no ${EXTERNAL_ID_FIELD}`, { code: 'MISSING_EXTERNAL_ID', field: EXTERNAL_ID_FIELD, system: SALESFORCE_SYSTEM });
      }
      const id = recordIdOf?.(item.payload);
      if (id === undefined) upserts.push({ index, key, record: { attributes: { type: object }, ...fields } });
      else updates.push({ index, key: `${key} (Id ${id})`, record: { attributes: { type: object }, ...fields, Id: id } });
    } catch (error) {
      outcomes[index] = { ok: false, error };
    }
  }
  const send = async (pending: PendingRecord[], request: { path: string; what: string }): Promise<void> => {
    if (pending.length === 0) return;
    const results = await client.request<CollectionResult[]>(
      { method: 'PATCH', path: request.path, body: { allOrNone: false, records: pending.map((entry) => entry.record) }, what: request.what },
      (signal) => context.reportQuota(signal),
    );
    pending.forEach((entry, position) => {
      const result = results[position];
      outcomes[entry.index] =
        result?.success && result.id
          ? { ok: true, externalId: result.id }
          : { ok: false, error: recordFailure(result?.errors[0], { object, key: entry.key }) };
    });
  };
  await send(upserts, { path: `/composite/sobjects/${object}/${EXTERNAL_ID_FIELD}`, what: `upsert ${upserts.length} ${object}` });
  await send(updates, { path: '/composite/sobjects', what: `update ${updates.length} ${object} by Id` });
  return outcomes.map((outcome) => outcome ?? { ok: false, error: new PermanentError('no result for the record', { system: SALESFORCE_SYSTEM }) });
}
