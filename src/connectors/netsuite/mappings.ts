import { fileURLToPath } from 'node:url';
import { loadMapping, type Mapping, type MappingOverride } from '../mapping/mapping.ts';

/** The shipped mappings (`mappings/<name>.yaml`), by name. */
export const NETSUITE_MAPPINGS = [
  'customer.to-netsuite',
  'sales-order.to-netsuite',
  'item-fulfillment.to-netsuite',
  'invoice.to-netsuite',
  'return-authorization.to-netsuite',
  'item-receipt.to-netsuite',
  'credit-memo.to-netsuite',
  'customer-refund.to-netsuite',
  'customer.from-netsuite',
  'inventory-level.from-netsuite',
  'order.from-netsuite',
  'product.from-netsuite',
  'price.from-netsuite',
] as const;
export type NetSuiteMappingName = (typeof NETSUITE_MAPPINGS)[number];

/** An installation's changes per mapping, e.g. `{ 'sales-order.to-netsuite': { fields: { 'custbody_channel': 'channel' } } }`. */
export type NetSuiteMappingOverrides = Partial<Record<NetSuiteMappingName, MappingOverride>>;
export type NetSuiteMappings = Record<NetSuiteMappingName, Mapping>;

export function loadNetSuiteMappings(overrides: NetSuiteMappingOverrides = {}): NetSuiteMappings {
  for (const name of Object.keys(overrides)) {
    if (!(NETSUITE_MAPPINGS as readonly string[]).includes(name)) {
      throw new Error(`netsuite: mapping override for unknown mapping "${name}" (known: ${NETSUITE_MAPPINGS.join(', ')})`);
    }
  }
  const entries = NETSUITE_MAPPINGS.map((name) => {
    const file = fileURLToPath(new URL(`./mappings/${name}.yaml`, import.meta.url));
    return [name, loadMapping(file).withOverride(overrides[name])] as const;
  });
  return Object.fromEntries(entries) as NetSuiteMappings;
}

/**
 * How hub keys become the external ids NetSuite records carry. Defaults: the SKU is the item's
 * external id, the location code the location's, the hub id the customer's; installations whose
 * records were loaded with prefixes (`ITEM-<sku>`) set them here.
 */
export interface ExternalIdConventions {
  itemPrefix?: string;
  locationPrefix?: string;
  customerPrefix?: string;
  /** Customer that guest-checkout orders are booked on (its external id). */
  guestCustomerExternalId?: string;
}

/** JSONata bindings the outbound mappings use: `$item(sku)`, `$location(code)`, `$customer(hubId)`, `$guestCustomer`. */
export function referenceBindings(conventions: ExternalIdConventions): Record<string, unknown> {
  const prefixed = (prefix: string | undefined) => (key: unknown) => (typeof key === 'string' && key !== '' ? `${prefix ?? ''}${key}` : undefined);
  return {
    item: prefixed(conventions.itemPrefix),
    location: prefixed(conventions.locationPrefix),
    customer: prefixed(conventions.customerPrefix),
    guestCustomer: conventions.guestCustomerExternalId,
  };
}
