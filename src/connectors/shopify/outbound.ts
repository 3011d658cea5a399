import type { DeliveryItem } from '../../ports/storage.ts';
import { PermanentError, TransientError } from '../../runtime/errors.ts';
import type { DeliveryContext, ItemOutcome } from '../../runtime/delivery/target.ts';
import type { Mapping } from '../mapping/mapping.ts';
import { SHOPIFY_SYSTEM } from './client.ts';
import type { ShopifyGraphQLClient } from './client.ts';
import { QUERY_COST, SINGLE_NODE_LOOKUP_COST } from './limits.ts';
import { runCommands } from './outbound/commands.ts';
import { upsertCustomer } from './outbound/customers.ts';
import { adjustInventory, setInventoryLevels } from './outbound/inventory.ts';
import type { InventoryOptions } from './outbound/inventory.ts';
import { createFulfillment, issueRefund } from './outbound/orders.ts';
import { priceCost, upsertPrices } from './outbound/prices.ts';
import { PRODUCT_COST, upsertProducts } from './outbound/products.ts';
import { approveReturn, closeReturn, declineReturn } from './outbound/returns.ts';
import type { ShopifyReferences } from './references.ts';

/** The delivery operations the Shopify connector accepts. */
export const ShopifyOperation = {
  /** State: absolute available quantity per sku@location, batched 250 per call. */
  setInventoryLevel: 'setInventoryLevel',
  /** Command: a delta with its own idempotency key. */
  adjustInventory: 'adjustInventory',
  createFulfillment: 'createFulfillment',
  issueRefund: 'issueRefund',
  /** State: a canonical Customer. */
  upsertCustomer: 'upsertCustomer',
  /** State: a canonical Product (one product, one variant per SKU), 25 per call. */
  upsertProduct: 'upsertProduct',
  /** State: a canonical Price → the price of the variant with its SKU (productVariantsBulkUpdate), 25 per call. */
  upsertPrice: 'upsertPrice',
  /** Command: approve a customer's return request (`{ returnId }`); an OPEN return is a no-op success. */
  approveReturn: 'approveReturn',
  /** Command: decline a customer's return request (`{ returnId, reason, note, notifyCustomer }`); a DECLINED return is a no-op success. */
  declineReturn: 'declineReturn',
  /** Command: close an approved return (`{ returnId }`); a CLOSED return is a no-op success. */
  closeReturn: 'closeReturn',
} as const;
export type ShopifyOperation = (typeof ShopifyOperation)[keyof typeof ShopifyOperation];

/** Accepted as a synonym of `setInventoryLevel` (the plural reads better in configuration). */
const SET_INVENTORY_ALIAS = 'setInventoryLevels';
export const SHOPIFY_OPERATIONS: readonly string[] = [...Object.values(ShopifyOperation), SET_INVENTORY_ALIAS];

export interface OutboundDeps {
  client: ShopifyGraphQLClient;
  references: ShopifyReferences;
  inventory: InventoryOptions;
  customerMapping: Mapping;
  productMapping: Mapping;
}

/** The cost of the reads some commands make before their mutation (see outbound/orders.ts). */
const ORDER_LINE_ITEMS_COST = QUERY_COST.object + QUERY_COST.connectionOverhead + 100 * QUERY_COST.object;
const FULFILLMENT_STATE_COST = QUERY_COST.object + QUERY_COST.connectionOverhead + 5 * (QUERY_COST.object + QUERY_COST.connectionOverhead + 50) + 10 * (QUERY_COST.object + 1);

/**
 * The points a claim will need, by Shopify's calculated-cost rules, so the dispatcher waits for
 * them before sending instead of getting THROTTLED: a mutation is 10; an inventory batch adds
 * the SKU and location lookups not cached yet; a price batch the variant lookups not cached yet
 * and one mutation per product; commands add the reads they make first.
 */
export function estimateCost(batch: readonly DeliveryItem[], references: ShopifyReferences): number {
  const operation = batch[0]?.operation;
  const skus = () => batch.map((item) => (item.payload as { sku?: unknown } | null)?.sku).filter((sku): sku is string => typeof sku === 'string');
  switch (operation) {
    case ShopifyOperation.setInventoryLevel:
    case SET_INVENTORY_ALIAS:
      return QUERY_COST.mutation + references.lookupCost(skus());
    case ShopifyOperation.adjustInventory:
      return batch.length * QUERY_COST.mutation + references.lookupCost(skus());
    case ShopifyOperation.issueRefund:
      return batch.length * (QUERY_COST.mutation + ORDER_LINE_ITEMS_COST);
    case ShopifyOperation.createFulfillment:
      return batch.length * (QUERY_COST.mutation + FULFILLMENT_STATE_COST);
    case ShopifyOperation.upsertCustomer:
      // The profile mutation, the email lookup, and a consent mutation when consent changes.
      return batch.length * (2 * QUERY_COST.mutation + SINGLE_NODE_LOOKUP_COST);
    case ShopifyOperation.upsertProduct:
      return batch.length * PRODUCT_COST;
    case ShopifyOperation.upsertPrice:
      return priceCost(batch, references);
    case ShopifyOperation.approveReturn:
    case ShopifyOperation.declineReturn:
    case ShopifyOperation.closeReturn:
      // The status read, then (when the return is not there yet) the mutation.
      return batch.length * (QUERY_COST.mutation + QUERY_COST.object);
    default:
      return 0;
  }
}

/** Delivers one claim (one operation) and answers one outcome per item, in order. */
export async function deliverToShopify(batch: readonly DeliveryItem[], context: DeliveryContext, deps: OutboundDeps): Promise<ItemOutcome[]> {
  if (batch.length === 0) return [];
  const call = { signal: context.signal, reportQuota: (signal: Parameters<DeliveryContext['reportQuota']>[0]) => context.reportQuota(signal) };
  const operation = batch[0]!.operation;
  const { client, references } = deps;
  const batchFailure = (error: unknown) => error instanceof TransientError;
  switch (operation) {
    case ShopifyOperation.setInventoryLevel:
    case SET_INVENTORY_ALIAS:
      return setInventoryLevels({ batch, client, references, settings: deps.inventory, call });
    case ShopifyOperation.adjustInventory:
      return runCommands(batch, (item) => adjustInventory({ item, client, references, settings: deps.inventory, call }), batchFailure);
    case ShopifyOperation.issueRefund:
      return runCommands(batch, (item) => issueRefund({ item, client, call }), batchFailure);
    case ShopifyOperation.createFulfillment:
      return runCommands(batch, (item) => createFulfillment({ item, client, call }), batchFailure);
    case ShopifyOperation.upsertCustomer:
      return runCommands(batch, (item) => upsertCustomer({ item, client, mapping: deps.customerMapping, call }), batchFailure);
    case ShopifyOperation.upsertProduct:
      return upsertProducts({ batch, client, mapping: deps.productMapping, call });
    case ShopifyOperation.upsertPrice:
      return upsertPrices({ batch, client, references, call });
    case ShopifyOperation.approveReturn:
      return runCommands(batch, (item) => approveReturn({ item, client, call }), batchFailure);
    case ShopifyOperation.declineReturn:
      return runCommands(batch, (item) => declineReturn({ item, client, call }), batchFailure);
    case ShopifyOperation.closeReturn:
      return runCommands(batch, (item) => closeReturn({ item, client, call }), batchFailure);
    default:
      throw new PermanentError(`the Shopify connector has no operation "${operation}" (it accepts: ${SHOPIFY_OPERATIONS.join(', ')})`, {
        system: SHOPIFY_SYSTEM,
        code: 'UNKNOWN_OPERATION',
      });
  }
}
