import { afterEach, describe, expect, it } from 'vitest';
import type { SalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import { connectedSandbox, customer, recordByExternalId, records } from './test-support.ts';

let sandbox: SalesforceSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe('Salesforce connector: Bulk API 2.0 upsert for initial loads', () => {
  it('upserts by External_Id__c in one ingest job and reports refused rows with their code', async () => {
    const opened = await connectedSandbox();
    sandbox = opened.sandbox;
    const { connector } = opened;
    expect(connector.bulkThreshold).toBe(10_000);
    const products = Array.from({ length: 1_500 }, (_, index) => ({ External_Id__c: `SKU-${index}`, Name: `Item ${index}`, ProductCode: `SKU-${index}`, IsActive: true }));
    const first = await connector.bulkUpsert('Product2', products, { pollIntervalMs: 10 });
    expect(first).toEqual({ created: 1_500, updated: 0, failed: [] });
    expect(connector.client.calls.requests).toBe(0);

    const again = await connector.bulkUpsert('Product2', [{ External_Id__c: 'SKU-1', Name: 'Renamed', Family: 'Footwear' }, { External_Id__c: 'SKU-NEW', Name: 'Bad family', Family: 'Groceries' }], { pollIntervalMs: 10 });
    expect(again.created + again.updated).toBe(1);
    expect(again.failed).toEqual([{ externalId: 'SKU-NEW', error: expect.stringMatching(/^INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST/) }]);
    expect(records(sandbox, 'Product2')).toHaveLength(1_500);
    expect(recordByExternalId(sandbox, 'Product2', 'SKU-1')).toMatchObject({ Name: 'Renamed', Family: 'Footwear', IsActive: true });
  });

  it('bulk-loads canonical customers with the operation\'s own mapping, logging in again when the session ended', async () => {
    const opened = await connectedSandbox();
    sandbox = opened.sandbox;
    const { connector } = opened;
    await connector.bulkUpsert('Product2', [{ External_Id__c: 'WARM-UP', Name: 'Warm-up' }], { pollIntervalMs: 10 });
    expect(sandbox.expireSessions()).toBeGreaterThan(0);
    const customers = Array.from({ length: 300 }, () => customer());
    const result = await connector.bulkLoad('upsertCustomer', customers, { pollIntervalMs: 10 });
    expect(result).toEqual({ created: 300, updated: 0, failed: [] });
    expect(connector.client.calls.logins).toBe(2);
    expect(recordByExternalId(sandbox, 'Account', customers[0]!.hubId)).toMatchObject({ IsPersonAccount: true, LastName: customers[0]!.name.family });
  });
});
