import type { Customer } from '../../canonical/customer.ts';
import { maskPersonalValue, PersonalDataKind } from '../../canonical/personal-data.ts';
import type { RecordStore } from '../../ports/storage.ts';
import type { RunningSandboxes } from '../../sandboxes/run-all.ts';
import type { InvariantContext, InvariantResult } from '../invariants.ts';
import { comparable } from './comparable.ts';
import { CustomerRecordEntity } from './records.ts';

/** Offending keys shown per invariant: enough to start looking, small enough to read. */
const SHOWN = 5;
const PAGE = 500;

async function goldenCustomers(records: RecordStore): Promise<Customer[]> {
  const all: Customer[] = [];
  for (let afterKey: string | undefined; ; ) {
    const page = await records.list<Customer>(CustomerRecordEntity.golden, { limit: PAGE, ...(afterKey !== undefined && { afterKey }) });
    all.push(...page.map((record) => record.data));
    if (page.length < PAGE) return all;
    afterKey = page[page.length - 1]!.key;
  }
}

/** What each sandbox stores of a customer's owned attributes, looked up the way the connectors address them. */
function systemsView(sandboxes: RunningSandboxes) {
  const { org } = sandboxes.salesforce;
  const account = org.dml.object('Account');
  const shopifyCustomers = [...sandboxes.shopify.store.customers.values()];
  return {
    salesforce(hubId: string) {
      const [id] = org.store.idsByExternalId(account, 'External_Id__c', hubId);
      return id === undefined ? undefined : (org.store.get(account, id) as Record<string, unknown> | undefined);
    },
    netsuite: (hubId: string) => sandboxes.netsuite.records.store.getByExternalId('customer', hubId)?.fields,
    shopify(customer: Customer) {
      const id = customer.externalIds.shopify?.split('/').pop();
      const email = customer.emails.find((entry) => entry.primary)?.address.toLowerCase() ?? customer.emails[0]?.address.toLowerCase();
      return shopifyCustomers.find((candidate) => String(candidate.id) === id) ?? shopifyCustomers.find((candidate) => email !== undefined && candidate.email?.toLowerCase() === email);
    },
  };
}

const emailOptedOut = (customer: Customer) => comparable('consents', customer)?.includes('"email":"out"') ?? false;

/**
 * `customers.ownerWins`: every system holds the owner's value of the attributes it stores
 * (default ownership rules). Billing is the ERP's: NetSuite's credit limit is the one the golden
 * record holds, and Salesforce's AccountNumber is the golden (ERP) account number; Shopify stores
 * no billing attribute. Email consent is Salesforce's: its opt-out is the golden record's, and a
 * customer opted out there is unsubscribed in Shopify; NetSuite stores no consent (the connector
 * does not write its subscription status) and no sandbox stores the preferences (locale, store).
 *
 * `customers.noDuplicates`: no two golden customers share an e-mail address.
 */
export async function customerInvariants(context: InvariantContext): Promise<Record<string, InvariantResult>> {
  const customers = await goldenCustomers(context.records);
  const view = systemsView(context.sandboxes);
  const offending: { hubId: string; system: string; field: string }[] = [];
  const checked = { netsuite: 0, salesforce: 0, shopify: 0 };
  for (const customer of customers) {
    const ns = view.netsuite(customer.hubId);
    if (ns) {
      checked.netsuite += 1;
      const limit = customer.billingAccount ? Number(customer.billingAccount.creditLimit.amount) : null;
      if ((typeof ns.creditLimit === 'number' ? ns.creditLimit : null) !== limit) offending.push({ hubId: customer.hubId, system: 'netsuite', field: 'creditLimit' });
    }
    const sf = view.salesforce(customer.hubId);
    if (sf) {
      checked.salesforce += 1;
      if ((sf.AccountNumber ?? null) !== (customer.billingAccount?.accountNumber ?? null)) offending.push({ hubId: customer.hubId, system: 'salesforce', field: 'AccountNumber' });
      if (customer.partyType === 'person' && (sf.PersonHasOptedOutOfEmail === true) !== emailOptedOut(customer)) {
        offending.push({ hubId: customer.hubId, system: 'salesforce', field: 'PersonHasOptedOutOfEmail' });
      }
    }
    const shop = customer.partyType === 'person' ? view.shopify(customer) : undefined;
    if (shop) {
      checked.shopify += 1;
      const salesforceOut = sf ? sf.PersonHasOptedOutOfEmail === true : emailOptedOut(customer);
      if (salesforceOut && shop.emailMarketingConsent?.marketingState !== 'UNSUBSCRIBED') offending.push({ hubId: customer.hubId, system: 'shopify', field: 'emailMarketingConsent' });
    }
  }

  const byEmail = new Map<string, string[]>();
  for (const customer of customers) {
    for (const address of new Set(customer.emails.map((entry) => entry.address.trim().toLowerCase()))) byEmail.set(address, [...(byEmail.get(address) ?? []), customer.hubId]);
  }
  const shared = [...byEmail].filter(([, hubIds]) => hubIds.length > 1);

  return {
    'customers.ownerWins': {
      ok: offending.length === 0,
      details: { customers: customers.length, checked, mismatches: offending.length, offending: offending.slice(0, SHOWN) },
    },
    'customers.noDuplicates': {
      ok: shared.length === 0,
      details: {
        customers: customers.length,
        sharedEmails: shared.length,
        offending: shared.slice(0, SHOWN).map(([email, hubIds]) => ({ email: maskPersonalValue(PersonalDataKind.email, email), hubIds })),
      },
    },
  };
}
