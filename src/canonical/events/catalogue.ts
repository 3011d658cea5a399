import type { Static, TObject } from '@sinclair/typebox';
import { CaseSchema } from '../case.ts';
import { CustomerSchema } from '../customer.ts';
import type { EntityName } from '../entities.ts';
import { inventoryKey, InventoryLevelSchema } from '../inventory-level.ts';
import { InvoiceSchema } from '../invoice.ts';
import { LocationSchema } from '../location.ts';
import { OrderSchema } from '../order.ts';
import { PaymentSchema, RefundSchema } from '../payment.ts';
import { PriceSchema } from '../price.ts';
import { ProductSchema } from '../product.ts';
import { ReturnSchema } from '../return.ts';
import { ShipmentSchema } from '../shipment.ts';
import { IssueCode } from '../validation-messages.ts';
import type { ValidationIssue } from '../validation-messages.ts';

/**
 * The retail event catalogue: every CloudEvents `type` Crossdock emits, the schema of its
 * `data` (the full entity after the change: consumers never call back for state), and how its
 * `subject` — the business key that orders delivery per key — is derived from the data.
 *
 * Names: `retail.<entity>.<what happened, past tense>.v<major>`; the major version changes
 * with the data schema's major version. `RETAIL_EVENT_TYPE_PATTERN` enforces the shape.
 */
export const RETAIL_EVENT_TYPE_PATTERN = /^retail\.[a-z-]+\.[a-z-]+\.v[0-9]+$/;

export interface RetailEventDefinition<S extends TObject> {
  entity: EntityName;
  schema: S;
  description: string;
  /** The business key in words, for documents: `orderNumber`, `sku@locationCode`. */
  subjectKey: string;
  subjectOf(data: Static<S>): string;
  /** A rule the event adds to its schema (a booked order has an ERP id); undefined when met. */
  invariant?(data: Static<S>): ValidationIssue | undefined;
}

function defineEvent<S extends TObject>(definition: RetailEventDefinition<S>): RetailEventDefinition<S> {
  return definition;
}

function rule(field: string, reason: string): ValidationIssue {
  return { path: `/${field}`, field, reason, code: IssueCode.invalid };
}

function statusMustBe<S extends string>(expected: S) {
  return (data: { status: string }) =>
    data.status === expected ? undefined : rule('status', `must be ${expected} for this event (got "${data.status}")`);
}

const orderNumber = { subjectKey: 'orderNumber', subjectOf: (order: { orderNumber: string }) => order.orderNumber };
const rmaNumber = { subjectKey: 'rmaNumber', subjectOf: (rma: { rmaNumber: string }) => rma.rmaNumber };
const caseNumber = { subjectKey: 'caseNumber', subjectOf: (c: { caseNumber: string }) => c.caseNumber };
const hubId = { subjectKey: 'hubId', subjectOf: (record: { hubId: string }) => record.hubId };

export const retailEventCatalogue = {
  'retail.customer.created.v1': defineEvent({
    entity: 'customer', schema: CustomerSchema, ...hubId,
    description: 'A customer was seen for the first time in any system.',
  }),
  'retail.customer.updated.v1': defineEvent({
    entity: 'customer', schema: CustomerSchema, ...hubId,
    description: 'A customer changed (profile, contact data, consent, billing account).',
  }),
  'retail.product.updated.v1': defineEvent({
    entity: 'product', schema: ProductSchema, subjectKey: 'sku', subjectOf: (product) => product.sku,
    description: 'An item was created or changed in the item master.',
  }),
  'retail.price.changed.v1': defineEvent({
    entity: 'price', schema: PriceSchema, subjectKey: 'priceList/sku',
    subjectOf: (price) => `${price.priceList}/${price.sku}`,
    description: 'A price of a SKU in a price list was set or changed.',
  }),
  'retail.location.updated.v1': defineEvent({
    entity: 'location', schema: LocationSchema, subjectKey: 'code', subjectOf: (location) => location.code,
    description: 'A store, warehouse or DC was created or changed (capabilities, priority, hours).',
  }),
  'retail.inventory.level-changed.v1': defineEvent({
    entity: 'inventory-level', schema: InventoryLevelSchema, subjectKey: 'sku@locationCode', subjectOf: inventoryKey,
    description: 'Stock of a SKU at a location changed; the newest level per key supersedes older ones.',
  }),
  'retail.order.placed.v1': defineEvent({
    entity: 'order', schema: OrderSchema, ...orderNumber,
    description: 'A customer placed an order in a channel.',
  }),
  'retail.order.booked.v1': defineEvent({
    entity: 'order', schema: OrderSchema, ...orderNumber,
    description: 'The ERP accepted the order.',
    invariant: (order) => (order.erpOrderId ? undefined : rule('erpOrderId', 'is required once the ERP has booked the order')),
  }),
  'retail.order.rejected.v1': defineEvent({
    entity: 'order', schema: OrderSchema, ...orderNumber,
    description: 'The ERP refused the order; statusReason says why.',
    invariant: (order) =>
      statusMustBe('rejected')(order) ?? (order.statusReason ? undefined : rule('statusReason', 'is required: say why the order was rejected')),
  }),
  'retail.order.status-changed.v1': defineEvent({
    entity: 'order', schema: OrderSchema, ...orderNumber,
    description: 'The order moved to another lifecycle status (fulfilment progress, hold, release).',
  }),
  'retail.order.cancelled.v1': defineEvent({
    entity: 'order', schema: OrderSchema, ...orderNumber,
    description: 'The order was cancelled.',
    invariant: statusMustBe('cancelled'),
  }),
  'retail.shipment.milestone-reached.v1': defineEvent({
    entity: 'shipment', schema: ShipmentSchema, subjectKey: 'shipmentNumber', subjectOf: (shipment) => shipment.shipmentNumber,
    description: 'A shipment reached a carrier milestone; the last entry of milestones is the new one.',
    invariant: (shipment) => (shipment.milestones.length > 0 ? undefined : rule('milestones', 'must list the milestone reached')),
  }),
  'retail.invoice.issued.v1': defineEvent({
    entity: 'invoice', schema: InvoiceSchema, subjectKey: 'invoiceNumber', subjectOf: (invoice) => invoice.invoiceNumber,
    description: 'The ERP issued an invoice.',
  }),
  'retail.invoice.paid.v1': defineEvent({
    entity: 'invoice', schema: InvoiceSchema, subjectKey: 'invoiceNumber', subjectOf: (invoice) => invoice.invoiceNumber,
    description: 'An invoice was paid in full.',
    invariant: statusMustBe('paid'),
  }),
  'retail.return.requested.v1': defineEvent({
    entity: 'return', schema: ReturnSchema, ...rmaNumber,
    description: 'A customer asked to return items.',
  }),
  'retail.return.authorized.v1': defineEvent({
    entity: 'return', schema: ReturnSchema, ...rmaNumber,
    description: 'The return was approved; the customer may send the items.',
    invariant: statusMustBe('authorized'),
  }),
  'retail.return.received.v1': defineEvent({
    entity: 'return', schema: ReturnSchema, ...rmaNumber,
    description: 'The returned items arrived at the return location.',
  }),
  'retail.return.rejected.v1': defineEvent({
    entity: 'return', schema: ReturnSchema, ...rmaNumber,
    description: 'The return was refused (not eligible, or failed inspection).',
    invariant: statusMustBe('rejected'),
  }),
  'retail.return.credited.v1': defineEvent({
    entity: 'return', schema: ReturnSchema, ...rmaNumber,
    description: 'The ERP issued the credit memo for the return.',
    invariant: (rma) => (rma.creditMemoId ? undefined : rule('creditMemoId', 'is required once the return is credited')),
  }),
  'retail.return.expired.v1': defineEvent({
    entity: 'return', schema: ReturnSchema, ...rmaNumber,
    description: 'An authorized return expired: nothing was received within the RMA validity; the RMA is closed.',
    invariant: statusMustBe('cancelled'),
  }),
  'retail.payment.captured.v1': defineEvent({
    entity: 'payment', schema: PaymentSchema, ...hubId,
    description: 'Money was captured from the customer.',
    invariant: statusMustBe('captured'),
  }),
  'retail.refund.issued.v1': defineEvent({
    entity: 'refund', schema: RefundSchema, ...hubId,
    description: 'Money was paid back to the customer.',
    invariant: statusMustBe('issued'),
  }),
  'retail.refund.failed.v1': defineEvent({
    entity: 'refund', schema: RefundSchema, ...hubId,
    description: 'The payment system refused or could not pay a refund; reason says why. The flow that asked for it decides what next.',
    invariant: statusMustBe('failed'),
  }),
  'retail.case.created.v1': defineEvent({
    entity: 'case', schema: CaseSchema, ...caseNumber,
    description: 'A service case was opened.',
  }),
  'retail.case.updated.v1': defineEvent({
    entity: 'case', schema: CaseSchema, ...caseNumber,
    description: 'A service case changed (status, priority, links).',
  }),
};

export type RetailEventType = keyof typeof retailEventCatalogue;
export type RetailEventData<T extends RetailEventType> = Static<(typeof retailEventCatalogue)[T]['schema']>;

export const retailEventTypes = Object.keys(retailEventCatalogue) as RetailEventType[];

/**
 * Whether a string is a type of the retail event catalogue; narrows it so the data type is
 * known. Use it on events from the bus before dispatching on `type`.
 *
 * @example
 * if (isRetailEventType(event.type)) retailEventCatalogue[event.type].description;
 */
export function isRetailEventType(value: unknown): value is RetailEventType {
  return typeof value === 'string' && Object.hasOwn(retailEventCatalogue, value);
}

/** The catalogue entry with its data type widened, for code that handles any event type. */
export function eventDefinition(type: RetailEventType): RetailEventDefinition<TObject> {
  return retailEventCatalogue[type] as unknown as RetailEventDefinition<TObject>;
}
