import type { DeliveryItem } from '../../ports/storage.ts';
import type { DeliveryContext, ItemOutcome } from '../../runtime/delivery/target.ts';
import { PermanentError } from '../../runtime/errors.ts';
import type { SalesforceClient } from './client.ts';
import { SALESFORCE_SYSTEM } from './failures.ts';
import type { SalesforceMappingName, SalesforceMappings } from './mappings.ts';
import { upsertCollection } from './outbound/collections.ts';
import type { OrderProjection } from './outbound/orders.ts';
import type { PriceBookPrices } from './outbound/prices.ts';
import { accountIdOf } from './outbound/record-ids.ts';

/** The delivery operations of the Salesforce connector (the CRM role). */
export const SalesforceOperation = {
  upsertCustomer: 'upsertCustomer',
  upsertProduct: 'upsertProduct',
  /** A Price → the UnitPrice of its product's entry in the standard price book (outbound/prices.ts). */
  upsertPrice: 'upsertPrice',
  upsertInventoryLevel: 'upsertInventoryLevel',
  upsertShipment: 'upsertShipment',
  upsertReturn: 'upsertReturn',
  upsertCase: 'upsertCase',
  updateCaseStatus: 'updateCaseStatus',
  projectOrder: 'projectOrder',
} as const;
export type SalesforceOperation = (typeof SalesforceOperation)[keyof typeof SalesforceOperation];

/** Payload of `updateCaseStatus`. */
export interface CaseStatusUpdate {
  caseNumber: string;
  status: string;
}

/** The operations that are one Collections upsert (or update) of one object per batch. */
export type CollectionOperation = Exclude<SalesforceOperation, 'projectOrder' | 'upsertPrice'>;

/**
 * Collections operations: the object written, the mapping that builds its records, and (when a
 * payload can name an existing record by its Salesforce Id) how to read that Id: such a record is
 * updated by Id, not upserted by External_Id__c (see upsertCollection).
 */
export const COLLECTION_OPERATIONS: Record<
  CollectionOperation,
  { object: string; mapping: SalesforceMappingName; recordIdOf?: (payload: unknown) => string | undefined }
> = {
  upsertCustomer: { object: 'Account', mapping: 'customer.to-salesforce', recordIdOf: accountIdOf },
  upsertProduct: { object: 'Product2', mapping: 'product.to-salesforce' },
  upsertInventoryLevel: { object: 'Inventory_Level__c', mapping: 'inventory-level.to-salesforce' },
  upsertShipment: { object: 'Shipment__c', mapping: 'shipment.to-salesforce' },
  upsertReturn: { object: 'Return__c', mapping: 'return.to-salesforce' },
  upsertCase: { object: 'Case', mapping: 'case.to-salesforce' },
  updateCaseStatus: { object: 'Case', mapping: 'case-status.to-salesforce' },
};

export interface OutboundDeps {
  client: SalesforceClient;
  mappings: SalesforceMappings;
  orders: OrderProjection;
  prices: PriceBookPrices;
}

/** One claim = one operation (the delivery store guarantees it) = one request (orders: one per 5; prices: a read and a write). */
export async function deliverToSalesforce(batch: readonly DeliveryItem[], context: DeliveryContext, deps: OutboundDeps): Promise<ItemOutcome[]> {
  const operation = batch[0]?.operation;
  if (operation === undefined) return [];
  if (operation === SalesforceOperation.projectOrder) return deps.orders.deliver(batch, context);
  if (operation === SalesforceOperation.upsertPrice) return deps.prices.deliver(batch, context);
  const target = COLLECTION_OPERATIONS[operation as keyof typeof COLLECTION_OPERATIONS];
  if (!target) {
    const error = new PermanentError(`the Salesforce connector has no operation "${operation}" (known: ${Object.values(SalesforceOperation).join(', ')})`, { code: 'UNKNOWN_OPERATION', system: SALESFORCE_SYSTEM });
    return batch.map(() => ({ ok: false, error }));
  }
  return upsertCollection({ object: target.object, batch, mapping: deps.mappings[target.mapping], client: deps.client, context, ...(target.recordIdOf && { recordIdOf: target.recordIdOf }) });
}
