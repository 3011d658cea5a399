import { SalesforceApiError } from '../errors.ts';
import type { SchemaCatalog } from '../schema/catalog.ts';
import type { ObjectDef, SObjectRecord } from '../schema/types.ts';
import type { RecordStore } from './record-store.ts';
import { formatDateTime } from './values.ts';

/**
 * The org behaviour the sandbox emulates beyond storage (documented in README.md):
 * - Person Accounts: an Account written with LastName is a person account; Name is derived.
 * - Orders are created in Draft; activating needs at least one OrderItem; order products of an
 *   activated order can't be added, changed or removed; Order.TotalAmount rolls up the items.
 * - An OrderItem's PricebookEntry must belong to the order's price book.
 * - A custom price book entry needs a standard price for the product first; one entry per
 *   product and price book.
 * - Deleting an Order deletes its OrderItems (master-detail); an activated order can't be deleted.
 * - Case.IsClosed / ClosedDate follow Status.
 */
export interface RuleContext {
  catalog: SchemaCatalog;
  store: RecordStore;
  now: number;
}

const integrity = (message: string, fields: string[] = []): SalesforceApiError =>
  new SalesforceApiError({ errorCode: 'FIELD_INTEGRITY_EXCEPTION', message, fields });

function related(ctx: RuleContext, objectName: string, id: unknown): SObjectRecord | undefined {
  const object = ctx.catalog.object(objectName);
  return object && typeof id === 'string' ? ctx.store.get(object, id) : undefined;
}

function childrenOf(ctx: RuleContext, objectName: string, parentField: string, parentId: unknown): SObjectRecord[] {
  const object = ctx.catalog.object(objectName);
  if (!object || typeof parentId !== 'string') return [];
  const children: SObjectRecord[] = [];
  for (const id of ctx.store.idsByIndexedField(object, parentField, parentId)) {
    const child = ctx.store.get(object, id);
    if (child) children.push(child);
  }
  return children;
}

function joinName(first: unknown, last: unknown): string {
  return [first, last].filter((part) => typeof part === 'string' && part !== '').join(' ');
}

export function beforeInsert(ctx: RuleContext, object: ObjectDef, values: SObjectRecord): void {
  switch (object.name) {
    case 'Account':
      values.IsPersonAccount = typeof values.LastName === 'string' && values.LastName !== '';
      if (values.IsPersonAccount) values.Name = joinName(values.FirstName, values.LastName);
      return;
    case 'Contact':
      values.Name = joinName(values.FirstName, values.LastName);
      return;
    case 'Order':
      if (values.Status !== undefined && values.Status !== null && values.Status !== 'Draft') {
        throw integrity('Orders must be created in Draft status. Add order products, then activate the order.', ['Status']);
      }
      return;
    case 'OrderItem':
      prepareOrderItem(ctx, values);
      return;
    case 'PricebookEntry':
      preparePricebookEntry(ctx, values);
      return;
    case 'Case':
      applyCaseStatus(ctx, values);
      return;
  }
}

export function beforeUpdate(ctx: RuleContext, object: ObjectDef, existing: SObjectRecord, changes: SObjectRecord): void {
  switch (object.name) {
    case 'Account': {
      const merged = { ...existing, ...changes };
      if (existing.IsPersonAccount && ('FirstName' in changes || 'LastName' in changes)) {
        changes.Name = joinName(merged.FirstName, merged.LastName);
      }
      return;
    }
    case 'Contact':
      if ('FirstName' in changes || 'LastName' in changes) changes.Name = joinName({ ...existing, ...changes }.FirstName, { ...existing, ...changes }.LastName);
      return;
    case 'Order':
      if (changes.Status === 'Activated' && existing.Status !== 'Activated') {
        if (childrenOf(ctx, 'OrderItem', 'OrderId', existing.Id).length === 0) {
          throw integrity("You can't activate this order because it has no order products.", ['Status']);
        }
        changes.ActivatedDate = formatDateTime(ctx.now);
      }
      if (changes.Pricebook2Id !== undefined && changes.Pricebook2Id !== existing.Pricebook2Id && childrenOf(ctx, 'OrderItem', 'OrderId', existing.Id).length > 0) {
        throw integrity("You can't change the price book of an order that has order products.", ['Pricebook2Id']);
      }
      return;
    case 'OrderItem': {
      assertOrderEditable(ctx, existing.OrderId);
      const merged = { ...existing, ...changes };
      changes.TotalPrice = Number(merged.Quantity) * Number(merged.UnitPrice);
      return;
    }
    case 'Case':
      if ('Status' in changes) applyCaseStatus(ctx, changes);
      return;
  }
}

/** Checks a delete and returns the child records deleted with it. */
export function beforeDelete(ctx: RuleContext, object: ObjectDef, record: SObjectRecord): { object: ObjectDef; record: SObjectRecord }[] {
  if (object.name === 'Order') {
    if (record.Status === 'Activated') {
      throw new SalesforceApiError({ errorCode: 'DELETE_FAILED', message: "You can't delete an activated order. Deactivate it first.", fields: [] });
    }
    const orderItem = ctx.catalog.object('OrderItem');
    return orderItem ? childrenOf(ctx, 'OrderItem', 'OrderId', record.Id).map((child) => ({ object: orderItem, record: child })) : [];
  }
  if (object.name === 'OrderItem') assertOrderEditable(ctx, record.OrderId);
  return [];
}

/** Roll-ups after a write: Order.TotalAmount from its items (which also stamps the order). */
export function afterWrite(ctx: RuleContext, object: ObjectDef, record: SObjectRecord | undefined, previous: SObjectRecord | undefined): void {
  if (object.name !== 'OrderItem') return;
  const orderObject = ctx.catalog.object('Order');
  const order = related(ctx, 'Order', (record ?? previous)?.OrderId);
  if (!orderObject || !order) return;
  const total = childrenOf(ctx, 'OrderItem', 'OrderId', order.Id).reduce((sum, item) => sum + Number(item.TotalPrice ?? 0), 0);
  const stamp = formatDateTime(ctx.now);
  ctx.store.replace(orderObject, { ...order, TotalAmount: Math.round(total * 100) / 100, LastModifiedDate: stamp, SystemModstamp: stamp });
}

function assertOrderEditable(ctx: RuleContext, orderId: unknown): void {
  const order = related(ctx, 'Order', orderId);
  if (order?.Status === 'Activated') {
    throw integrity("You can't add, change or remove order products on an activated order. Deactivate the order first.", ['OrderId']);
  }
}

function prepareOrderItem(ctx: RuleContext, values: SObjectRecord): void {
  const order = related(ctx, 'Order', values.OrderId);
  const entry = related(ctx, 'PricebookEntry', values.PricebookEntryId);
  if (!order || !entry) return; // required-field check reports the missing reference
  assertOrderEditable(ctx, order.Id);
  if (!order.Pricebook2Id || order.Pricebook2Id !== entry.Pricebook2Id) {
    throw integrity(
      'field integrity exception: PricebookEntryId (pricebook entry is in a different pricebook than the one assigned to the order, or order has no pricebook assigned)',
      ['PricebookEntryId'],
    );
  }
  if (values.Product2Id && values.Product2Id !== entry.Product2Id) {
    throw integrity('field integrity exception: Product2Id (product does not match the price book entry)', ['Product2Id']);
  }
  values.Product2Id = entry.Product2Id ?? null;
  values.ListPrice = entry.UnitPrice ?? null;
  if (values.Quantity !== undefined && values.UnitPrice !== undefined) {
    values.TotalPrice = Number(values.Quantity) * Number(values.UnitPrice);
  }
}

function preparePricebookEntry(ctx: RuleContext, values: SObjectRecord): void {
  const pricebook = related(ctx, 'Pricebook2', values.Pricebook2Id);
  const product = related(ctx, 'Product2', values.Product2Id);
  if (!pricebook || !product) return;
  const entries = childrenOf(ctx, 'PricebookEntry', 'Product2Id', product.Id);
  if (entries.some((entry) => entry.Pricebook2Id === pricebook.Id)) {
    throw new SalesforceApiError({ errorCode: 'DUPLICATE_VALUE', message: 'This price definition already exists in this price book', fields: [] });
  }
  if (!pricebook.IsStandard) {
    const standardIds = new Set([...ctx.store.all(ctx.catalog.object('Pricebook2') as ObjectDef)].filter((p) => p.IsStandard).map((p) => p.Id));
    if (!entries.some((entry) => standardIds.has(entry.Pricebook2Id ?? null))) {
      throw new SalesforceApiError({ errorCode: 'STANDARD_PRICE_NOT_DEFINED', message: 'No standard price defined for this product', fields: [] });
    }
  }
  values.Name = product.Name ?? null;
  values.ProductCode = product.ProductCode ?? null;
}

function applyCaseStatus(ctx: RuleContext, values: SObjectRecord): void {
  values.IsClosed = values.Status === 'Closed';
  values.ClosedDate = values.IsClosed ? formatDateTime(ctx.now) : null;
}
