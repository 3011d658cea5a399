import { createHash } from 'node:crypto';
import type { DeliveryItem } from '../../ports/storage.ts';
import { PermanentError } from '../../runtime/errors.ts';
import type { DeliveryContext, ItemOutcome } from '../../runtime/delivery/target.ts';
import type { NetSuiteClient } from './client.ts';
import { isDuplicateExternalId, NETSUITE_SYSTEM } from './failures.ts';
import type { NetSuiteMappingName, NetSuiteMappings } from './mappings.ts';

/** The delivery operations the NetSuite connector accepts, with the canonical payload of each. */
export const NetSuiteOperation = {
  /** Customer → customer: updated by its internal id when NetSuite holds it, else upserted by the hub id. */
  upsertCustomer: 'upsertCustomer',
  /** Order → salesOrder, upserted by the order number. */
  bookOrder: 'bookOrder',
  /**
   * `{ orderNumber, erpOrderId?, statusReason? }` of an order cancelled in its channel after it
   * was booked → its salesOrder's open lines closed (`isClosed`), the reason in `memo`.
   */
  cancelOrder: 'cancelOrder',
  /** Shipment → itemFulfillment transformed from the sales order, once per shipment number. */
  recordFulfillment: 'recordFulfillment',
  /** Invoice → invoice (from the sales order when it has an order number), once per invoice number. */
  createInvoice: 'createInvoice',
  /** Return → returnAuthorization, upserted by the RMA number (status requested = pending approval). */
  authorizeReturn: 'authorizeReturn',
  /** Return → itemReceipt of the returned items, once per RMA. */
  receiveReturn: 'receiveReturn',
  /** Return → creditMemo against the RMA, once per RMA. */
  issueCreditMemo: 'issueCreditMemo',
  /** Refund → customerRefund of the return's credit memo, once per refund. */
  issueCustomerRefund: 'issueCustomerRefund',
} as const;
export type NetSuiteOperation = (typeof NetSuiteOperation)[keyof typeof NetSuiteOperation];

/**
 * External ids of the documents the hub writes. A replay finds the same record by them, so a
 * redelivery never creates a second order, fulfilment, memo or refund. Documents derived from a
 * return get a suffix: a `createdFrom: { externalId }` reference then names exactly one transaction.
 */
export const externalIdOf = {
  salesOrder: (order: { orderNumber: string }) => order.orderNumber,
  itemFulfillment: (shipment: { shipmentNumber: string }) => shipment.shipmentNumber,
  invoice: (invoice: { invoiceNumber: string }) => invoice.invoiceNumber,
  returnAuthorization: (rma: { rmaNumber: string }) => rma.rmaNumber,
  itemReceipt: (rma: { rmaNumber: string }) => `${rma.rmaNumber}.RCV`,
  creditMemo: (rma: { rmaNumber: string }) => `${rma.rmaNumber}.CM`,
  customerRefund: (refund: { hubId: string }) => refund.hubId,
};

export interface OutboundDeps {
  client: NetSuiteClient;
  mappings: NetSuiteMappings;
  /** `$item`, `$location`, `$customer`, `$guestCustomer` for the mappings. */
  bindings: Record<string, unknown>;
  customerExternalId: (hubId: string) => string;
}

interface Write {
  item: DeliveryItem;
  payload: Record<string, unknown>;
  signal: AbortSignal;
  deps: OutboundDeps;
}

type Handler = (write: Write) => Promise<string>;

const HANDLERS: Record<NetSuiteOperation, Handler> = {
  upsertCustomer: writeCustomer,
  bookOrder: async (w) =>
    upsert(w, { type: 'salesOrder', externalId: externalIdOf.salesOrder({ orderNumber: text(w, 'orderNumber') }), mapping: 'sales-order.to-netsuite', replace: ['item'] }),
  cancelOrder: closeSalesOrder,
  recordFulfillment: async (w) =>
    createFrom(w, {
      source: { type: 'salesOrder', externalId: text(w, 'orderNumber') },
      target: 'itemFulfillment',
      externalId: externalIdOf.itemFulfillment({ shipmentNumber: text(w, 'shipmentNumber') }),
      mapping: 'item-fulfillment.to-netsuite',
    }),
  createInvoice: async (w) => {
    const externalId = externalIdOf.invoice({ invoiceNumber: text(w, 'invoiceNumber') });
    const orderNumber = w.payload.orderNumber;
    if (typeof orderNumber !== 'string') return upsert(w, { type: 'invoice', externalId, mapping: 'invoice.to-netsuite', replace: ['item'] });
    return createFrom(w, { source: { type: 'salesOrder', externalId: orderNumber }, target: 'invoice', externalId, mapping: 'invoice.to-netsuite' });
  },
  authorizeReturn: async (w) =>
    upsert(w, { type: 'returnAuthorization', externalId: externalIdOf.returnAuthorization({ rmaNumber: text(w, 'rmaNumber') }), mapping: 'return-authorization.to-netsuite', replace: ['item'] }),
  receiveReturn: async (w) => {
    const rmaNumber = text(w, 'rmaNumber');
    return createFrom(w, { source: { type: 'returnAuthorization', externalId: rmaNumber }, target: 'itemReceipt', externalId: externalIdOf.itemReceipt({ rmaNumber }), mapping: 'item-receipt.to-netsuite' });
  },
  issueCreditMemo: async (w) => {
    const rmaNumber = text(w, 'rmaNumber');
    return createFrom(w, { source: { type: 'returnAuthorization', externalId: rmaNumber }, target: 'creditMemo', externalId: externalIdOf.creditMemo({ rmaNumber }), mapping: 'credit-memo.to-netsuite' });
  },
  issueCustomerRefund: async (w) => {
    const rmaNumber = text(w, 'rmaNumber', 'a refund is paid from the credit memo of a return: give the rmaNumber');
    return createFrom(w, {
      source: { type: 'creditMemo', externalId: externalIdOf.creditMemo({ rmaNumber }) },
      target: 'customerRefund',
      externalId: externalIdOf.customerRefund({ hubId: text(w, 'hubId') }),
      mapping: 'customer-refund.to-netsuite',
    });
  },
};

export const NETSUITE_OPERATIONS: readonly NetSuiteOperation[] = Object.values(NetSuiteOperation);

/**
 * Writes a batch (one record: the record API takes one per request). A refusal of the record is
 * that item's outcome (PermanentError with NetSuite's code and the field path); throttles,
 * server errors and timeouts are thrown for the batch, for the engine to retry.
 */
export async function deliverToNetSuite(batch: readonly DeliveryItem[], context: DeliveryContext, deps: OutboundDeps): Promise<ItemOutcome[]> {
  const outcomes: ItemOutcome[] = [];
  for (const item of batch) {
    const handler = HANDLERS[item.operation as NetSuiteOperation] as Handler | undefined;
    if (!handler) {
      outcomes.push({ ok: false, error: new PermanentError(`netsuite: unknown operation ${item.operation} (known: ${NETSUITE_OPERATIONS.join(', ')})`, { system: NETSUITE_SYSTEM, code: 'UNKNOWN_OPERATION', field: 'operation' }) });
      continue;
    }
    if (typeof item.payload !== 'object' || item.payload === null) {
      outcomes.push({ ok: false, error: new PermanentError(`netsuite ${item.operation}: the payload must be a canonical entity object`, { system: NETSUITE_SYSTEM, code: 'INVALID_PAYLOAD' }) });
      continue;
    }
    try {
      const externalId = await handler({ item, payload: item.payload as Record<string, unknown>, signal: context.signal, deps });
      outcomes.push({ ok: true, externalId });
    } catch (error) {
      if (error instanceof PermanentError) outcomes.push({ ok: false, error });
      else throw error;
    }
  }
  return outcomes;
}

async function body(w: Write, mapping: NetSuiteMappingName): Promise<Record<string, unknown>> {
  return w.deps.mappings[mapping].apply(w.payload, w.deps.bindings);
}

/** `PUT /record/v1/{type}/eid:{externalId}`: creates or updates; the same body twice is one record. */
async function upsert(w: Write, args: { type: string; externalId: string; mapping: NetSuiteMappingName; replace?: string[] }): Promise<string> {
  return w.deps.client.upsert({ type: args.type, externalId: args.externalId, body: await body(w, args.mapping), ...(args.replace && { replace: args.replace }), signal: w.signal });
}

/** NetSuite internal ids are digits; the initial load keys customers by their number (`CUST-0001`) instead. */
const NETSUITE_INTERNAL_ID = /^[0-9]+$/;

/**
 * A customer whose `externalIds.netsuite` is an internal id is one NetSuite already holds (e.g.
 * created natively there and read by the poller or backfill, so it has no hub external id): it is
 * updated in place by that id and given the hub's external id on the way. An upsert by the hub's
 * external id would not find it and would create a second customer. Any other customer is
 * upserted by the hub's external id. Either way the outcome is the internal id.
 */
async function writeCustomer(w: Write): Promise<string> {
  const externalId = w.deps.customerExternalId(text(w, 'hubId'));
  const internalId = netSuiteInternalIdOf(w.payload);
  if (internalId === undefined) return upsert(w, { type: 'customer', externalId, mapping: 'customer.to-netsuite' });
  const fields = { ...(await body(w, 'customer.to-netsuite')), externalId };
  try {
    return await w.deps.client.update({ type: 'customer', id: internalId, body: fields, signal: w.signal });
  } catch (error) {
    if (!(error instanceof PermanentError) || error.code !== 'NONEXISTENT_ID') throw error;
    // Deleted or merged away in NetSuite: creating it again by external id would undo that silently.
    throw new PermanentError(
      `${error.message} (customer ${internalId}, externalIds.netsuite of ${text(w, 'hubId')}: it was deleted or merged in NetSuite, so the hub does not create it again; restore it there or correct the customer's NetSuite id, then retry)`,
      { system: NETSUITE_SYSTEM, code: error.code, field: 'externalIds.netsuite', ...(error.details && { details: error.details }) },
      { cause: error },
    );
  }
}

function netSuiteInternalIdOf(payload: Record<string, unknown>): string | undefined {
  const externalIds = payload.externalIds;
  if (typeof externalIds !== 'object' || externalIds === null) return undefined;
  const id = (externalIds as { netsuite?: unknown }).netsuite;
  return typeof id === 'string' && NETSUITE_INTERNAL_ID.test(id) ? id : undefined;
}

/**
 * An order cancelled in its channel after it was booked. NetSuite closes a sales order by closing
 * its item lines: what is left on them is neither fulfilled nor billed, their committed stock comes
 * free, and once every line is closed the order shows as Closed. The order is read with its lines,
 * then one PATCH sets `isClosed` on each open line, named by its `line` (the item sublist is keyed
 * by it: without `?replace` the lines given are updated in place and the others stay), and puts
 * the reason in `memo`. A line partly fulfilled is closed too: what shipped stays shipped. When
 * every line is closed already nothing is written, so a retry after a lost answer succeeds as is.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1545295601.html
 */
async function closeSalesOrder(w: Write): Promise<string> {
  const orderNumber = text(w, 'orderNumber');
  const order = await readBookedSalesOrder(w, orderNumber);
  const id = String(order.id);
  const open = openLineNumbers(order);
  if (open.length === 0) return id;
  const body = { memo: cancellationMemo(w.payload), item: { items: open.map((line) => ({ line, isClosed: true })) } };
  return w.deps.client.update({ type: 'salesOrder', id, body, signal: w.signal });
}

/** The sales order by the internal id the booking answered, else by the order number (its external id). */
async function readBookedSalesOrder(w: Write, orderNumber: string): Promise<Record<string, unknown>> {
  const erpOrderId = typeof w.payload.erpOrderId === 'string' && NETSUITE_INTERNAL_ID.test(w.payload.erpOrderId) ? w.payload.erpOrderId : undefined;
  const key = erpOrderId ?? `eid:${externalIdOf.salesOrder({ orderNumber })}`;
  const order = await w.deps.client.read({ type: 'salesOrder', id: key, signal: w.signal });
  if (order) return order;
  const lookedUp = erpOrderId === undefined ? `external id ${orderNumber}` : `internal id ${erpOrderId}`;
  throw new PermanentError(
    `netsuite cancelOrder: NetSuite has no sales order for order ${orderNumber} (${lookedUp}): it was never booked there, or was deleted; check NetSuite for the order, then resolve or retry this item`,
    { system: NETSUITE_SYSTEM, code: 'ORDER_NOT_IN_ERP', field: 'orderNumber' },
  );
}

/** `line` numbers of the item lines not closed yet (the order read with `expandSubResources`). */
function openLineNumbers(order: Record<string, unknown>): number[] {
  const items = (order.item as { items?: unknown } | undefined)?.items;
  if (!Array.isArray(items)) return [];
  return (items as { line?: unknown; isClosed?: unknown }[])
    .filter((line) => line.isClosed !== true)
    .map((line) => Number(line.line))
    .filter((line) => Number.isInteger(line) && line > 0);
}

function cancellationMemo(payload: Record<string, unknown>): string {
  const reason = (payload.statusReason as { message?: unknown } | undefined)?.message;
  return typeof reason === 'string' && reason !== '' ? `Cancelled in its channel: ${reason}` : 'Cancelled in its channel';
}

/**
 * A document NetSuite only creates from another (`!transform`): an item fulfilment from its sales
 * order, a receipt or credit memo from its return. It is a business fact, written once: if a record
 * with the external id exists, that one is the answer; otherwise it is created with the external id
 * and an idempotency key, and a create that lost a race to another attempt reads the winner.
 */
async function createFrom(
  w: Write,
  args: { source: { type: string; externalId: string }; target: string; externalId: string; mapping: NetSuiteMappingName },
): Promise<string> {
  const { client } = w.deps;
  const existing = await client.findByExternalId({ type: args.target, externalId: args.externalId, signal: w.signal });
  if (existing) return existing.id;
  const payload = { ...(await body(w, args.mapping)), externalId: args.externalId };
  try {
    return await client.transform({
      type: args.source.type,
      id: `eid:${args.source.externalId}`,
      target: args.target,
      body: payload,
      idempotencyKey: idempotencyUuid(`${args.target}/${args.externalId}`),
      signal: w.signal,
    });
  } catch (error) {
    if (!isDuplicateExternalId(error)) throw error;
    const winner = await client.findByExternalId({ type: args.target, externalId: args.externalId, signal: w.signal });
    if (!winner) throw error;
    return winner.id;
  }
}

/** NetSuite's idempotency key is a UUID; derive it from the document so every attempt sends the same. */
export function idempotencyUuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex.charAt(16), 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function text(w: Write, field: string, hint?: string): string {
  const value = w.payload[field];
  if (typeof value === 'string' && value !== '') return value;
  throw new PermanentError(`netsuite ${w.item.operation}: the payload has no ${field}${hint ? `; ${hint}` : ''}`, { system: NETSUITE_SYSTEM, code: 'MISSING_FIELD', field });
}
