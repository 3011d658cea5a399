import { fileURLToPath } from 'node:url';
import { loadMapping, type Mapping, type MappingOverride } from '../mapping/mapping.ts';

/** Mapping files shipped in `mappings/`, by the name an installation overrides them with. */
export const SALESFORCE_MAPPINGS = [
  'customer.to-salesforce',
  'product.to-salesforce',
  'price.to-salesforce',
  'inventory-level.to-salesforce',
  'shipment.to-salesforce',
  'return.to-salesforce',
  'case.to-salesforce',
  'case-status.to-salesforce',
  'order.to-salesforce',
  'order-line.to-salesforce',
  'customer.from-salesforce',
  'case.from-salesforce',
  'order.from-salesforce',
] as const;
export type SalesforceMappingName = (typeof SALESFORCE_MAPPINGS)[number];
export type SalesforceMappingOverrides = Partial<Record<SalesforceMappingName, MappingOverride>>;
export type SalesforceMappings = Record<SalesforceMappingName, Mapping>;

/** Loads every shipped mapping with the installation's overrides (custom fields without forking). */
export function loadSalesforceMappings(overrides: SalesforceMappingOverrides = {}): SalesforceMappings {
  const entries = SALESFORCE_MAPPINGS.map((name) => {
    const file = fileURLToPath(new URL(`./mappings/${name}.yaml`, import.meta.url));
    return [name, loadMapping(file).withOverride(overrides[name])] as const;
  });
  return Object.fromEntries(entries) as SalesforceMappings;
}
