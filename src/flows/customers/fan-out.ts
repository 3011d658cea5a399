import type { Customer } from '../../canonical/customer.ts';
import type { Ownership } from '../ownership.ts';
import type { FlowSettings } from '../settings.ts';
import { CUSTOMER_ATTRIBUTE_GROUPS, CUSTOMER_FIELDS, GROUPS_KEPT_FROM_THEIR_OWNER, groupOf, ownershipEntity, type CustomerField } from './attribute-groups.ts';
import { comparable } from './comparable.ts';
import type { CustomerSyncState, TargetView } from './records.ts';

/** The delivery operation every customer target accepts (NetSuite, Salesforce, Shopify). */
export const UPSERT_CUSTOMER = 'upsertCustomer';

/** One write of a golden customer to one target role. */
export interface CustomerWrite {
  role: string;
  hubId: string;
  /** The golden revision written. */
  revision: number;
  /** The delivery version: the customer's sync state sequence when the write was decided. */
  sequence: number;
  payload: Customer;
  /** What the target will hold once written (its target view). */
  fields: Partial<Record<CustomerField, string | null>>;
}

export interface FanOutContext {
  settings: FlowSettings;
  ownership: Ownership;
  /** Role → system name. */
  systems: Readonly<Record<string, string>>;
}

/** The roles a customer goes to: those configured to receive its party type. */
export function targetRolesOf(customer: Customer, settings: FlowSettings): string[] {
  return Object.entries(settings.customers.targets)
    .filter(([, target]) => target.partyTypes.includes(customer.partyType))
    .map(([role]) => role);
}

/**
 * The groups left out of what `role` is sent: those it owns, once it holds the customer (the
 * hub has its id there). A system that does not hold the customer yet gets everything: it has
 * no value of its own to protect.
 */
export function groupsKeptFrom(customer: Customer, role: string, context: FanOutContext): string[] {
  const system = context.systems[role];
  if (system === undefined || customer.externalIds[system] === undefined) return [];
  return GROUPS_KEPT_FROM_THEIR_OWNER.filter((group) => context.ownership.ownerOf(ownershipEntity, group) === role);
}

/**
 * The customer as `role` is sent it: the golden record without the groups kept from their
 * owner; and the fields the role is compared on to decide whether it needs a write.
 */
export function payloadFor(customer: Customer, role: string, context: FanOutContext): { payload: Customer; fields: Partial<Record<CustomerField, string | null>> } {
  const kept = new Set(groupsKeptFrom(customer, role, context));
  const payload: Customer = structuredClone(customer);
  for (const group of kept) {
    for (const field of CUSTOMER_ATTRIBUTE_GROUPS[group as keyof typeof CUSTOMER_ATTRIBUTE_GROUPS]) {
      if (field === 'consents') payload.consents = {};
      else delete (payload as Partial<Customer>)[field];
    }
  }
  // What the role is compared on: the groups its system stores, less those kept from it.
  const stored = new Set<string>(context.settings.customers.targets[role]?.groups ?? Object.keys(CUSTOMER_ATTRIBUTE_GROUPS));
  const fields: Partial<Record<CustomerField, string | null>> = {};
  for (const field of CUSTOMER_FIELDS) if (stored.has(groupOf(field)) && !kept.has(groupOf(field))) fields[field] = comparable(field, customer);
  return { payload, fields };
}

function sameView(view: TargetView | undefined, fields: Partial<Record<CustomerField, string | null>>): boolean {
  if (!view) return false;
  return Object.entries(fields).every(([field, value]) => view.fields[field as CustomerField] === value);
}

/**
 * The writes a golden customer needs: one per target role whose view differs from what it
 * should hold. An echo of the hub's own write leaves every view as it is, so it writes nothing.
 */
export function writesFor(customer: Customer, state: CustomerSyncState, context: FanOutContext): CustomerWrite[] {
  // The guest customer is a placeholder for orders naming nobody, not a person to sync:
  // order capture creates it in the ERP, and no storefront or CRM should hold it.
  if (customer.hubId === context.settings.orders.guestCustomerId) return [];
  const writes: CustomerWrite[] = [];
  for (const role of targetRolesOf(customer, context.settings)) {
    const { payload, fields } = payloadFor(customer, role, context);
    if (sameView(state.targets[role], fields)) continue;
    writes.push({ role, hubId: customer.hubId, revision: customer.version, sequence: state.seq, payload, fields });
  }
  return writes;
}

/**
 * What a reporting system holds after its report: the fields it stated (pending ones excepted:
 * it still holds the older value, and the hub's newer one is on its way) over what it was sent
 * or confirmed before. Only the record the golden customer is linked to in that system counts.
 * A field it reports as last sent has caught up: that write and the earlier ones of the field
 * are history, so a later return to one of those values is a change by its users, not an echo.
 */
export function confirmHeld(state: CustomerSyncState, role: string | undefined, held: Partial<Record<CustomerField, string | null>>): CustomerSyncState {
  if (role === undefined || Object.keys(held).length === 0) return state;
  const previous = state.targets[role];
  const caughtUp = new Set(Object.keys(held).filter((field) => previous?.sent !== undefined && field in previous.sent && previous.sent[field as CustomerField] === held[field as CustomerField]));
  const without = (fields: Partial<Record<CustomerField, string | null>>) => Object.fromEntries(Object.entries(fields).filter(([field]) => !caughtUp.has(field)));
  const earlier = (previous?.earlier ?? []).map(without).filter((fields) => Object.keys(fields).length > 0);
  const sent = previous?.sent === undefined ? undefined : without(previous.sent);
  return {
    ...state,
    targets: {
      ...state.targets,
      [role]: {
        sequence: Math.max(previous?.sequence ?? 0, state.seq),
        fields: { ...previous?.fields, ...held },
        ...(sent !== undefined && Object.keys(sent).length > 0 && { sent }),
        ...(earlier.length > 0 && { earlier }),
      },
    },
  };
}

/** Writes whose echoes are still recognised as such; older ones have long been reported back. */
const EARLIER_WRITES_KEPT = 5;

/**
 * Records that the writes were handed to delivery: each target now holds (or is about to hold)
 * them. The write it was sent before moves to `earlier` (what the system said itself is not
 * kept there: reporting its own value again is a change, not an echo).
 */
export function markSent(state: CustomerSyncState, writes: readonly Pick<CustomerWrite, 'role' | 'sequence' | 'fields'>[]): CustomerSyncState {
  const targets = { ...state.targets };
  for (const write of writes) {
    const previous = targets[write.role];
    if (previous && previous.sequence > write.sequence) continue; // a newer write already went
    const earlier = [...(previous?.sent ? [previous.sent] : []), ...(previous?.earlier ?? [])].slice(0, EARLIER_WRITES_KEPT);
    targets[write.role] = { sequence: write.sequence, fields: write.fields, sent: write.fields, ...(earlier.length > 0 && { earlier }) };
  }
  return { ...state, targets };
}

/** Whether `value` of `field` is one the hub sent `role` earlier and has not seen it move past (so reporting it is an echo). */
export function sentEarlier(state: CustomerSyncState, role: string | undefined, field: CustomerField, value: string | null): boolean {
  const target = role === undefined ? undefined : state.targets[role];
  return target?.earlier?.some((fields) => field in fields && fields[field] === value) ?? false;
}
