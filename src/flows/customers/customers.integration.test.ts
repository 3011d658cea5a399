import { afterEach, describe, expect, it } from 'vitest';
import type { Customer } from '../../canonical/customer.ts';
import { createRetailEvent } from '../../canonical/events/create-event.ts';
import { loginAs, consoleGet, testUsers } from '../../console/testing.ts';
import { eventually } from '../../ports/conformance/harness.ts';
import type { RetailFlowModule } from '../module.ts';
import { startRetailWorld, type RetailWorld } from '../testing/world.ts';
import { createCustomerSync } from './index.ts';
import { CustomerRecordEntity, type RejectedCustomerChange } from './records.ts';
import {
  checkCustomerInvariants,
  echoReceived,
  editSalesforceAccount,
  editShopifyCustomer,
  goldenCustomer,
  netsuiteCustomer,
  salesforceAccount,
  setShopifyEmailConsent,
  shopifyCustomerByEmail,
  until,
  writeCounts,
} from './testing/world-helpers.ts';

let world: RetailWorld | undefined;
let customers: RetailFlowModule | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function start(): Promise<RetailWorld> {
  world = await startRetailWorld({ modules: (deps) => [(customers = createCustomerSync(deps))], consoleUsers: await testUsers() });
  await world.quiet();
  return world;
}

/** The storefront customer of a seeded person, once the hub has linked it (its first echo came back). */
async function linkedShopifyCustomer(w: RetailWorld, hubId: string, email: string) {
  const customer = shopifyCustomerByEmail(w, email)!;
  await eventually(async () => (await goldenCustomer(w, hubId))?.externalIds.shopify === `gid://shopify/Customer/${customer.id}` || undefined, `${hubId} linked to Shopify`);
  return customer;
}

describe('customer sync on the sandboxes', () => {
  it('takes a Shopify profile edit to NetSuite and Salesforce, and the echoes of those writes write nothing more', async () => {
    const w = await start();
    const jane = await linkedShopifyCustomer(w, 'CUST-0001', 'jane.doe@example.com');
    const before = await writeCounts(w, 'CUST-0001');

    const head = await w.adapters.bus.head();
    await editShopifyCustomer(w, jane.id, { lastName: 'Doe-Smith', phone: '+13125550777' });
    await w.quiet();

    expect(netsuiteCustomer(w, 'CUST-0001')).toMatchObject({ lastName: 'Doe-Smith', phone: '+13125550777' });
    expect(salesforceAccount(w, 'CUST-0001')).toMatchObject({ LastName: 'Doe-Smith', PersonMobilePhone: '+13125550777' });
    expect(shopifyCustomerByEmail(w, 'jane.doe@example.com')).toMatchObject({ lastName: 'Doe-Smith', phone: '+13125550777' });
    const golden = await goldenCustomer(w, 'CUST-0001');
    expect(golden).toMatchObject({ name: { family: 'Doe-Smith' }, phones: [{ number: '+13125550777' }] });
    const afterEdit = await writeCounts(w, 'CUST-0001');
    expect(afterEdit).toEqual({ erp: before.erp + 1, crm: before.crm + 1, commerce: before.commerce });

    // Salesforce and NetSuite report the hub's writes back (poller echoes): no further write anywhere.
    await echoReceived(w, { system: 'salesforce', hubId: 'CUST-0001', afterSeq: head });
    await echoReceived(w, { system: 'netsuite', hubId: 'CUST-0001', afterSeq: head });
    expect(await writeCounts(w, 'CUST-0001')).toEqual(afterEdit);
    const settled = (await goldenCustomer(w, 'CUST-0001'))!;
    expect(settled.version).toBe(golden!.version + 1); // only NetSuite's internal id was learned
    expect(await checkCustomerInvariants(w)).toMatchObject({ 'customers.ownerWins': { ok: true }, 'customers.noDuplicates': { ok: true } });
  });

  it('takes a Salesforce consent change to Shopify; a Shopify re-subscription is refused and set back', async () => {
    const w = await start();
    const sam = await linkedShopifyCustomer(w, 'CUST-0002', 'sam.rivera@example.com');
    const erpWrites = (await writeCounts(w, 'CUST-0002')).erp;

    await editSalesforceAccount(w, 'CUST-0002', { PersonHasOptedOutOfEmail: true });
    await until(w, () => shopifyCustomerByEmail(w, 'sam.rivera@example.com')?.emailMarketingConsent?.marketingState === 'UNSUBSCRIBED' || undefined, 'the opt-out in Shopify');
    await w.quiet();
    expect((await goldenCustomer(w, 'CUST-0002'))!.consents.email).toMatchObject({ status: 'withdrawn', source: 'salesforce' });
    expect(salesforceAccount(w, 'CUST-0002')!.PersonHasOptedOutOfEmail).toBe(true);
    expect((await writeCounts(w, 'CUST-0002')).erp).toBe(erpWrites); // NetSuite stores no consent: not written

    // Sam subscribes in the storefront: Shopify does not own consent, Salesforce's opt-out stands.
    await setShopifyEmailConsent(w, sam.id, 'SUBSCRIBED');
    await eventually(async () => (await w.deps.records.count(CustomerRecordEntity.change)) > 0 || undefined, 'the refused change recorded');
    await eventually(() => shopifyCustomerByEmail(w, 'sam.rivera@example.com')?.emailMarketingConsent?.marketingState === 'UNSUBSCRIBED' || undefined, 'Shopify set back');
    await w.quiet();
    expect(salesforceAccount(w, 'CUST-0002')!.PersonHasOptedOutOfEmail).toBe(true);
    expect((await goldenCustomer(w, 'CUST-0002'))!.consents.email?.status).toBe('withdrawn');
    const [change] = await w.deps.records.list<RejectedCustomerChange>(CustomerRecordEntity.change, { limit: 10 });
    expect(change!.data).toMatchObject({ hubId: 'CUST-0002', system: 'shopify', role: 'commerce', group: 'consent', owner: 'crm', proposed: { consents: { email: { status: 'granted' } } } });
    expect(shopifyCustomerByEmail(w, 'sam.rivera@example.com')?.emailMarketingConsent?.marketingState).toBe('UNSUBSCRIBED');
    expect((await checkCustomerInvariants(w))['customers.ownerWins']).toMatchObject({ ok: true });
  });

  it('refuses a billing change from Shopify, records it, shows it masked, and NetSuite keeps its credit limit', async () => {
    const w = await start();
    const erpWrites = (await writeCounts(w, 'CUST-B2B-0001')).erp;
    // The Shopify sandbox's customers carry no billing field; a retailer whose Shopify mapping
    // reads a credit-limit metafield would publish exactly this event from the webhook.
    const attempt: Customer = {
      ...(await goldenCustomer(w, 'CUST-B2B-0001'))!,
      hubId: 'shopify-customer-9001',
      externalIds: { shopify: 'gid://shopify/Customer/9001' },
      sourceSystem: 'shopify',
      sourceTimestamp: new Date().toISOString(),
      version: 1,
      billingAccount: { accountNumber: 'CUST-B2B-0001', creditLimit: { amount: '99000.00', currency: 'USD' }, status: 'active' },
      taxId: 'GB123456789',
    };
    await w.publish([createRetailEvent({ type: 'retail.customer.updated.v1', data: attempt, source: 'crossdock://connectors/shopify/test', id: 'shopify:billing-attempt-1' })]);
    await eventually(async () => (await w.deps.records.count(CustomerRecordEntity.change)) > 0 || undefined, 'the refused change recorded');
    await w.quiet();

    expect((await goldenCustomer(w, 'CUST-B2B-0001'))!.billingAccount?.creditLimit.amount).toBe('25000.00');
    expect(netsuiteCustomer(w, 'CUST-B2B-0001')!.creditLimit).toBe(25_000);
    expect((await writeCounts(w, 'CUST-B2B-0001')).erp).toBe(erpWrites);
    const [change] = await w.deps.records.list<RejectedCustomerChange>(CustomerRecordEntity.change, { limit: 10 });
    expect(change!.data).toMatchObject({ hubId: 'CUST-B2B-0001', system: 'shopify', group: 'billing', owner: 'erp', fields: ['billingAccount', 'taxId'] });

    const session = await loginAs(w.retail.server, 'operator');
    const health = (await consoleGet(w.retail.server, session, '/api/console/health')).json<{ panels: { id: string; value: number; summary: string; items: { businessKey: string; detail: string }[] }[] }>();
    const panel = health.panels.find((candidate) => candidate.id === 'customers-changes-rejected-by-ownership')!;
    expect(panel.value).toBe(1);
    expect(panel.summary).toMatch(/shopify tried to change billing \(owned by erp\)/);
    expect(panel.items[0]!.businessKey).toBe('CUST-B2B-0001');
    expect(panel.items[0]!.detail).toMatch(/taxId: "\*\*\*/);
    expect(panel.items[0]!.detail).not.toContain('GB123456789');
    expect(await customers!.report!()).toMatchObject({ 'customers.rejected_non_owner': 1 });
    expect((await checkCustomerInvariants(w))['customers.ownerWins']).toMatchObject({ ok: true });
  });
});
