import type { Customer } from '../../canonical/customer.ts';
import type { CustomerField } from './attribute-groups.ts';

/**
 * A field's value reduced to what every connected system can say about it, as a string, or
 * null when the customer has none. Two systems hold "the same" value when these are equal:
 * NetSuite reports an e-mail with use `other`, Salesforce with use `personal`; Salesforce keeps
 * only the primary e-mail; Shopify answers a consent as subscribed / unsubscribed. Comparing
 * the full canonical values would see changes in every echo of the hub's own writes.
 */
export function comparable(field: CustomerField, customer: Partial<Customer>): string | null {
  return REDUCERS[field](customer);
}

/** The comparable form of every field a customer has a value for (null ones included). */
export function comparableFields(customer: Partial<Customer>, fields: readonly CustomerField[]): Record<string, string | null> {
  return Object.fromEntries(fields.map((field) => [field, comparable(field, customer)]));
}

const text = (value: string | undefined): string | undefined => {
  const trimmed = value?.replace(/\s+/g, ' ').trim();
  return trimmed ? trimmed : undefined;
};

/** JSON of an object with its undefined members dropped; null when nothing is left. */
const json = (value: Record<string, unknown>): string | null => {
  const present = Object.entries(value).filter(([, member]) => member !== undefined);
  return present.length === 0 ? null : JSON.stringify(Object.fromEntries(present));
};

const plain = (value: string | undefined): string | null => text(value) ?? null;

function primary<T extends { primary?: boolean; isDefault?: boolean }>(entries: readonly T[] | undefined): T | undefined {
  return entries?.find((entry) => entry.primary === true || entry.isDefault === true) ?? entries?.[0];
}

/** Marketing consent as a yes or no: granted is in, denied and withdrawn are out, unknown is no decision. */
function consentDecision(status: string | undefined): 'in' | 'out' | undefined {
  if (status === 'granted') return 'in';
  if (status === 'denied' || status === 'withdrawn') return 'out';
  return undefined;
}

/** A decimal amount without formatting differences: `25000`, `25000.0` and `25000.00` are one amount. */
function amount(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? String(number) : value;
}

const REDUCERS: Record<CustomerField, (customer: Partial<Customer>) => string | null> = {
  partyType: (customer) => plain(customer.partyType),
  companyName: (customer) => plain(customer.companyName),
  name: (customer) => {
    const joined = text([customer.name?.given, customer.name?.family].filter(Boolean).join(' '));
    const full = joined ?? text(customer.name?.full);
    // Shopify names a customer without a name by their e-mail address: a placeholder, not a name.
    return full && !full.includes('@') ? full : null;
  },
  emails: (customer) => text(primary(customer.emails)?.address)?.toLowerCase() ?? null,
  phones: (customer) => text(primary(customer.phones)?.number)?.replace(/[^\d+]/g, '') || null,
  addresses: (customer) => {
    const address = primary(customer.addresses)?.address;
    if (!address) return null;
    const parts = [address.line1, address.line2, address.city, address.postalCode, address.country].map((part) => text(part)?.toLowerCase());
    return json({ line1: parts[0], line2: parts[1], city: parts[2], postalCode: parts[3], country: parts[4] });
  },
  locale: (customer) => plain(customer.locale),
  preferredStoreCode: (customer) => plain(customer.preferredStoreCode),
  consents: (customer) => {
    const consents = customer.consents ?? {};
    return json({
      email: consentDecision(consents.email?.status),
      sms: consentDecision(consents.sms?.status),
      phone: consentDecision(consents.phone?.status),
      post: consentDecision(consents.post?.status),
      push: consentDecision(consents.push?.status),
    });
  },
  loyalty: (customer) =>
    customer.loyalty ? json({ memberId: text(customer.loyalty.memberId), tier: text(customer.loyalty.tier), points: customer.loyalty.pointsBalance }) : null,
  billingAccount: (customer) => {
    const account = customer.billingAccount;
    if (!account) return null;
    return json({
      accountNumber: text(account.accountNumber),
      creditLimit: amount(account.creditLimit?.amount),
      currency: account.creditLimit?.currency,
      paymentTerms: text(account.paymentTerms),
      status: account.status,
    });
  },
  taxId: (customer) => plain(customer.taxId)?.toUpperCase() ?? null,
};
