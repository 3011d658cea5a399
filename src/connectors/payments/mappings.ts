import { fileURLToPath } from 'node:url';
import { loadMapping, type Mapping, type MappingOverride } from '../mapping/mapping.ts';

/**
 * The payments connector's field mappings, one YAML file each in `mappings/`, changed per
 * installation through `mappingOverrides` (e.g. extra Stripe metadata keys).
 */
export const PAYMENTS_MAPPING_FILES = {
  /** canonical refund command → POST /v1/refunds */
  refund: 'refund.from-canonical.yaml',
} as const;
export type PaymentsMappingName = keyof typeof PAYMENTS_MAPPING_FILES;

export type PaymentsMappingOverrides = Partial<Record<PaymentsMappingName, MappingOverride>>;
export type PaymentsMappings = Record<PaymentsMappingName, Mapping>;

/** Loads the shipped mappings with the installation's overrides; a bad override fails here, at start. */
export function loadPaymentsMappings(overrides: PaymentsMappingOverrides = {}): PaymentsMappings {
  for (const name of Object.keys(overrides)) {
    if (!(name in PAYMENTS_MAPPING_FILES)) {
      throw new Error(`mappingOverrides.${name}: the payments connector has no such mapping (mappings: ${Object.keys(PAYMENTS_MAPPING_FILES).join(', ')})`);
    }
  }
  const entries = Object.entries(PAYMENTS_MAPPING_FILES).map(([name, file]) => {
    const shipped = loadMapping(fileURLToPath(new URL(`./mappings/${file}`, import.meta.url)));
    return [name, shipped.withOverride(overrides[name as PaymentsMappingName])] as const;
  });
  return Object.fromEntries(entries) as PaymentsMappings;
}
