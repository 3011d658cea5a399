import type { Outcome } from './orders.ts';
import type { ShopifyStore } from './store.ts';
import type { Customer, EmailMarketingConsent, EmailMarketingState } from './types.ts';

export interface CustomerInput {
  id?: number | null;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  phone?: string | null;
  note?: string | null;
  tags?: string[] | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+[1-9]\d{6,14}$/;

/** Creates a customer; Shopify requires a name, email or phone, and emails are unique per store. */
export function createCustomer(store: ShopifyStore, input: CustomerInput): Outcome<Customer> {
  if (!input.email && !input.phone && !input.firstName && !input.lastName) {
    return { ok: false, userErrors: [{ field: null, message: 'A name, phone number, or email address must be present' }] };
  }
  const invalid = validate(store, input, null);
  if (invalid) return invalid;
  const now = store.now();
  const customer: Customer = {
    id: store.newId(),
    email: input.email ?? null,
    firstName: input.firstName ?? null,
    lastName: input.lastName ?? null,
    phone: input.phone ?? null,
    note: input.note ?? null,
    tags: input.tags ?? [],
    createdAt: now,
    updatedAt: now,
  };
  store.customers.set(customer.id, customer);
  store.publish({ topic: 'customers/create', customer });
  return { ok: true, value: customer };
}

/** Updates the fields present in the input (an explicit null clears a field). */
export function updateCustomer(store: ShopifyStore, input: CustomerInput): Outcome<Customer> {
  const customer = input.id ? store.customers.get(input.id) : undefined;
  if (!customer) return { ok: false, userErrors: [{ field: ['id'], message: 'Customer does not exist' }] };
  const invalid = validate(store, input, customer.id);
  if (invalid) return invalid;
  for (const key of ['email', 'firstName', 'lastName', 'phone', 'note'] as const) {
    if (key in input) customer[key] = input[key] ?? null;
  }
  if (input.tags !== undefined) customer.tags = input.tags ?? [];
  customer.updatedAt = store.now();
  store.publish({ topic: 'customers/update', customer });
  return { ok: true, value: customer };
}

export interface EmailMarketingConsentInput {
  customerId: number | null;
  marketingState: unknown;
  marketingOptInLevel?: unknown;
  consentUpdatedAt?: unknown;
}

/** The states `customerEmailMarketingConsentUpdate` accepts; NOT_SUBSCRIBED and the others are set by Shopify itself. */
const SETTABLE_MARKETING_STATES: readonly EmailMarketingState[] = ['SUBSCRIBED', 'UNSUBSCRIBED', 'PENDING'];
const OPT_IN_LEVELS: readonly NonNullable<EmailMarketingConsent['marketingOptInLevel']>[] = ['SINGLE_OPT_IN', 'CONFIRMED_OPT_IN', 'UNKNOWN'];

/**
 * Records a customer's email marketing decision, as `customerEmailMarketingConsentUpdate` does
 * (customerUpdate cannot change consent). The customer needs an email address; a change fires
 * customers/update like any other profile change.
 * https://shopify.dev/docs/api/admin-graphql/latest/mutations/customerEmailMarketingConsentUpdate
 */
export function updateEmailMarketingConsent(store: ShopifyStore, input: EmailMarketingConsentInput): Outcome<Customer> {
  const customer = input.customerId ? store.customers.get(input.customerId) : undefined;
  if (!customer) return { ok: false, userErrors: [{ field: ['input', 'customerId'], message: 'Customer does not exist', code: 'INVALID' }] };
  if (!customer.email) {
    return { ok: false, userErrors: [{ field: ['input', 'customerId'], message: 'Customer must have an email address to update email marketing consent', code: 'INVALID' }] };
  }
  const state = input.marketingState;
  if (typeof state !== 'string' || !SETTABLE_MARKETING_STATES.includes(state as EmailMarketingState)) {
    return {
      ok: false,
      userErrors: [{ field: ['input', 'emailMarketingConsent', 'marketingState'], message: `Marketing state must be one of ${SETTABLE_MARKETING_STATES.join(', ')}`, code: 'INCLUSION' }],
    };
  }
  const level = input.marketingOptInLevel ?? 'SINGLE_OPT_IN';
  if (typeof level !== 'string' || !OPT_IN_LEVELS.includes(level as never)) {
    return { ok: false, userErrors: [{ field: ['input', 'emailMarketingConsent', 'marketingOptInLevel'], message: 'Marketing opt in level is invalid', code: 'INCLUSION' }] };
  }
  const at = input.consentUpdatedAt;
  if (at !== undefined && at !== null && (typeof at !== 'string' || Number.isNaN(Date.parse(at)))) {
    return { ok: false, userErrors: [{ field: ['input', 'emailMarketingConsent', 'consentUpdatedAt'], message: 'Consent updated at is not a valid date time', code: 'INVALID' }] };
  }
  const now = store.now();
  customer.emailMarketingConsent = {
    marketingState: state as EmailMarketingState,
    marketingOptInLevel: level as NonNullable<EmailMarketingConsent['marketingOptInLevel']>,
    consentUpdatedAt: typeof at === 'string' ? new Date(at).toISOString() : now,
  };
  customer.updatedAt = now;
  store.publish({ topic: 'customers/update', customer });
  return { ok: true, value: customer };
}

function validate(store: ShopifyStore, input: CustomerInput, selfId: number | null): Outcome<Customer> | undefined {
  if (input.email) {
    if (!EMAIL.test(input.email)) return { ok: false, userErrors: [{ field: ['email'], message: 'Email is invalid' }] };
    for (const other of store.customers.values()) {
      if (other.id !== selfId && other.email?.toLowerCase() === input.email.toLowerCase()) {
        return { ok: false, userErrors: [{ field: ['email'], message: 'Email has already been taken' }] };
      }
    }
  }
  if (input.phone && !PHONE.test(input.phone)) return { ok: false, userErrors: [{ field: ['phone'], message: 'Phone is invalid' }] };
  return undefined;
}
