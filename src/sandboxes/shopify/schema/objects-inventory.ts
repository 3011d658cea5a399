import type { GraphQLObject } from '../graphql/execute.ts';
import { GraphQLFieldError } from '../graphql/errors.ts';
import { isQuantityName, quantityOf } from '../store/inventory.ts';
import type { ShopifyStore } from '../store/store.ts';
import { formatCents } from '../store/store.ts';
import type { InventoryItem, InventoryLevel, ProductVariant } from '../store/types.ts';
import { connection } from './connection.ts';
import { gid, parseGid } from './ids.ts';
import { locationObject } from './objects-common.ts';

export function variantObject(store: ShopifyStore, variant: ProductVariant): GraphQLObject {
  return {
    __typename: 'ProductVariant',
    __implements: ['Node'],
    id: gid('ProductVariant', variant.id),
    legacyResourceId: String(variant.id),
    sku: variant.sku,
    title: variant.title,
    displayName: `${variant.productTitle} - ${variant.title}`,
    price: formatCents(variant.priceCents),
    compareAtPrice: variant.compareAtPriceCents === undefined || variant.compareAtPriceCents === null ? null : formatCents(variant.compareAtPriceCents),
    createdAt: variant.createdAt,
    updatedAt: variant.updatedAt,
    product: { __typename: 'Product', id: gid('Product', variant.productId), title: variant.productTitle },
    inventoryQuantity: () => levelsOf(store, variant.inventoryItemId).reduce((sum, level) => sum + level.quantities.available, 0),
    inventoryItem: () => {
      const item = store.inventoryItems.get(variant.inventoryItemId);
      return item ? inventoryItemObject(store, item) : null;
    },
  };
}

export function inventoryItemObject(store: ShopifyStore, item: InventoryItem): GraphQLObject {
  return {
    __typename: 'InventoryItem',
    __implements: ['Node'],
    id: gid('InventoryItem', item.id),
    legacyResourceId: String(item.id),
    sku: item.sku,
    tracked: item.tracked,
    requiresShipping: true,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    variant: () => {
      const variant = store.variants.get(item.variantId);
      return variant ? variantObject(store, variant) : null;
    },
    inventoryLevels: (args: Record<string, unknown>) =>
      connection('InventoryLevel', levelsOf(store, item.id), args, (level) => inventoryLevelObject(store, level)),
    inventoryLevel: (args: Record<string, unknown>) => {
      const locationId = parseGid(args.locationId, 'Location');
      const level = locationId === null ? undefined : store.inventoryLevels.get(store.levelKey(item.id, locationId));
      return level ? inventoryLevelObject(store, level) : null;
    },
  };
}

export function inventoryLevelGid(level: InventoryLevel): string {
  return gid('InventoryLevel', level.id, { inventory_item_id: level.inventoryItemId });
}

export function inventoryLevelObject(store: ShopifyStore, level: InventoryLevel): GraphQLObject {
  return {
    __typename: 'InventoryLevel',
    __implements: ['Node'],
    id: inventoryLevelGid(level),
    updatedAt: level.updatedAt,
    createdAt: level.updatedAt,
    canDeactivate: true,
    location: () => {
      const location = store.locations.get(level.locationId);
      return location ? locationObject(location) : null;
    },
    item: () => {
      const item = store.inventoryItems.get(level.inventoryItemId);
      return item ? inventoryItemObject(store, item) : null;
    },
    quantities: (args: Record<string, unknown>) => {
      const names = Array.isArray(args.names) ? (args.names as unknown[]) : [];
      return names.map((name) => {
        if (typeof name !== 'string' || !isQuantityName(name)) {
          throw new GraphQLFieldError(`${String(name)} is not a valid inventory quantity name.`, { code: 'BAD_REQUEST' });
        }
        return {
          __typename: 'InventoryQuantity',
          id: gid('InventoryQuantity', level.id, { inventory_item_id: level.inventoryItemId, name_index: names.indexOf(name) }),
          name,
          quantity: quantityOf(level, name),
          updatedAt: level.updatedAt,
        };
      });
    },
  };
}

export function levelsOf(store: ShopifyStore, inventoryItemId: number): InventoryLevel[] {
  return [...store.inventoryLevels.values()].filter((level) => level.inventoryItemId === inventoryItemId);
}
