import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../../adapters/sqlite/index.ts';
import { emptySyncState, loadGolden, saveGolden, type GoldenCustomer } from './golden.ts';
import { combineDuplicates, recordMerge, unmergeCustomers } from './merges.ts';
import { profile } from './testing/fixtures.ts';

let adapters: EmbeddedAdapters;
beforeEach(async () => {
  adapters = await openSqlite({ path: ':memory:' });
});
afterEach(async () => {
  await adapters.close();
});

const NOW = Date.parse('2026-11-23T12:00:00Z');
const SYSTEMS = { erp: 'netsuite', crm: 'salesforce', commerce: 'shopify' } as const;
const SHOPIFY_ID = 'gid://shopify/Customer/7';

/** Jane as the ERP and the CRM know her (no storefront account), with what the hub last sent each. */
function survivor(): GoldenCustomer {
  const customer = profile({ hubId: 'CUST-0001', sourceSystem: 'netsuite', sourceTimestamp: '2026-11-23T09:00:00Z', externalIds: { netsuite: '1044', salesforce: '001A' } });
  const state = emptySyncState('CUST-0001', NOW);
  state.targets = { erp: { sequence: 1, fields: {} }, crm: { sequence: 1, fields: {} } };
  return { customer, state };
}

/** Her storefront account, known only to Shopify, with a loyalty number the survivor lacks. */
function duplicate(): GoldenCustomer {
  const customer = profile({
    hubId: 'shopify-customer-7',
    sourceSystem: 'shopify',
    sourceTimestamp: '2026-11-23T10:00:00Z',
    externalIds: { shopify: SHOPIFY_ID },
    emails: [{ address: 'jane.d@mail.example', use: 'personal', primary: true }],
    loyalty: { memberId: 'L-7781', tier: 'gold' },
  });
  const state = emptySyncState('shopify-customer-7', NOW);
  state.targets = { commerce: { sequence: 1, fields: {} } };
  return { customer, state };
}

describe('a merge where the survivor takes over the duplicate’s record in a system, and its undo', () => {
  it('gives the survivor the Shopify record it had none of, and gives it back on undo with what it took', async () => {
    const records = adapters.storage.records;
    const trigger = { system: 'salesforce', eventId: 'evt-1', correlationId: null };
    const { survivor: combined, merge } = combineDuplicates({ survivor: survivor(), merged: duplicate(), matchedOn: ['phone'], trigger, now: NOW, systems: SYSTEMS });

    // Shopify: the survivor had no record there, so it takes the duplicate's, and is sent afresh.
    expect(combined.customer.externalIds).toEqual({ netsuite: '1044', salesforce: '001A', shopify: SHOPIFY_ID });
    expect(merge.contributed.externalIds).toEqual({ shopify: SHOPIFY_ID });
    expect(merge.conflictingExternalIds).toEqual({});
    expect(Object.keys(combined.state.targets).sort()).toEqual(['crm', 'erp']);
    // Her own values win; what she lacked (the loyalty number) comes from the duplicate.
    expect(combined.customer.emails[0]!.address).toBe('jane.doe@example.com');
    expect(combined.customer.loyalty).toMatchObject({ memberId: 'L-7781' });
    expect(combined.state.aliases).toEqual(['shopify-customer-7']);

    await saveGolden(records, duplicate(), { customerChanged: true, now: NOW });
    await saveGolden(records, combined, { customerChanged: true, now: NOW });
    await recordMerge(records, merge, NOW);
    expect(await loadGolden(records, 'shopify-customer-7')).toBeUndefined();

    const undone = await unmergeCustomers(records, merge.mergeId, { actor: 'operator', reason: 'two people sharing a phone', now: NOW + 60_000 });
    expect(undone.outcome).toBe('undone');
    const [jane, storefront] = [await loadGolden(records, 'CUST-0001'), await loadGolden(records, 'shopify-customer-7')];
    // The Shopify record is the restored customer's again; the survivor keeps only her own.
    expect(jane!.customer.externalIds).toEqual({ netsuite: '1044', salesforce: '001A' });
    expect(storefront!.customer.externalIds).toEqual({ shopify: SHOPIFY_ID });
    expect(jane!.customer.loyalty).toBeUndefined();
    expect(storefront!.customer.loyalty).toMatchObject({ memberId: 'L-7781' });
    expect(jane!.state.aliases).toEqual([]);
    // Both are sent to every system afresh, and never merged again by the same match.
    expect(jane!.state.targets).toEqual({});
    expect(storefront!.state.targets).toEqual({});
    expect(jane!.state.distinctFrom).toContain('shopify-customer-7');
    expect(storefront!.state.distinctFrom).toContain('CUST-0001');
  });
});
