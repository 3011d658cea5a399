import { afterEach, describe, expect, it } from 'vitest';
import type { RetailWorld } from '../testing/world.ts';
import { startRetailWorld } from '../testing/world.ts';
import { createCustomerSync } from './index.ts';
import { checkCustomerInvariants, echoReceived, editNetSuiteCustomer, editSalesforceAccount, goldenCustomer, salesforceAccount, until } from './testing/world-helpers.ts';

/**
 * The customers a retailer already had before Crossdock: created in NetSuite or Salesforce by
 * their own users, with no hub external id on them. The hub reads them, fans them out, and when
 * it writes a change back to the system they came from, it updates that very record (by its
 * internal id, and gives it the hub's external id) — never a second record beside it.
 */
let world: RetailWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function start(): Promise<RetailWorld> {
  world = await startRetailWorld({ modules: (deps) => [createCustomerSync(deps)] });
  await world.quiet();
  return world;
}

describe('customers created natively in a system', () => {
  it('keeps a customer a NetSuite clerk created as one NetSuite record when a Salesforce change is written back', { timeout: 60_000 }, async () => {
    const w = await start();
    const netsuite = w.sandboxes.netsuite.records;
    const native = netsuite.create('customer', { isPerson: true, firstName: 'Grace', lastName: 'Hopper', email: 'grace.hopper@example.com', phone: '+13125550100' });
    const hubId = `cus_netsuite_${native.id}`;
    // The hub reads her from NetSuite and creates her in Salesforce.
    await until(w, () => salesforceAccount(w, hubId), 'Grace in Salesforce');

    // An agent changes her phone in Salesforce: the change goes back to NetSuite.
    await editSalesforceAccount(w, hubId, { PersonMobilePhone: '+13125550199' });
    const graces = () => netsuite.store.list('customer').filter((record) => record.fields.email === 'grace.hopper@example.com');
    await until(w, () => graces().some((record) => record.fields.phone === '+13125550199') || undefined, 'the phone in NetSuite', 30_000);
    await w.quiet();

    expect(graces()).toHaveLength(1);
    expect(graces()[0]!.id).toBe(native.id);
    expect(graces()[0]!.fields).toMatchObject({ firstName: 'Grace', lastName: 'Hopper', phone: '+13125550199' });
    expect((await goldenCustomer(w, hubId))?.phones[0]?.number).toBe('+13125550199');
    expect(await checkCustomerInvariants(w)).toMatchObject({ 'customers.noDuplicates': { ok: true } });
  });

  it('keeps an Account a Salesforce agent created as one Account when a NetSuite change is written back', { timeout: 60_000 }, async () => {
    const w = await start();
    const { salesforce } = w.sandboxes.directory;
    const token = w.sandboxes.salesforce.createSession();
    const created = await fetch(`${salesforce.url}/services/data/v${salesforce.apiVersion}/sobjects/Account`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ FirstName: 'Alan', LastName: 'Turing', PersonEmail: 'alan.turing@example.com', PersonMobilePhone: '+13125550200' }),
    });
    expect(created.status).toBe(201);
    const accountId = ((await created.json()) as { id: string }).id;
    const hubId = `salesforce-account-${accountId}`;
    // The hub reads the Account and creates Alan in NetSuite (under the hub's external id), and
    // reads him back from there. (NetSuite stamps changes to the second: a clerk's edit in the very
    // second the hub learned of Alan could not be told from older data.)
    const head = await w.adapters.bus.head();
    await until(w, () => w.sandboxes.netsuite.records.store.getByExternalId('customer', hubId), 'Alan in NetSuite', 30_000);
    await echoReceived(w, { system: 'netsuite', hubId, afterSeq: head, timeoutMs: 30_000 });

    // A clerk changes his phone in NetSuite: the change goes back to Salesforce.
    editNetSuiteCustomer(w, hubId, { phone: '+13125550299' });
    const { org } = w.sandboxes.salesforce;
    const accounts = () => (org.snapshot().records.Account ?? []).filter((account) => account.PersonEmail === 'alan.turing@example.com');
    await until(w, () => accounts().some((account) => account.PersonMobilePhone === '+13125550299') || undefined, 'the phone in Salesforce', 30_000);
    await w.quiet();

    expect(accounts()).toHaveLength(1);
    expect(accounts()[0]).toMatchObject({ Id: accountId, LastName: 'Turing', PersonMobilePhone: '+13125550299', External_Id__c: hubId });
    expect(await checkCustomerInvariants(w)).toMatchObject({ 'customers.noDuplicates': { ok: true } });
  });
});
