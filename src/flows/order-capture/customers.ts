import { createHash } from 'node:crypto';
import type { Customer } from '../../canonical/customer.ts';
import type { Order } from '../../canonical/order.ts';
import type { RecordStore } from '../../ports/storage.ts';
import { findGoldenCustomer } from '../customers/golden.ts';

type PostalAddress = NonNullable<Order['fulfilment']['shippingAddress']>;

/** Who an order is for, as order capture resolved it. */
export interface ResolvedCustomer {
  hubId: string;
  /** The golden record when the customer is known (customer read model). */
  known: Customer | null;
  /** A customer seen for the first time: created by order capture (event + ERP, CRM upserts). */
  created: Customer | null;
  /** The ERP does not know the customer yet (no ERP id on the record): upsert it before booking. */
  upsertToErp: boolean;
  /** The CRM needs the Account before the Order is projected (customers new to the ERP and the CRM). */
  upsertToCrm: boolean;
  /** Where to ship when the order itself carries no address: the customer's default. */
  defaultAddress: PostalAddress | null;
}

/**
 * Finds the customer of an order in the customer read model (the customer sync's golden
 * records): by hub id, by an alias of it, else by the order's e-mail or phone. An unknown customer becomes a new one, with a hub
 * id derived from what identifies it (the channel's customer id, else a hash of the e-mail or
 * phone), so two orders of one new customer name the same customer; an order naming nobody is
 * booked on the configured guest customer.
 */
export async function resolveCustomer(args: {
  records: RecordStore;
  order: Order;
  /** The ERP's and CRM's system names (`netsuite`, `salesforce`): whose ids say "already there". */
  erpSystem: string | undefined;
  crmSystem: string | undefined;
  guestCustomerId: string;
}): Promise<ResolvedCustomer> {
  const { records, order } = args;
  const given = order.customer;
  const profile = { ...(given.email !== undefined && { email: given.email }), ...(given.phone !== undefined && { phone: given.phone }) };
  // The customer sync's lookup: by hub id, by an alias (the channel's id of a merged customer), by e-mail or phone.
  const known = (await findGoldenCustomer(records, { ...(given.customerId !== undefined && { hubId: given.customerId }), profile })) ?? null;
  if (known) {
    const inErp = args.erpSystem !== undefined && known.externalIds[args.erpSystem] !== undefined;
    const inCrm = args.crmSystem !== undefined && known.externalIds[args.crmSystem] !== undefined;
    // Known to neither system of record (only the channel that sold to it): new to both, like a
    // customer created here. A customer the ERP knows is taken as known to the CRM too (the
    // customer sync keeps them aligned); its CRM record is not overwritten from here.
    return { hubId: known.hubId, known, created: null, upsertToErp: !inErp, upsertToCrm: !inErp && !inCrm, defaultAddress: defaultAddressOf(known) };
  }
  const created = newCustomer(order, args.guestCustomerId);
  return { hubId: created.hubId, known: null, created, upsertToErp: true, upsertToCrm: true, defaultAddress: defaultAddressOf(created) };
}

/** True when the order names nobody: booked on the guest customer. */
export function isAnonymous(order: Order): boolean {
  return !order.customer.customerId && !order.customer.email && !order.customer.phone;
}

function newCustomer(order: Order, guestCustomerId: string): Customer {
  const given = order.customer;
  const anonymous = isAnonymous(order);
  const hubId = anonymous ? guestCustomerId : (given.customerId ?? `cus_${digest(given.email?.trim().toLowerCase() ?? given.phone ?? '')}`);
  const business = order.channel === 'b2b-portal' || order.channel === 'edi';
  const fullName = anonymous ? 'Guest checkout' : (given.name ?? given.email ?? given.phone ?? hubId);
  const shipping = order.fulfilment.shippingAddress;
  return {
    hubId,
    externalIds: {},
    sourceSystem: order.sourceSystem,
    sourceTimestamp: order.placedAt,
    version: 1,
    schemaVersion: 1,
    partyType: business ? 'business' : 'person',
    name: { full: fullName },
    ...(business && { companyName: fullName }),
    emails: given.email ? [{ address: given.email, use: business ? 'work' : 'personal', primary: true }] : [],
    phones: given.phone ? [{ number: given.phone, type: business ? 'work' : 'mobile', primary: true }] : [],
    addresses: shipping ? [{ use: 'shipping', isDefault: true, address: shipping }] : [],
    consents: {},
  };
}

/** The default shipping (or shared) address of a customer, else any address it has. */
function defaultAddressOf(customer: Customer): PostalAddress | null {
  const shippable = customer.addresses.filter((entry) => entry.use !== 'billing');
  const chosen = shippable.find((entry) => entry.isDefault) ?? shippable[0] ?? customer.addresses[0];
  if (!chosen) return null;
  return { recipient: customer.name.full, ...chosen.address };
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
