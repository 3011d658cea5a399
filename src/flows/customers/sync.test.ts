import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../../adapters/sqlite/index.ts';
import type { Customer } from '../../canonical/customer.ts';
import type { RetailFlowDependencies } from '../module.ts';
import { loadStats } from './changes.ts';
import { findGoldenCustomer, loadGolden } from './golden.ts';
import { unmergeCustomers } from './merges.ts';
import { CustomerRecordEntity, type CustomerMerge, type RejectedCustomerChange } from './records.ts';
import { recordWritesSent, syncCustomerReport, type SyncDecision } from './sync.ts';
import { customerEvent, profile, unitDeps } from './testing/fixtures.ts';

let adapters: EmbeddedAdapters;
let deps: RetailFlowDependencies;
beforeEach(async () => {
  adapters = await openSqlite({ path: ':memory:' });
  deps = unitDeps(adapters.storage.records);
});
afterEach(async () => {
  await adapters.close();
});

/** Handles a profile as the flow does: decide, then record the writes as handed to delivery. */
async function sync(customer: Customer, options: { time?: string; id?: string } = {}): Promise<SyncDecision> {
  const decision = await syncCustomerReport(customerEvent(customer, options), deps);
  await recordWritesSent(deps, decision.writes);
  return decision;
}

const roles = (decision: SyncDecision) => decision.writes.map((write) => write.role).sort();
const golden = async (hubId = 'CUST-0001') => (await loadGolden(adapters.storage.records, hubId))!.customer;

const T0 = '2026-11-23T09:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();

/** Jane as NetSuite's initial load, Salesforce's first poll and Shopify's first webhook report her. */
async function seedJane(): Promise<void> {
  await sync(profile({ sourceSystem: 'netsuite', sourceTimestamp: T0, externalIds: { netsuite: 'CUST-0001' } }));
  await sync(profile({ sourceSystem: 'salesforce', sourceTimestamp: at(1), externalIds: { salesforce: '001A' } }));
  await sync(profile({ hubId: 'shopify-customer-7', sourceSystem: 'shopify', sourceTimestamp: at(2), externalIds: { shopify: 'gid://shopify/Customer/7' } }));
}

describe('customer sync: a profile from any system', () => {
  it('creates the golden customer from the first profile and writes it everywhere but its source', async () => {
    const decision = await sync(profile({ sourceSystem: 'netsuite', sourceTimestamp: T0, externalIds: { netsuite: 'CUST-0001' } }));
    expect(decision.outcome).toBe('created');
    expect(roles(decision)).toEqual(['commerce', 'crm']);
    expect((await golden()).version).toBe(1);
  });

  it('treats the echo of its own write as nothing new: no change, no write', async () => {
    await seedJane();
    const echo = await sync(profile({ sourceSystem: 'salesforce', sourceTimestamp: at(5), externalIds: { salesforce: '001A' } }));
    expect(echo).toMatchObject({ outcome: 'unchanged', writes: [] });
    const shopifyEcho = await sync(profile({ hubId: 'shopify-customer-7', sourceSystem: 'shopify', sourceTimestamp: at(6), externalIds: { shopify: 'gid://shopify/Customer/7' } }));
    expect(shopifyEcho.writes).toEqual([]);
  });

  it('takes a contact change from any system and writes it to the others, not back to its source', async () => {
    await seedJane();
    const edit = await sync(
      profile({ hubId: 'shopify-customer-7', sourceSystem: 'shopify', sourceTimestamp: at(10), externalIds: { shopify: 'gid://shopify/Customer/7' }, phones: [{ number: '+13125550999', type: 'mobile', primary: true }] }),
    );
    expect(edit).toMatchObject({ outcome: 'updated', accepted: ['phones'] });
    expect(roles(edit)).toEqual(['crm', 'erp']);
    expect((await golden()).phones[0]!.number).toBe('+13125550999');
    // The golden record learned Shopify's id and the alias Shopify's events use.
    expect((await golden()).externalIds.shopify).toBe('gid://shopify/Customer/7');
    expect((await findGoldenCustomer(adapters.storage.records, { hubId: 'shopify-customer-7' }))?.hubId).toBe('CUST-0001');
  });

  it('refuses a change to a group the system does not own, records it, and restores the owner\'s value there', async () => {
    await seedJane();
    const attempt = await sync(
      profile({
        hubId: 'shopify-customer-7',
        sourceSystem: 'shopify',
        sourceTimestamp: at(10),
        externalIds: { shopify: 'gid://shopify/Customer/7' },
        taxId: 'DE811907980',
        consents: { email: { status: 'granted', source: 'shopify', capturedAt: at(10) } },
      }),
    );
    expect(attempt.outcome).toBe('unchanged');
    expect(attempt.rejected).toEqual([
      { group: 'consent', owner: 'crm', fields: ['consents'] },
      { group: 'billing', owner: 'erp', fields: ['taxId'] },
    ]);
    expect((await golden()).taxId).toBeUndefined();
    expect(roles(attempt)).toEqual(['commerce']); // Shopify is sent the owners' values back
    const changes = await adapters.storage.records.list<RejectedCustomerChange>(CustomerRecordEntity.change, { limit: 10 });
    expect(changes.map((record) => record.data)).toContainEqual(expect.objectContaining({ hubId: 'CUST-0001', system: 'shopify', role: 'commerce', group: 'billing', owner: 'erp', proposed: { taxId: 'DE811907980' } }));
    expect((await loadStats(adapters.storage.records)).stats.rejectedNonOwner).toBe(2);

    // Shopify reports the same refused values again before applying the restore: nothing new.
    const stillPending = await sync(
      profile({ hubId: 'shopify-customer-7', sourceSystem: 'shopify', sourceTimestamp: at(11), externalIds: { shopify: 'gid://shopify/Customer/7' }, taxId: 'DE811907980' }),
    );
    expect(stillPending.rejected).toEqual([]);
    expect(await adapters.storage.records.count(CustomerRecordEntity.change)).toBe(2);
  });

  it('lets the owner change its group and keeps its own copy out of what it is sent', async () => {
    await seedJane();
    const billing = { accountNumber: 'CUST-0001', creditLimit: { amount: '5000.00', currency: 'USD' }, status: 'active' as const };
    const owner = await sync(profile({ sourceSystem: 'netsuite', sourceTimestamp: at(20), externalIds: { netsuite: '1044' }, billingAccount: billing }));
    expect(owner.accepted).toEqual(['billingAccount']);
    expect(roles(owner)).toEqual(['crm']); // persons go to Shopify too, but Shopify holds no billing field to change
    expect((await golden()).externalIds.netsuite).toBe('1044');
    // Salesforce consent change: crm owns consent; the write to Salesforce itself leaves consent out.
    const optOut = await sync(
      profile({ sourceSystem: 'salesforce', sourceTimestamp: at(30), externalIds: { salesforce: '001A' }, consents: { email: { status: 'withdrawn', source: 'salesforce', capturedAt: at(30) } } }),
    );
    expect(optOut.accepted).toEqual(['consents']);
    expect(roles(optOut)).toEqual(['commerce']);
    const toCrm = owner.writes.find((write) => write.role === 'crm')!;
    expect(toCrm.payload.billingAccount).toEqual(billing);
    // NetSuite holds the customer: what it is sent leaves its own billing group out.
    const later = await sync(profile({ hubId: 'shopify-customer-7', sourceSystem: 'shopify', sourceTimestamp: at(40), externalIds: { shopify: 'gid://shopify/Customer/7' }, name: { given: 'Janet', family: 'Doe', full: 'Janet Doe' } }));
    expect(later.writes.find((write) => write.role === 'erp')!.payload.billingAccount).toBeUndefined();
    expect(later.writes.find((write) => write.role === 'crm')!.payload.consents).toEqual({});
  });

  it('drops an older profile of the same record that arrives late, and lets a newer one from another system win', async () => {
    await seedJane();
    const shopify = (seconds: number, phone: string) =>
      profile({ hubId: 'shopify-customer-7', sourceSystem: 'shopify', sourceTimestamp: at(seconds), externalIds: { shopify: 'gid://shopify/Customer/7' }, phones: [{ number: phone, type: 'mobile', primary: true }] });
    await sync(shopify(40, '+13125550402'));
    const late = await sync(shopify(39, '+13125550401'));
    expect(late.outcome).toBe('ignored');
    expect((await golden()).phones[0]!.number).toBe('+13125550402');

    // Salesforce changed the phone at 50 s; Shopify's change stamped 45 s arrives after it: stale, and Shopify is corrected.
    await sync(profile({ sourceSystem: 'salesforce', sourceTimestamp: at(50), externalIds: { salesforce: '001A' }, phones: [{ number: '+13125550500', type: 'mobile', primary: true }] }));
    const stale = await sync(shopify(45, '+13125550450'));
    expect(stale.outcome).toBe('unchanged');
    expect(roles(stale)).toEqual(['commerce']);
    expect((await golden()).phones[0]!.number).toBe('+13125550500');
  });

  it('takes a late echo of an earlier write for what it is, not for a newer change', async () => {
    await seedJane();
    const phone = (system: 'shopify' | 'salesforce', seconds: number, number: string) =>
      system === 'shopify'
        ? profile({ hubId: 'shopify-customer-7', sourceSystem: 'shopify', sourceTimestamp: at(seconds), externalIds: { shopify: 'gid://shopify/Customer/7' }, phones: [{ number, type: 'mobile', primary: true }] })
        : profile({ sourceSystem: 'salesforce', sourceTimestamp: at(seconds), externalIds: { salesforce: '001A' }, phones: [{ number, type: 'mobile', primary: true }] });
    await sync(phone('shopify', 70, '+13125550701'));
    await sync(phone('shopify', 71, '+13125550702'));
    // Salesforce read the Account between the hub's two writes; its stamp is later than both edits.
    const echo = await sync(phone('salesforce', 72, '+13125550701'));
    expect(echo).toMatchObject({ outcome: 'unchanged', accepted: [], writes: [] });
    expect((await golden()).phones[0]!.number).toBe('+13125550702');
    // An agent's own later change is still taken.
    const agent = await sync(phone('salesforce', 80, '+13125550800'));
    expect(agent.accepted).toEqual(['phones']);
  });

  it('takes the owner opting back in even when the hub once sent it "no consent" (not an echo)', async () => {
    await seedJane();
    const salesforce = (seconds: number, consents: Customer['consents']) =>
      profile({ sourceSystem: 'salesforce', sourceTimestamp: at(seconds), externalIds: { salesforce: '001A' }, consents });
    const withdrawn: Customer['consents'] = { email: { status: 'withdrawn', source: 'salesforce', capturedAt: at(30) } };
    // Other changes reach Salesforce between the consent changes: each write moves what it was sent on.
    const shopifyPhone = (seconds: number, number: string) =>
      profile({ hubId: 'shopify-customer-7', sourceSystem: 'shopify', sourceTimestamp: at(seconds), externalIds: { shopify: 'gid://shopify/Customer/7' }, phones: [{ number, type: 'mobile', primary: true }] });
    await sync(shopifyPhone(20, '+13125550201'));
    expect((await sync(salesforce(30, withdrawn))).accepted).toEqual(['consents']);
    await sync(shopifyPhone(35, '+13125550351'));
    const optIn = await sync(salesforce(40, {}));
    expect(optIn.accepted).toEqual(['consents']);
    expect((await golden()).consents).toEqual({});
    expect(roles(optIn)).toEqual(['commerce']); // Shopify is told; Salesforce keeps its own consent
    // And out again, and in again: every decision of the owner is taken.
    expect((await sync(salesforce(50, withdrawn))).accepted).toEqual(['consents']);
    await sync(shopifyPhone(55, '+13125550551'));
    expect((await sync(salesforce(60, {}))).accepted).toEqual(['consents']);
    expect((await golden()).consents).toEqual({});
  });

  it('takes an agent changing a contact field back to a value Salesforce itself held before (only what the hub sent is an echo)', async () => {
    await seedJane();
    const salesforcePhone = (seconds: number, number: string) =>
      profile({ sourceSystem: 'salesforce', sourceTimestamp: at(seconds), externalIds: { salesforce: '001A' }, phones: [{ number, type: 'mobile', primary: true }] });
    expect((await sync(salesforcePhone(20, '+13125550200'))).accepted).toEqual(['phones']);
    // A Shopify name change is written to Salesforce: it moves what Salesforce was last sent on.
    await sync(profile({ hubId: 'shopify-customer-7', sourceSystem: 'shopify', sourceTimestamp: at(25), externalIds: { shopify: 'gid://shopify/Customer/7' }, name: { given: 'Janet', family: 'Doe', full: 'Janet Doe' } }));
    expect((await sync(salesforcePhone(30, '+13125550300'))).accepted).toEqual(['phones']);
    const back = await sync(salesforcePhone(40, '+13125550200'));
    expect(back.accepted).toEqual(['phones']);
    expect((await golden()).phones[0]!.number).toBe('+13125550200');
  });

  it('orders two changes of one second by the event time (Shopify stamps updated_at to the second)', async () => {
    await seedJane();
    const edit = (phone: string, time: string) =>
      customerEvent(
        profile({ hubId: 'shopify-customer-7', sourceSystem: 'shopify', sourceTimestamp: at(60), externalIds: { shopify: 'gid://shopify/Customer/7' }, phones: [{ number: phone, type: 'mobile', primary: true }] }),
        { time },
      );
    await syncCustomerReport(edit('+13125550602', new Date(Date.parse(at(60)) + 700).toISOString()), deps);
    const earlier = await syncCustomerReport(edit('+13125550601', new Date(Date.parse(at(60)) + 300).toISOString()), deps);
    expect(earlier.outcome).toBe('ignored');
    expect((await golden()).phones[0]!.number).toBe('+13125550602');
  });

  it('keeps the guest customer of anonymous orders but writes it nowhere', async () => {
    const guest = await sync(profile({ hubId: 'GUEST', sourceSystem: 'shopify', sourceTimestamp: T0, name: { full: 'Guest checkout' }, emails: [], phones: [] }));
    expect(guest).toMatchObject({ outcome: 'created', writes: [] });
  });

  it('refuses an event whose data is not a customer, naming the field', async () => {
    const event = customerEvent(profile({ sourceSystem: 'shopify', sourceTimestamp: T0 }));
    const decision = await syncCustomerReport({ ...event, data: { ...(event.data as object), emails: 'jane.doe@example.com' } }, deps);
    expect(decision).toMatchObject({ outcome: 'invalid', problem: { field: 'emails' } });
  });
});

describe('customer sync: duplicates', () => {
  /** Two customers created apart (different e-mails), then one profile carrying both their keys. */
  async function twoDuplicates(): Promise<SyncDecision> {
    await sync(profile({ hubId: 'shopify-customer-1', sourceSystem: 'shopify', sourceTimestamp: T0, externalIds: { shopify: 'gid://shopify/Customer/1' }, name: { given: 'Dana', family: 'Dup', full: 'Dana Dup' }, emails: [{ address: 'dana@example.com', use: 'personal', primary: true }], phones: [] }));
    await sync(profile({ hubId: 'CUST-0900', sourceSystem: 'netsuite', sourceTimestamp: at(1), externalIds: { netsuite: '900' }, name: { given: 'Dana', family: 'Dup', full: 'Dana Dup' }, emails: [{ address: 'd.dup@example.org', use: 'other', primary: true }], phones: [{ number: '+13125550900', type: 'other', primary: true }] }));
    return sync(profile({ hubId: 'shopify-customer-1', sourceSystem: 'shopify', sourceTimestamp: at(10), externalIds: { shopify: 'gid://shopify/Customer/1' }, name: { given: 'Dana', family: 'Dup', full: 'Dana Dup' }, emails: [{ address: 'dana@example.com', use: 'personal', primary: true }], phones: [{ number: '+13125550900', type: 'mobile', primary: true }] }));
  }

  it('merges two golden records one profile matches, recording the merged one in full', async () => {
    const decision = await twoDuplicates();
    expect(decision.merges).toEqual([{ mergeId: expect.stringMatching(/^merge-/), survivorId: 'shopify-customer-1', mergedId: 'CUST-0900', matchedOn: ['phone'] }]);
    expect(await adapters.storage.records.get(CustomerRecordEntity.golden, 'CUST-0900')).toBeUndefined();
    const survivor = await golden('shopify-customer-1');
    // The survivor was sent to NetSuite (a record under its hub id): it keeps that one, and the duplicate's stays the duplicate's.
    expect(survivor.externalIds).toEqual({ shopify: 'gid://shopify/Customer/1' });
    expect((await findGoldenCustomer(adapters.storage.records, { hubId: 'CUST-0900' }))?.hubId).toBe('shopify-customer-1');
    const merge = (await adapters.storage.records.get<CustomerMerge>(CustomerRecordEntity.merge, decision.merges[0]!.mergeId))!.data;
    expect(merge).toMatchObject({ status: 'active', merged: { record: { hubId: 'CUST-0900', emails: [{ address: 'd.dup@example.org' }] } }, contributed: { externalIds: {}, aliases: ['CUST-0900'] }, conflictingExternalIds: { netsuite: '900' } });
    expect((await findGoldenCustomer(adapters.storage.records, { profile: { email: 'd.dup@example.org' } }))?.hubId).toBe('shopify-customer-1');
    // Shopify reported the survivor as it now is; the others are sent the new phone.
    expect(roles(decision)).toEqual(['crm', 'erp']);
  });

  it('does not take data from the merged customer\'s own record in a system where the survivor has another', async () => {
    await twoDuplicates();
    // Both had NetSuite records; the survivor's (under its hub id) had not reported back at merge time.
    expect((await golden('shopify-customer-1')).externalIds.netsuite).toBeUndefined();
    // A report of the duplicate's record before the survivor's own: another record, not its link.
    const early = await sync(profile({ hubId: 'CUST-0900', sourceSystem: 'netsuite', sourceTimestamp: at(20), externalIds: { netsuite: '900' }, name: { given: 'Dana', family: 'Dup', full: 'Dana Dup' }, emails: [{ address: 'd.dup@example.org', use: 'other', primary: true }], phones: [{ number: '+13125550998', type: 'other', primary: true }] }));
    expect(early).toMatchObject({ outcome: 'unchanged', hubId: 'shopify-customer-1', writes: [] });
    expect((await golden('shopify-customer-1')).externalIds.netsuite).toBeUndefined();
    // The survivor's own NetSuite record reports (it names the survivor's hub id): that is its link.
    await sync(profile({ hubId: 'shopify-customer-1', sourceSystem: 'netsuite', sourceTimestamp: at(30), externalIds: { netsuite: '901' }, name: { given: 'Dana', family: 'Dup', full: 'Dana Dup' }, emails: [{ address: 'dana@example.com', use: 'other', primary: true }], phones: [{ number: '+13125550900', type: 'other', primary: true }] }));
    expect((await golden('shopify-customer-1')).externalIds.netsuite).toBe('901');
    const stray = await sync(profile({ hubId: 'CUST-0900', sourceSystem: 'netsuite', sourceTimestamp: at(40), externalIds: { netsuite: '900' }, name: { given: 'Dana', family: 'Dup', full: 'Dana Dup' }, emails: [{ address: 'd.dup@example.org', use: 'other', primary: true }], phones: [{ number: '+13125550999', type: 'other', primary: true }] }));
    expect(stray).toMatchObject({ outcome: 'unchanged', hubId: 'shopify-customer-1', writes: [] });
    expect((await golden('shopify-customer-1')).phones[0]!.number).toBe('+13125550900');
  });

  it('undoes a merge: both customers as they were, kept apart when the same profile comes again', async () => {
    const decision = await twoDuplicates();
    const mergeId = decision.merges[0]!.mergeId;
    const undone = await unmergeCustomers(adapters.storage.records, mergeId, { actor: 'operator', reason: 'two people', now: Date.now() });
    expect(undone.outcome).toBe('undone');
    expect((await golden('CUST-0900')).emails[0]!.address).toBe('d.dup@example.org');
    expect((await golden('shopify-customer-1')).externalIds).toEqual({ shopify: 'gid://shopify/Customer/1' });
    expect((await findGoldenCustomer(adapters.storage.records, { hubId: 'CUST-0900' }))?.hubId).toBe('CUST-0900');
    expect((await findGoldenCustomer(adapters.storage.records, { profile: { email: 'd.dup@example.org' } }))?.hubId).toBe('CUST-0900');
    expect((await adapters.storage.records.match(CustomerRecordEntity.golden, ['email:d.dup@example.org'])).map((record) => record.key)).toEqual(['CUST-0900']);
    expect((await adapters.storage.records.get<CustomerMerge>(CustomerRecordEntity.merge, mergeId))!.data).toMatchObject({ status: 'undone', undoneBy: 'operator' });
    expect(await unmergeCustomers(adapters.storage.records, mergeId, { actor: 'operator', reason: 'again', now: Date.now() })).toMatchObject({ outcome: 'already-undone' });

    const again = await sync(profile({ hubId: 'shopify-customer-1', sourceSystem: 'shopify', sourceTimestamp: at(20), externalIds: { shopify: 'gid://shopify/Customer/1' }, name: { given: 'Dana', family: 'Dup', full: 'Dana Dup' }, emails: [{ address: 'dana@example.com', use: 'personal', primary: true }], phones: [{ number: '+13125550900', type: 'mobile', primary: true }] }));
    expect(again.merges).toEqual([]);
    expect(await adapters.storage.records.count(CustomerRecordEntity.golden)).toBe(2);
  });
});
