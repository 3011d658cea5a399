import type { ShopifyStore } from './store.ts';
import type { InventoryLevel, QuantityName, StoredQuantityName, UserError } from './types.ts';
import { QUANTITY_NAMES } from './types.ts';

/**
 * Inventory states and their rules
 * (https://shopify.dev/docs/apps/build/orders-fulfillment/inventory-management-apps/manage-quantities-states):
 * `on_hand` = everything physically at the location (available + committed + reserved +
 * damaged + safety_stock + quality_control); `incoming` is not on hand yet.
 */
const ON_HAND_PARTS: readonly StoredQuantityName[] = ['available', 'committed', 'reserved', 'damaged', 'safety_stock', 'quality_control'];

/** Names `inventoryAdjustQuantities` accepts (committed and on_hand are derived by Shopify). */
export const ADJUSTABLE_NAMES: readonly QuantityName[] = ['available', 'damaged', 'incoming', 'quality_control', 'reserved', 'safety_stock'];

/** Names `inventorySetQuantities` accepts. */
export const SETTABLE_NAMES: readonly QuantityName[] = ['available', 'on_hand'];

/** Reasons Shopify accepts on inventory changes (InventoryAdjustQuantitiesInput.reason). */
export const INVENTORY_REASONS = new Set([
  'correction',
  'cycle_count_available',
  'damaged',
  'movement_canceled',
  'movement_created',
  'movement_received',
  'movement_updated',
  'other',
  'promotion',
  'quality_control',
  'received',
  'reservation_created',
  'reservation_deleted',
  'reservation_updated',
  'restock',
  'safety_stock',
  'shrinkage',
]);

export function quantityOf(level: InventoryLevel, name: QuantityName): number {
  if (name === 'on_hand') return ON_HAND_PARTS.reduce((sum, part) => sum + level.quantities[part], 0);
  return level.quantities[name];
}

export function isQuantityName(name: string): name is QuantityName {
  return name === 'on_hand' || (QUANTITY_NAMES as readonly string[]).includes(name);
}

export interface InventoryChange {
  name: QuantityName;
  delta: number;
  quantityAfterChange: number;
  level: InventoryLevel;
}

export interface InventoryAdjustmentGroup {
  id: number;
  createdAt: string;
  reason: string;
  referenceDocumentUri: string | null;
  changes: InventoryChange[];
}

export interface QuantityTarget {
  inventoryItemId: number | null;
  locationId: number | null;
  /** Compare-and-swap value; `null` opts out of the check. */
  expected: number | null;
  /** Index in the input list, for the userError's field path. */
  index: number;
}

export type InventoryOutcome = { ok: true; group: InventoryAdjustmentGroup } | { ok: false; userErrors: UserError[] };

/** Finds the level for one input row, or the userError Shopify returns for it. */
export function resolveLevel(
  store: ShopifyStore,
  target: QuantityTarget,
  listField: string,
): { level: InventoryLevel } | { error: UserError } {
  const field = ['input', listField, String(target.index)];
  if (target.inventoryItemId === null || !store.inventoryItems.has(target.inventoryItemId)) {
    return { error: { field: [...field, 'inventoryItemId'], message: 'The specified inventory item could not be found.', code: 'INVALID_INVENTORY_ITEM' } };
  }
  if (target.locationId === null || !store.locations.has(target.locationId)) {
    return { error: { field: [...field, 'locationId'], message: 'The specified location could not be found.', code: 'INVALID_LOCATION' } };
  }
  const level = store.inventoryLevels.get(store.levelKey(target.inventoryItemId, target.locationId));
  if (!level) {
    return {
      error: { field: [...field, 'locationId'], message: 'The specified inventory item is not stocked at the location.', code: 'ITEM_NOT_STOCKED_AT_LOCATION' },
    };
  }
  return { level };
}

/**
 * Applies absolute or relative changes to one quantity name, all or nothing. `on_hand` moves
 * through `available` (the only on-hand part a merchant sets directly), and every change to
 * an on-hand part is echoed as an `on_hand` change, as Shopify reports it.
 */
export function applyInventoryChanges(
  store: ShopifyStore,
  input: { name: QuantityName; reason: string; referenceDocumentUri: string | null },
  rows: { level: InventoryLevel; delta: number }[],
): InventoryAdjustmentGroup {
  const now = store.now();
  const changes: InventoryChange[] = [];
  for (const { level, delta } of rows) {
    const stored: StoredQuantityName = input.name === 'on_hand' ? 'available' : input.name;
    level.quantities[stored] += delta;
    level.updatedAt = now;
    changes.push({ name: stored, delta, quantityAfterChange: level.quantities[stored], level });
    if (ON_HAND_PARTS.includes(stored)) changes.push({ name: 'on_hand', delta, quantityAfterChange: quantityOf(level, 'on_hand'), level });
  }
  const group: InventoryAdjustmentGroup = { id: store.newId(), createdAt: now, reason: input.reason, referenceDocumentUri: input.referenceDocumentUri, changes };
  for (const { level } of rows) store.publish({ topic: 'inventory_levels/update', level });
  return group;
}

/** Moves units between states at one level (an order commits stock; a fulfilment ships it). */
export function moveStock(store: ShopifyStore, level: InventoryLevel, moves: Partial<Record<StoredQuantityName, number>>): void {
  for (const [name, delta] of Object.entries(moves) as [StoredQuantityName, number][]) level.quantities[name] += delta;
  level.updatedAt = store.now();
  store.publish({ topic: 'inventory_levels/update', level });
}
