import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { defineEntity } from './entity.ts';
import { LocationCode, Sku } from './primitives.ts';

export const InventoryLevelSchema = defineEntity({
  name: 'inventory-level',
  version: 1,
  title: 'Inventory level',
  description:
    'Stock of one SKU at one location; business key `sku@locationCode`. Owned by the ERP. ' +
    'On hand and available may be negative: ERPs that allow negative stock report oversells that way.',
  properties: {
    sku: Sku,
    locationCode: LocationCode,
    onHand: Type.Integer({ description: 'Units physically at the location.' }),
    reserved: Type.Integer({ minimum: 0, description: 'Units promised to open orders.' }),
    available: Type.Integer({
      description: 'Units that can be promised now, as the source computes it (usually on hand minus reserved and safety stock).',
    }),
    sourceSequence: Type.Optional(
      Type.Integer({
        minimum: 0,
        description:
          "The source's own change counter for this level, when it has one; with sourceTimestamp it orders " +
          'updates so that the newest level per sku@location wins when updates are coalesced.',
      }),
    ),
  },
});

export type InventoryLevel = Static<typeof InventoryLevelSchema>;

/**
 * The business key of an inventory level, `sku@locationCode`: the event subject, the
 * coalescing key of delivery queues and the cross-reference key. Unambiguous because neither
 * a SKU nor a location code may contain "@".
 *
 * @example
 * inventoryKey({ sku: 'TRAIL-RUNNER-42-BLU', locationCode: 'DC-EAST' }) // 'TRAIL-RUNNER-42-BLU@DC-EAST'
 */
export function inventoryKey(level: Pick<InventoryLevel, 'sku' | 'locationCode'>): string {
  return `${level.sku}@${level.locationCode}`;
}
