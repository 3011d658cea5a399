import { userError } from '../../errors.ts';
import { money, ref, refId, selectValue, setSublist, status, sublistLines } from '../fields.ts';
import type { Fields, NsRecord, RecordStore } from '../store.ts';
import { bumpSourceLine, linesAgainstSource, prepareOrderLines, totalOf } from './lines.ts';
import { optionalReference, requireReference, requireSource, tranIdOf } from './references.ts';
import { commitLine, commitSalesOrder, releaseLine, releaseSalesOrder } from './commitments.ts';
import { adjustStock, requireStock } from './stock.ts';
import type { RecordRules } from './types.ts';

/**
 * Sales order statuses (orderStatus / status ids as NetSuite reports them):
 * A Pending Approval, B Pending Fulfillment, C Cancelled, D Partially Fulfilled,
 * E Pending Billing/Partially Fulfilled, F Pending Billing, G Billed, H Closed.
 * An approved order whose item lines are all closed (`isClosed`) is Closed; a closed line counts
 * only what was fulfilled on it, so the order's other lines decide how far it got.
 */
export function refreshSalesOrderStatus(fields: Fields): void {
  const lines = sublistLines(fields, 'item');
  const requested = selectValue(fields.orderStatus) ?? 'B';
  const orderStatus = requested !== 'A' && requested !== 'C' && allLinesClosed(lines) ? 'H' : requested;
  const quantity = (line: Fields, field: string): number => Number(line[field] ?? 0);
  const ordered = (line: Fields): number => (isClosedLine(line) ? Math.min(quantity(line, 'quantity'), quantity(line, 'quantityFulfilled')) : quantity(line, 'quantity'));
  let current: { id: string; refName: string };
  if (orderStatus === 'A') current = status('A', 'Pending Approval');
  else if (orderStatus === 'C') current = status('C', 'Cancelled');
  else if (orderStatus === 'H') current = status('H', 'Closed');
  else if (lines.every((line) => quantity(line, 'quantityBilled') >= ordered(line))) current = status('G', 'Billed');
  else if (lines.every((line) => quantity(line, 'quantityFulfilled') >= ordered(line))) current = status('F', 'Pending Billing');
  else if (lines.some((line) => quantity(line, 'quantityFulfilled') > quantity(line, 'quantityBilled'))) {
    current = status('E', 'Pending Billing/Partially Fulfilled');
  } else if (lines.some((line) => quantity(line, 'quantityFulfilled') > 0)) current = status('D', 'Partially Fulfilled');
  else current = status('B', 'Pending Fulfillment');
  fields.status = current;
  const approval: Record<string, string> = { A: 'Pending Approval', B: 'Pending Fulfillment', C: 'Cancelled', H: 'Closed' };
  fields.orderStatus = { id: orderStatus, refName: approval[orderStatus] ?? current.refName };
}

function isClosedLine(line: Fields): boolean {
  return line.isClosed === true;
}

function allLinesClosed(lines: Fields[]): boolean {
  return lines.length > 0 && lines.every(isClosedLine);
}

/**
 * NetSuite closes a sales order by closing its lines (the Close button ticks every line's Closed
 * box), so the two stay in step: setting orderStatus H closes every line, and reopening a line of
 * a Closed order (`isClosed: false`) reopens the order.
 */
function keepClosureInStep(order: Fields, previous: Fields | undefined): void {
  const lines = sublistLines(order, 'item');
  const wasClosed = previous !== undefined && selectValue(previous.orderStatus) === 'H';
  if (selectValue(order.orderStatus) !== 'H') return;
  if (!wasClosed) for (const line of lines) line.isClosed = true;
  else if (!allLinesClosed(lines)) order.orderStatus = { id: 'B' };
}

export const salesOrderRules: RecordRules = {
  prepare(draft, { store, previous }) {
    requireReference({ store, fields: draft, field: 'entity', type: 'customer', path: 'entity', label: 'Customer' });
    optionalReference({ store, fields: draft, field: 'location', type: 'location', path: 'location', label: 'Location' });
    const lines = prepareOrderLines({
      store,
      lines: sublistLines(draft, 'item'),
      previousLines: previous ? sublistLines(previous.fields, 'item') : [],
      processed: ['quantityFulfilled', 'quantityBilled'],
    });
    const prepared: Fields = { tranDate: store.now().slice(0, 10), ...draft, total: totalOf(lines) };
    setSublist(prepared, 'item', lines);
    keepClosureInStep(prepared, previous?.fields);
    refreshSalesOrderStatus(prepared);
    return prepared;
  },
  // Booking commits stock at once; an edit, a close or a cancellation releases it first.
  apply(record, store) {
    commitSalesOrder(record, store);
  },
  reverse(record, store) {
    releaseSalesOrder(record, store);
  },
};

function requireOpenOrder(order: NsRecord, action: string): void {
  const state = selectValue(order.fields.orderStatus) ?? 'B';
  const label = (order.fields.status as { refName?: string } | undefined)?.refName ?? state;
  if (state === 'A' || state === 'C' || state === 'H') {
    throw userError(`Sales order ${tranIdOf(order)} is ${label}; it must be approved and open to ${action}.`, 'createdFrom');
  }
}

/** A fulfilment line naming a closed order line (by `orderLine`) is refused, naming that line. */
function refuseClosedLines(order: NsRecord, draftLines: Fields[]): void {
  const orderLines = sublistLines(order.fields, 'item');
  draftLines.forEach((line, index) => {
    if (line.orderLine === undefined) return;
    const orderLine = orderLines.find((candidate) => Number(candidate.line) === Number(line.orderLine));
    if (orderLine && isClosedLine(orderLine)) {
      throw userError(`Line ${String(orderLine.line)} of sales order ${tranIdOf(order)} is closed; a closed line cannot be fulfilled.`, `item.items[${index}].orderLine`);
    }
  });
}

/** Shipping location: the line's, else the order line's, else the order's. */
function shippingLocation(args: { store: RecordStore; given: Fields; sourceLine: Fields; order: NsRecord; draft: Fields; path: string }): string {
  const candidate = args.given.location ?? args.sourceLine.location ?? args.draft.location ?? args.order.fields.location;
  const location = requireReference({ store: args.store, fields: { location: candidate }, field: 'location', type: 'location', path: `${args.path}.location`, label: 'Inventory Location' });
  return location.id;
}

/**
 * Item fulfilment against a sales order: cannot ship more than remains to fulfil on each line, takes
 * the shipped quantity off on-hand stock at the shipping location, and off the order's commitment.
 */
export const itemFulfillmentRules: RecordRules = {
  prepare(draft, { store }) {
    const order = requireSource({ store, fields: draft, types: ['salesOrder'], label: 'Sales Order' });
    requireOpenOrder(order, 'fulfil it');
    refuseClosedLines(order, sublistLines(draft, 'item'));
    const sourced = linesAgainstSource({
      draft,
      draftLines: sublistLines(draft, 'item'),
      source: order,
      sourceLines: sublistLines(order.fields, 'item'),
      // A closed line's remainder will not be fulfilled: nothing is left on it.
      remaining: (line) => (isClosedLine(line) ? 0 : Number(line.quantity) - Number(line.quantityFulfilled ?? 0)),
      action: 'fulfil',
    });
    const lines = sourced.map(({ sourceLine, quantity, given, path }, index) => ({
      ...given,
      line: index + 1,
      orderLine: sourceLine.line,
      item: ref(refId(sourceLine.item) ?? ''),
      quantity,
      location: ref(shippingLocation({ store, given, sourceLine, order, draft, path })),
      itemReceive: true,
    }));
    requireStock({
      store,
      demand: lines.map((line, index) => ({ itemId: line.item.id, locationId: line.location.id, quantity: line.quantity, path: `item.items[${index}].quantity` })),
    });
    const shipStatus = selectValue(draft.shipStatus) ?? 'C';
    if (!['A', 'B', 'C'].includes(shipStatus)) throw userError(`Unknown ship status ${shipStatus} (A Picked, B Packed, C Shipped).`, 'shipStatus');
    const prepared: Fields = { tranDate: store.now().slice(0, 10), ...draft, entity: order.fields.entity, createdFrom: ref(order.id), shipStatus: { id: shipStatus } };
    setSublist(prepared, 'item', lines);
    return prepared;
  },
  apply(record, store) {
    shipEffects(record, store, 1);
  },
  reverse(record, store) {
    shipEffects(record, store, -1);
  },
};

/**
 * Shipping (or un-shipping, when a fulfilment is deleted or edited) moves on hand and the order's
 * fulfilled quantities; each shipped order line's commitment is then taken again for what is left
 * to ship on it, so shipped units leave `quantityCommitted` with on hand and available does not
 * move. Order lines the fulfilment does not ship are left alone (their stock rows keep their stamp).
 */
function shipEffects(record: NsRecord, store: RecordStore, sign: 1 | -1): void {
  const orderId = refId(record.fields.createdFrom) ?? '';
  const order = store.get('salesOrder', orderId);
  const orderLines = order ? sublistLines(order.fields, 'item') : [];
  const shipped = sublistLines(record.fields, 'item');
  const affected = orderLines.filter((orderLine) => shipped.some((line) => Number(line.orderLine) === Number(orderLine.line)));
  for (const orderLine of affected) releaseLine(order!, orderLine, store);
  for (const line of shipped) {
    const quantity = Number(line.quantity) * sign;
    adjustStock(store, { itemId: refId(line.item) ?? '', locationId: refId(line.location) ?? '', delta: -quantity });
    bumpSourceLine(store, { sourceId: orderId, orderLine: line.orderLine, field: 'quantityFulfilled', delta: quantity });
  }
  if (!order) return;
  for (const orderLine of affected) commitLine(order, orderLine, store);
  refreshSalesOrderStatus(order.fields);
}

/**
 * Invoice: from a sales order (bills fulfilled, not yet billed quantities by default, at the
 * order's rates) or standalone with its own item lines. amountRemaining is what the customer owes.
 */
export const invoiceRules: RecordRules = {
  prepare(draft, { store }) {
    let lines: Fields[];
    let entity = draft.entity;
    if (draft.createdFrom !== undefined && draft.createdFrom !== null) {
      const order = requireSource({ store, fields: draft, types: ['salesOrder'], label: 'Sales Order' });
      requireOpenOrder(order, 'bill it');
      entity = order.fields.entity;
      const draftLines = sublistLines(draft, 'item');
      const sourced = linesAgainstSource({
        draft,
        draftLines,
        source: order,
        sourceLines: sublistLines(order.fields, 'item'),
        // Without explicit lines, bill what was shipped; explicit lines may bill up to the ordered quantity.
        remaining: (line) =>
          (draftLines.length === 0 ? Number(line.quantityFulfilled ?? 0) : Number(line.quantity)) - Number(line.quantityBilled ?? 0),
        action: 'bill',
      });
      lines = sourced.map(({ sourceLine, quantity, given }, index) => {
        const rate = Number(sourceLine.rate ?? 0);
        return { ...given, line: index + 1, orderLine: sourceLine.line, item: ref(refId(sourceLine.item) ?? ''), quantity, rate, amount: money(quantity * rate) };
      });
    } else {
      lines = prepareOrderLines({ store, lines: sublistLines(draft, 'item'), previousLines: [], processed: [] });
    }
    requireReference({ store, fields: { entity }, field: 'entity', type: 'customer', path: 'entity', label: 'Customer' });
    const total = totalOf(lines);
    const prepared: Fields = { tranDate: store.now().slice(0, 10), ...draft, entity, total, amountRemaining: total, status: status('A', 'Open') };
    setSublist(prepared, 'item', lines);
    return prepared;
  },
  apply(record, store) {
    billEffects(record, store, 1);
  },
  reverse(record, store) {
    billEffects(record, store, -1);
  },
};

function billEffects(record: NsRecord, store: RecordStore, sign: 1 | -1): void {
  const orderId = refId(record.fields.createdFrom);
  if (orderId === undefined) return;
  for (const line of sublistLines(record.fields, 'item')) {
    bumpSourceLine(store, { sourceId: orderId, orderLine: line.orderLine, field: 'quantityBilled', delta: Number(line.quantity) * sign });
  }
  const order = store.get('salesOrder', orderId);
  if (order) refreshSalesOrderStatus(order.fields);
}
