import type { Outcome } from './orders.ts';
import type { ShopifyStore } from './store.ts';
import type { Customer } from './types.ts';

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
