import jsforce from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SalesforceSandbox } from '../index.ts';
import { startSalesforceSandbox } from '../index.ts';

let sandbox: SalesforceSandbox;
let conn: jsforce.Connection;

beforeAll(async () => {
  sandbox = await startSalesforceSandbox();
  conn = new jsforce.Connection({ instanceUrl: sandbox.url, accessToken: sandbox.createSession(), version: '62.0' });
});

afterAll(async () => {
  await sandbox.close();
});

describe('Bulk API 2.0 ingest with jsforce', () => {
  it('upserts records by external id and reports successful and failed rows', async () => {
    await conn.sobject('Product2').create({ Name: 'Existing', External_Id__c: 'SKU-1' });
    const results = await conn.bulk2.loadAndWaitForResults({
      object: 'Product2',
      operation: 'upsert',
      externalIdFieldName: 'External_Id__c',
      input: [
        // jsforce takes the CSV columns from the first record, so every record lists the same fields.
        { External_Id__c: 'SKU-1', Name: 'Existing, renamed', IsActive: true, Family: 'Apparel' },
        { External_Id__c: 'SKU-2', Name: 'Trail "Pro" Boots', IsActive: false, Family: 'Footwear' },
        { External_Id__c: 'SKU-3', Name: 'Bad family', IsActive: false, Family: 'Groceries' },
      ],
      pollInterval: 10,
      pollTimeout: 5_000,
    });
    expect(results.successfulResults.map((r) => [(r as Record<string, unknown>).External_Id__c, r.sf__Created])).toEqual([
      ['SKU-1', 'false'],
      ['SKU-2', 'true'],
    ]);
    expect(results.failedResults).toHaveLength(1);
    expect(String(results.failedResults[0]?.sf__Error)).toMatch(/^INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST:/);
    const stored = await conn.query<{ Name: string; IsActive: boolean }>("SELECT Name, IsActive FROM Product2 WHERE External_Id__c IN ('SKU-1', 'SKU-2') ORDER BY Name");
    expect(stored.records).toEqual([
      expect.objectContaining({ Name: 'Existing, renamed', IsActive: true }),
      expect.objectContaining({ Name: 'Trail "Pro" Boots', IsActive: false }),
    ]);
    const limits = await conn.limits();
    expect(limits.DailyBulkApiBatches).toEqual({ Max: 15_000, Remaining: 14_999 });
  });

  it('refuses an upsert job without a valid external id field', async () => {
    const response = await conn.requestPost('/services/data/v62.0/jobs/ingest', { object: 'Account', operation: 'upsert', externalIdFieldName: 'Name' }).catch((error: { errorCode: string }) => error.errorCode);
    expect(response).toBe('INVALIDJOB');
  });
});
