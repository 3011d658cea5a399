import { fileURLToPath } from 'node:url';
import { loadMapping, type Mapping, type MappingOverride } from '../mapping/mapping.ts';

/**
 * The WMS connector's field mappings, one YAML file each in `mappings/`. An installation
 * changes them through `mappingOverrides` (keys below) without forking: e.g. a custom field
 * its WMS accepts on fulfilment orders, or a warehouse code lookup.
 */
export const WMS_MAPPING_FILES = {
  /** canonical Order → POST /v1/fulfillment-orders */
  fulfillmentOrder: 'fulfillment-order.from-canonical.yaml',
  /** canonical Return → POST /v1/return-receipts */
  returnReceipt: 'return-receipt.from-canonical.yaml',
  /** WMS milestone type → canonical ShipmentMilestone */
  milestone: 'milestone.to-canonical.yaml',
  /** WMS shipment (parcel) → canonical Shipment */
  shipment: 'shipment.to-canonical.yaml',
  /** WMS return receipt → canonical Return */
  return: 'return.to-canonical.yaml',
  /** WMS stock level → canonical InventoryLevel */
  inventoryLevel: 'inventory-level.to-canonical.yaml',
} as const;
export type WmsMappingName = keyof typeof WMS_MAPPING_FILES;

export type WmsMappingOverrides = Partial<Record<WmsMappingName, MappingOverride>>;
export type WmsMappings = Record<WmsMappingName, Mapping>;

/** Loads the shipped mappings and applies the installation's overrides; a bad override fails here, at start. */
export function loadWmsMappings(overrides: WmsMappingOverrides = {}): WmsMappings {
  for (const name of Object.keys(overrides)) {
    if (!(name in WMS_MAPPING_FILES)) {
      throw new Error(`mappingOverrides.${name}: the WMS connector has no such mapping (mappings: ${Object.keys(WMS_MAPPING_FILES).join(', ')})`);
    }
  }
  const entries = Object.entries(WMS_MAPPING_FILES).map(([name, file]) => {
    const shipped = loadMapping(fileURLToPath(new URL(`./mappings/${file}`, import.meta.url)));
    return [name, shipped.withOverride(overrides[name as WmsMappingName])] as const;
  });
  return Object.fromEntries(entries) as WmsMappings;
}
