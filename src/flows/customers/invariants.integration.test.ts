import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../../adapters/sqlite/index.ts';
import type { Customer } from '../../canonical/customer.ts';
import { startAllSandboxes, type RunningSandboxes } from '../../sandboxes/run-all.ts';
import { flowSettings } from '../settings.ts';
import { customerInvariants } from './invariants.ts';
import { CustomerRecordEntity } from './records.ts';
import { profile } from './testing/fixtures.ts';

let sandboxes: RunningSandboxes;
let adapters: EmbeddedAdapters;
beforeAll(async () => {
  sandboxes = await startAllSandboxes({ latency: 'fast' });
  adapters = await openSqlite({ path: ':memory:' });
});
afterAll(async () => {
  await adapters?.close();
  await sandboxes?.closeAll();
});

let version = 1;
async function putGolden(customer: Customer): Promise<void> {
  version += 1;
  await adapters.storage.records.put({ entity: CustomerRecordEntity.golden, key: customer.hubId, data: customer, version }, Date.now());
}

async function editAccount(hubId: string, fields: Record<string, unknown>): Promise<void> {
  const { salesforce } = sandboxes.directory;
  const response = await fetch(`${salesforce.url}/services/data/v${salesforce.apiVersion}/sobjects/Account/External_Id__c/${hubId}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${sandboxes.salesforce.createSession()}`, 'content-type': 'application/json' },
    body: JSON.stringify(fields),
  });
  if (!response.ok) throw new Error(`Salesforce refused: ${response.status}`);
}

const check = () => customerInvariants({ sandboxes, records: adapters.storage.records, storage: adapters.storage, settings: flowSettings() });

describe('customer invariants', () => {
  it('hold when every system has the owners\' values and no two customers share an e-mail', async () => {
    await putGolden(profile({ sourceSystem: 'netsuite', sourceTimestamp: '2026-11-23T09:00:00Z' }));
    await putGolden(
      profile({
        hubId: 'CUST-B2B-0001',
        sourceSystem: 'netsuite',
        sourceTimestamp: '2026-11-23T09:00:00Z',
        partyType: 'business',
        companyName: 'Harbour Outfitters Ltd',
        name: { full: 'Harbour Outfitters Ltd' },
        emails: [{ address: 'ap@harbour-outfitters.example', use: 'work', primary: true }],
        billingAccount: { accountNumber: 'CUST-B2B-0001', creditLimit: { amount: '25000.00', currency: 'USD' }, status: 'active' },
      }),
    );
    await editAccount('CUST-B2B-0001', { AccountNumber: 'CUST-B2B-0001' });
    const results = await check();
    expect(results['customers.ownerWins']).toMatchObject({ ok: true, details: { customers: 2, checked: { netsuite: 2, salesforce: 2, shopify: 1 }, mismatches: 0 } });
    expect(results['customers.noDuplicates']).toMatchObject({ ok: true, details: { sharedEmails: 0 } });
  });

  it('fail on a Salesforce opt-out Shopify does not show, and on two customers sharing an e-mail, naming them (masked)', async () => {
    await editAccount('CUST-0001', { PersonHasOptedOutOfEmail: true });
    await putGolden(profile({ hubId: 'shopify-customer-42', sourceSystem: 'shopify', sourceTimestamp: '2026-11-23T09:00:00Z' }));
    const results = await check();
    expect(results['customers.ownerWins']!.ok).toBe(false);
    expect((results['customers.ownerWins']!.details as { offending: unknown[] }).offending).toEqual(
      expect.arrayContaining([
        { hubId: 'CUST-0001', system: 'salesforce', field: 'PersonHasOptedOutOfEmail' },
        { hubId: 'CUST-0001', system: 'shopify', field: 'emailMarketingConsent' },
      ]),
    );
    expect(results['customers.noDuplicates']).toEqual({
      ok: false,
      details: { customers: 3, sharedEmails: 1, offending: [{ email: '***@example.com', hubIds: ['CUST-0001', 'shopify-customer-42'] }] },
    });
  });
});
