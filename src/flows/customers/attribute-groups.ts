import type { Customer } from '../../canonical/customer.ts';

/**
 * The attribute groups of a customer: the unit of ownership (DESIGN.md, "System-of-record
 * ownership"). The `ownership:` rules name them as `customer.<group>`; a group nobody owns
 * (contact data by default) may be changed by any system, and the newest change wins.
 */
export const CustomerAttributeGroup = {
  /** Who the party is: a person or a business, and the business's registered name. */
  identity: 'identity',
  /** How to reach them: name, e-mails, phones, postal addresses. Unowned by default. */
  contact: 'contact',
  /** Language and preferred store. */
  preferences: 'preferences',
  /** Marketing consent per channel. */
  consent: 'consent',
  /** Loyalty membership, tier and points. */
  loyalty: 'loyalty',
  /** Trade account (number, credit limit, terms, status) and tax registration. */
  billing: 'billing',
} as const;
export type CustomerAttributeGroup = (typeof CustomerAttributeGroup)[keyof typeof CustomerAttributeGroup];

/** Fields every canonical entity carries: they identify and stamp a record, they are not attributes. */
type EnvelopeField = 'hubId' | 'externalIds' | 'sourceSystem' | 'sourceTimestamp' | 'version' | 'schemaVersion';

/** A customer attribute: every Customer field that is not part of the envelope. */
export type CustomerField = Exclude<keyof Customer, EnvelopeField>;

/**
 * Which fields form each group: the one place that says it. Every attribute of the canonical
 * Customer belongs to exactly one group (checked below at compile time and in the unit test).
 */
export const CUSTOMER_ATTRIBUTE_GROUPS = {
  identity: ['partyType', 'companyName'],
  contact: ['name', 'emails', 'phones', 'addresses'],
  preferences: ['locale', 'preferredStoreCode'],
  consent: ['consents'],
  loyalty: ['loyalty'],
  billing: ['billingAccount', 'taxId'],
} as const satisfies Record<CustomerAttributeGroup, readonly CustomerField[]>;

type GroupedField = (typeof CUSTOMER_ATTRIBUTE_GROUPS)[CustomerAttributeGroup][number];
// A Customer field added to the schema without a group fails to compile here.
const everyFieldHasAGroup: [Exclude<CustomerField, GroupedField>] extends [never] ? true : Exclude<CustomerField, GroupedField> = true;
void everyFieldHasAGroup;

export const CUSTOMER_FIELDS: readonly CustomerField[] = Object.values(CUSTOMER_ATTRIBUTE_GROUPS).flat();

const GROUP_OF_FIELD = new Map<CustomerField, CustomerAttributeGroup>(
  Object.entries(CUSTOMER_ATTRIBUTE_GROUPS).flatMap(([group, fields]) => fields.map((field) => [field, group as CustomerAttributeGroup] as const)),
);

export function groupOf(field: CustomerField): CustomerAttributeGroup {
  return GROUP_OF_FIELD.get(field)!;
}

/** The `ownership:` rule name of a group, e.g. `customer.billing`. */
export const ownershipEntity = 'customer';

/**
 * Groups the hub never writes back to their owner once the owner holds the customer: the
 * owner's copy is the truth, and the hub's copy of it may be older than the owner's latest
 * change (not yet polled). Identity is always sent, because connectors shape the record by the
 * party type (a Salesforce Person Account or a business Account).
 */
export const GROUPS_KEPT_FROM_THEIR_OWNER: readonly CustomerAttributeGroup[] = ['preferences', 'consent', 'loyalty', 'billing'];

/** Fields the canonical schema requires: a change can replace them but never remove them. */
export const REQUIRED_FIELDS: ReadonlySet<CustomerField> = new Set(['partyType', 'name', 'emails', 'phones', 'addresses', 'consents']);
