import type { DeliveryItem } from '../../../ports/storage.ts';
import type { DeliveryContext, ItemOutcome } from '../../../runtime/delivery/target.ts';
import { PermanentError } from '../../../runtime/errors.ts';
import type { Mapping } from '../../mapping/mapping.ts';
import type { SalesforceClient } from '../client.ts';
import { recordFailure, SALESFORCE_SYSTEM, type SalesforceRecordError } from '../failures.ts';
import { COLLECTION_MAX_RECORDS } from '../limits.ts';

export const EXTERNAL_ID_FIELD = 'External_Id__c';

interface UpsertResult {
  id?: string;
  success: boolean;
  created?: boolean;
  errors: SalesforceRecordError[];
}

/**
 * Upserts a batch of one operation with one sObject Collections request:
 * `PATCH /composite/sobjects/<Object>/External_Id__c`, up to 200 records, `allOrNone: false`,
 * so each record lands or fails on its own. Records the mapping cannot build fail alone
 * (their MappingError names the field) and are not sent.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_upsert.htm
 */
export async function upsertCollection(args: {
  object: string;
  batch: readonly DeliveryItem[];
  mapping: Mapping;
  client: SalesforceClient;
  context: DeliveryContext;
}): Promise<ItemOutcome[]> {
  const { object, batch, mapping, client, context } = args;
  if (batch.length > COLLECTION_MAX_RECORDS) {
    throw new PermanentError(`a collections upsert takes at most ${COLLECTION_MAX_RECORDS} records, got ${batch.length}`, { code: 'EXCEEDED_ID_LIMIT', system: SALESFORCE_SYSTEM });
  }
  const outcomes: (ItemOutcome | undefined)[] = new Array(batch.length).fill(undefined);
  const sent: { index: number; key: string; record: Record<string, unknown> }[] = [];
  for (const [index, item] of batch.entries()) {
    try {
      const fields = await mapping.apply(item.payload);
      const key = fields[EXTERNAL_ID_FIELD];
      if (typeof key !== 'string' || key === '') {
        throw new PermanentError(`${object} for ${item.key}: the mapping ${mapping.name} gave no ${EXTERNAL_ID_FIELD}`, { code: 'MISSING_EXTERNAL_ID', field: EXTERNAL_ID_FIELD, system: SALESFORCE_SYSTEM });
      }
      sent.push({ index, key, record: { attributes: { type: object }, ...fields } });
    } catch (error) {
      outcomes[index] = { ok: false, error };
    }
  }
  if (sent.length > 0) {
    const results = await client.request<UpsertResult[]>(
      {
        method: 'PATCH',
        path: `/composite/sobjects/${object}/${EXTERNAL_ID_FIELD}`,
        body: { allOrNone: false, records: sent.map((entry) => entry.record) },
        what: `upsert ${sent.length} ${object}`,
      },
      (signal) => context.reportQuota(signal),
    );
    sent.forEach((entry, position) => {
      const result = results[position];
      outcomes[entry.index] =
        result?.success && result.id
          ? { ok: true, externalId: result.id }
          : { ok: false, error: recordFailure(result?.errors[0], { object, key: entry.key }) };
    });
  }
  return outcomes.map((outcome) => outcome ?? { ok: false, error: new PermanentError('no result for the record', { system: SALESFORCE_SYSTEM }) });
}
