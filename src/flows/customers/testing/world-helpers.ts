import type { Customer } from '../../../canonical/customer.ts';
import { eventually } from '../../../ports/conformance/harness.ts';
import type { DeliveryItem } from '../../../ports/storage.ts';
import type { RetailWorld } from '../../testing/world.ts';
import { customerInvariants } from '../invariants.ts';
import { CustomerRecordEntity } from '../records.ts';

/**
 * What the customer flow's end-to-end tests read and do in the sandboxes: the records each
 * system holds, and the edits its own users make there (over each system's own API).
 */

/** The Salesforce Account with this External_Id__c (the hub id), as the org stores it. */
export function salesforceAccount(world: RetailWorld, hubId: string): Record<string, unknown> | undefined {
  const { org } = world.sandboxes.salesforce;
  const account = org.dml.object('Account');
  const [id] = org.store.idsByExternalId(account, 'External_Id__c', hubId);
  return id === undefined ? undefined : (org.store.get(account, id) as Record<string, unknown> | undefined);
}

/** Every Salesforce Account whose External_Id__c is this hub id (one, when nothing was duplicated). */
export function salesforceAccountCount(world: RetailWorld, hubId: string): number {
  const { org } = world.sandboxes.salesforce;
  return org.store.idsByExternalId(org.dml.object('Account'), 'External_Id__c', hubId).length;
}

/** An agent edits an Account in Salesforce (REST, as the UI would save it). */
export async function editSalesforceAccount(world: RetailWorld, hubId: string, fields: Record<string, unknown>): Promise<void> {
  const { salesforce } = world.sandboxes.directory;
  const token = world.sandboxes.salesforce.createSession();
  const response = await fetch(`${salesforce.url}/services/data/v${salesforce.apiVersion}/sobjects/Account/External_Id__c/${encodeURIComponent(hubId)}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(fields),
  });
  if (!response.ok) throw new Error(`Salesforce refused the Account edit: ${response.status} ${await response.text()}`);
}

/** The NetSuite customer with this external id (the hub id), fields as NetSuite stores them. */
export function netsuiteCustomer(world: RetailWorld, hubId: string): Record<string, unknown> | undefined {
  return world.sandboxes.netsuite.records.store.getByExternalId('customer', hubId)?.fields;
}

/** An accounts clerk edits a customer in NetSuite. */
export function editNetSuiteCustomer(world: RetailWorld, hubId: string, fields: Record<string, unknown>): void {
  world.sandboxes.netsuite.records.upsert('customer', hubId, fields);
}

export function shopifyCustomerByEmail(world: RetailWorld, email: string) {
  return [...world.sandboxes.shopify.store.customers.values()].find((customer) => customer.email?.toLowerCase() === email.toLowerCase());
}

/** A call to the Shopify Admin GraphQL API, as a store admin (or another app) makes it. */
export async function shopifyAdmin<T = Record<string, unknown>>(world: RetailWorld, query: string, variables: Record<string, unknown>): Promise<T> {
  const { shopify } = world.sandboxes.directory;
  const response = await fetch(`${shopify.url}/admin/api/${shopify.apiVersion}/graphql.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': shopify.accessToken },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (!response.ok || !body.data) throw new Error(`Shopify refused the call: ${response.status} ${JSON.stringify(body)}`);
  return body.data;
}

/** A shopper edits their profile in the storefront (customerUpdate). */
export async function editShopifyCustomer(world: RetailWorld, id: number, input: Record<string, unknown>): Promise<void> {
  const data = await shopifyAdmin<{ customerUpdate: { userErrors: unknown[] } }>(
    world,
    'mutation Edit($input: CustomerInput!) { customerUpdate(input: $input) { customer { id } userErrors { field message } } }',
    { input: { id: `gid://shopify/Customer/${id}`, ...input } },
  );
  if (data.customerUpdate.userErrors.length > 0) throw new Error(`Shopify refused the edit: ${JSON.stringify(data.customerUpdate.userErrors)}`);
}

/** A shopper (re)subscribes or unsubscribes in the storefront. */
export async function setShopifyEmailConsent(world: RetailWorld, id: number, marketingState: 'SUBSCRIBED' | 'UNSUBSCRIBED'): Promise<void> {
  const data = await shopifyAdmin<{ customerEmailMarketingConsentUpdate: { userErrors: unknown[] } }>(
    world,
    `mutation Consent($input: CustomerEmailMarketingConsentUpdateInput!) {
      customerEmailMarketingConsentUpdate(input: $input) { customer { id } userErrors { field message } } }`,
    { input: { customerId: `gid://shopify/Customer/${id}`, emailMarketingConsent: { marketingState, marketingOptInLevel: 'SINGLE_OPT_IN' } } },
  );
  if (data.customerEmailMarketingConsentUpdate.userErrors.length > 0) throw new Error(`Shopify refused the consent: ${JSON.stringify(data.customerEmailMarketingConsentUpdate.userErrors)}`);
}

export async function createShopifyCustomer(world: RetailWorld, input: Record<string, unknown>): Promise<number> {
  const data = await shopifyAdmin<{ customerCreate: { customer: { id: string } | null; userErrors: unknown[] } }>(
    world,
    'mutation Create($input: CustomerInput!) { customerCreate(input: $input) { customer { id } userErrors { field message } } }',
    { input },
  );
  if (!data.customerCreate.customer) throw new Error(`Shopify refused the customer: ${JSON.stringify(data.customerCreate.userErrors)}`);
  return Number(data.customerCreate.customer.id.split('/').pop());
}

export async function goldenCustomer(world: RetailWorld, hubId: string): Promise<Customer | undefined> {
  return (await world.deps.records.get<Customer>(CustomerRecordEntity.golden, hubId))?.data;
}

/** The hub's customer writes of one customer, by target role (every state, delivered or not). */
export async function customerWrites(world: RetailWorld, hubId: string): Promise<Record<string, DeliveryItem[]>> {
  const items = await world.adapters.storage.delivery.find({ key: hubId, limit: 500 });
  const byTarget: Record<string, DeliveryItem[]> = {};
  for (const item of items.filter((candidate) => candidate.operation === 'upsertCustomer')) (byTarget[item.target] ??= []).push(item);
  return byTarget;
}

export async function writeCounts(world: RetailWorld, hubId: string): Promise<{ erp: number; crm: number; commerce: number }> {
  const writes = await customerWrites(world, hubId);
  return { erp: writes.erp?.length ?? 0, crm: writes.crm?.length ?? 0, commerce: writes.commerce?.length ?? 0 };
}

/**
 * Waits for a condition while running the pollers every quarter second, as a scheduler
 * polling that often would (the world's scheduler may sleep up to 5 s between rounds).
 */
export async function until<T>(world: RetailWorld, probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  let polledAt = 0;
  return eventually(
    async () => {
      if (Date.now() - polledAt >= 250) {
        polledAt = Date.now();
        await world.pollNow();
      }
      return probe();
    },
    what,
    timeoutMs,
  );
}

/**
 * Waits until `system` has reported the customer again after log position `afterSeq` (take
 * `world.adapters.bus.head()` just before the change): the echo of the hub's own write.
 * NetSuite's poller leaves changes of the last seconds for its next poll (they may still be
 * committing), so its echo comes a few seconds later.
 */
export async function echoReceived(world: RetailWorld, options: { system: 'netsuite' | 'salesforce' | 'shopify'; hubId: string; afterSeq: number; timeoutMs?: number }): Promise<void> {
  await until(
    world,
    async () => {
      const events = await world.adapters.bus.find({ subject: options.hubId, type: 'retail.customer.updated.v1', afterSeq: options.afterSeq, limit: 500 });
      return events.some(({ event }) => (event.data as Customer).sourceSystem === options.system) || undefined;
    },
    `the ${options.system} echo of ${options.hubId}`,
    options.timeoutMs,
  );
  await world.quiet();
}

/** The customer invariants of the demo report, checked against the world's sandboxes now. */
export function checkCustomerInvariants(world: RetailWorld) {
  return customerInvariants({ sandboxes: world.sandboxes, records: world.deps.records, storage: world.adapters.storage, settings: world.deps.settings });
}
