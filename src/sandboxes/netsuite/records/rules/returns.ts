import { userError } from '../../errors.ts';
import { money, numberField, ref, refId, selectValue, setSublist, status, sublistLines } from '../fields.ts';
import type { Fields, NsRecord, RecordStore } from '../store.ts';
import { bumpSourceLine, linesAgainstSource, prepareOrderLines, totalOf } from './lines.ts';
import { requireReference, requireSource, tranIdOf } from './references.ts';
import { adjustStock } from './stock.ts';
import type { RecordRules } from './types.ts';

/**
 * Return authorization statuses: A Pending Approval, B Pending Receipt, C Cancelled,
 * D Partially Received, E Pending Refund/Partially Received, F Pending Refund, G Refunded, H Closed.
 * Approving a return = setting orderStatus to B.
 */
export function refreshReturnStatus(fields: Fields): void {
  const orderStatus = selectValue(fields.orderStatus) ?? 'A';
  const lines = sublistLines(fields, 'item');
  const q = (line: Fields, field: string): number => Number(line[field] ?? 0);
  let current: { id: string; refName: string };
  if (orderStatus === 'A') current = status('A', 'Pending Approval');
  else if (orderStatus === 'C') current = status('C', 'Cancelled');
  else if (orderStatus === 'H') current = status('H', 'Closed');
  else if (lines.every((line) => q(line, 'quantityCredited') >= q(line, 'quantity'))) current = status('G', 'Refunded');
  else if (lines.every((line) => q(line, 'quantityReceived') >= q(line, 'quantity'))) current = status('F', 'Pending Refund');
  else if (lines.some((line) => q(line, 'quantityReceived') > q(line, 'quantityCredited'))) current = status('E', 'Pending Refund/Partially Received');
  else if (lines.some((line) => q(line, 'quantityReceived') > 0)) current = status('D', 'Partially Received');
  else current = status('B', 'Pending Receipt');
  fields.status = current;
  const approval: Record<string, string> = { A: 'Pending Approval', B: 'Pending Receipt', C: 'Cancelled', H: 'Closed' };
  fields.orderStatus = { id: orderStatus, refName: approval[orderStatus] ?? current.refName };
}

export const returnAuthorizationRules: RecordRules = {
  prepare(draft, { store, previous }) {
    let lines = sublistLines(draft, 'item');
    let entity = draft.entity;
    if (draft.createdFrom !== undefined && draft.createdFrom !== null) {
      const source = requireSource({ store, fields: draft, types: ['salesOrder', 'invoice'], label: 'Created From' });
      entity ??= source.fields.entity;
      if (lines.length === 0 && !previous) {
        lines = sublistLines(source.fields, 'item').map((line) => ({ item: line.item, quantity: line.quantity, rate: line.rate }));
      }
    }
    requireReference({ store, fields: { entity }, field: 'entity', type: 'customer', path: 'entity', label: 'Customer' });
    const previousStatus = previous ? selectValue(previous.fields.orderStatus) : undefined;
    const nextStatus = selectValue(draft.orderStatus) ?? 'A';
    const processed = sublistLines(previous?.fields ?? {}, 'item').some((line) => Number(line.quantityReceived ?? 0) > 0);
    if (processed && nextStatus === 'A' && previousStatus !== 'A') {
      throw userError('A return authorization with received items cannot go back to Pending Approval.', 'orderStatus');
    }
    const prepared: Fields = { tranDate: store.now().slice(0, 10), ...draft, entity, orderStatus: { id: nextStatus } };
    const preparedLines = prepareOrderLines({
      store,
      lines,
      previousLines: previous ? sublistLines(previous.fields, 'item') : [],
      processed: ['quantityReceived', 'quantityCredited'],
    });
    setSublist(prepared, 'item', preparedLines);
    prepared.total = totalOf(preparedLines);
    refreshReturnStatus(prepared);
    return prepared;
  },
};

function requireAuthorizedReturn(rma: NsRecord, action: string): void {
  const state = selectValue(rma.fields.orderStatus) ?? 'A';
  const label = (rma.fields.status as { refName?: string } | undefined)?.refName ?? state;
  if (state === 'A' || state === 'C' || state === 'H') {
    throw userError(
      `Return authorization ${tranIdOf(rma)} is ${label}; ${action} requires an approved return authorization.`,
      'createdFrom',
    );
  }
}

/** Item receipt of returned goods against an approved return: puts the stock back at the location. */
export const itemReceiptRules: RecordRules = {
  prepare(draft, { store }) {
    const rma = requireSource({ store, fields: draft, types: ['returnAuthorization'], label: 'Return Authorization' });
    requireAuthorizedReturn(rma, 'receiving items');
    const sourced = linesAgainstSource({
      draft,
      draftLines: sublistLines(draft, 'item'),
      source: rma,
      sourceLines: sublistLines(rma.fields, 'item'),
      remaining: (line) => Number(line.quantity) - Number(line.quantityReceived ?? 0),
      action: 'receive',
    });
    const lines = sourced.map(({ sourceLine, quantity, given, path }, index) => {
      const candidate = given.location ?? sourceLine.location ?? draft.location ?? rma.fields.location;
      const location = requireReference({ store, fields: { location: candidate }, field: 'location', type: 'location', path: `${path}.location`, label: 'Location' });
      return { ...given, line: index + 1, orderLine: sourceLine.line, item: ref(refId(sourceLine.item) ?? ''), quantity, location: ref(location.id), itemReceive: true };
    });
    const prepared: Fields = { tranDate: store.now().slice(0, 10), ...draft, entity: rma.fields.entity, createdFrom: ref(rma.id) };
    setSublist(prepared, 'item', lines);
    return prepared;
  },
  apply: (record, store) => receiptEffects(record, store, 1),
  reverse: (record, store) => receiptEffects(record, store, -1),
};

function receiptEffects(record: NsRecord, store: RecordStore, sign: 1 | -1): void {
  const rmaId = refId(record.fields.createdFrom) ?? '';
  for (const line of sublistLines(record.fields, 'item')) {
    const quantity = Number(line.quantity) * sign;
    adjustStock(store, { itemId: refId(line.item) ?? '', locationId: refId(line.location) ?? '', delta: quantity });
    bumpSourceLine(store, { sourceId: rmaId, orderLine: line.orderLine, field: 'quantityReceived', delta: quantity });
  }
  const rma = store.get('returnAuthorization', rmaId);
  if (rma) refreshReturnStatus(rma.fields);
}

/**
 * Credit memo: only against an authorized return authorization (approved, items received), for at
 * most the received and not yet credited quantities. amountRemaining is the unapplied credit.
 */
export const creditMemoRules: RecordRules = {
  prepare(draft, { store, previous }) {
    const rma = requireSource({ store, fields: draft, types: ['returnAuthorization'], label: 'Return Authorization' });
    requireAuthorizedReturn(rma, 'a credit memo');
    const rmaLines = sublistLines(rma.fields, 'item');
    if (!rmaLines.some((line) => Number(line.quantityReceived ?? 0) > 0)) {
      throw userError(
        `Return authorization ${tranIdOf(rma)} has no received items; a credit memo requires the returned items to be received first.`,
        'createdFrom',
      );
    }
    const sourced = linesAgainstSource({
      draft,
      draftLines: sublistLines(draft, 'item'),
      source: rma,
      sourceLines: rmaLines,
      remaining: (line) => Number(line.quantityReceived ?? 0) - Number(line.quantityCredited ?? 0),
      action: 'credit',
    });
    const lines = sourced.map(({ sourceLine, quantity, given }, index) => {
      const rate = Number(sourceLine.rate ?? 0);
      return { ...given, line: index + 1, orderLine: sourceLine.line, item: ref(refId(sourceLine.item) ?? ''), quantity, rate, amount: money(quantity * rate) };
    });
    const total = totalOf(lines);
    const applied = Number(previous?.fields.amountApplied ?? 0);
    if (total < applied) throw userError(`The credit memo total ${total} is below the ${applied} already refunded.`, 'item');
    const prepared: Fields = { tranDate: store.now().slice(0, 10), ...draft, entity: rma.fields.entity, createdFrom: ref(rma.id), total, amountApplied: applied };
    setSublist(prepared, 'item', lines);
    refreshCreditStatus(prepared);
    return prepared;
  },
  apply: (record, store) => creditEffects(record, store, 1),
  reverse: (record, store) => creditEffects(record, store, -1),
};

function refreshCreditStatus(fields: Fields): void {
  const remaining = money(Number(fields.total ?? 0) - Number(fields.amountApplied ?? 0));
  fields.amountRemaining = remaining;
  fields.status = remaining > 0 ? status('A', 'Open') : status('B', 'Fully Applied');
}

function creditEffects(record: NsRecord, store: RecordStore, sign: 1 | -1): void {
  const rmaId = refId(record.fields.createdFrom) ?? '';
  for (const line of sublistLines(record.fields, 'item')) {
    bumpSourceLine(store, { sourceId: rmaId, orderLine: line.orderLine, field: 'quantityCredited', delta: Number(line.quantity) * sign });
  }
  const rma = store.get('returnAuthorization', rmaId);
  if (rma) refreshReturnStatus(rma.fields);
}

/**
 * Customer refund of credit: `apply` lines name credit memos (`doc`) and amounts; no amount may
 * exceed the memo's unapplied amount. Created from a credit memo without lines, it refunds the
 * given `total` (default: all of the unapplied amount).
 */
export const customerRefundRules: RecordRules = {
  prepare(draft, { store }) {
    let applyLines = sublistLines(draft, 'apply');
    if (applyLines.length === 0 && draft.createdFrom !== undefined && draft.createdFrom !== null) {
      const memo = requireSource({ store, fields: draft, types: ['creditMemo'], label: 'Credit Memo' });
      applyLines = [{ doc: ref(memo.id), apply: true, ...(draft.total !== undefined ? { amount: draft.total } : {}) }];
    }
    if (applyLines.length === 0) throw userError('You must apply the refund to at least one credit memo.', 'apply');
    const customer = draft.customer ?? draft.entity;
    const owner = requireReference({ store, fields: { customer: customer ?? applyDocEntity(store, applyLines) }, field: 'customer', type: 'customer', path: 'customer', label: 'Customer' });
    const lines = applyLines.map((line, index) => {
      const path = `apply.items[${index}]`;
      const memo = requireReference({ store, fields: line, field: 'doc', type: 'creditMemo', path: `${path}.doc`, label: 'Credit Memo' });
      if (refId(memo.fields.entity) !== owner.id) {
        throw userError(`Credit memo ${tranIdOf(memo)} belongs to another customer.`, `${path}.doc`);
      }
      const unapplied = Number(memo.fields.amountRemaining ?? 0);
      const amount = numberField(line.amount, { path: `${path}.amount`, label: 'Payment', fallback: unapplied });
      if (amount <= 0) throw userError(`The refund amount must be greater than 0; got ${amount}.`, `${path}.amount`);
      if (amount > unapplied) {
        throw userError(
          `The refund amount ${amount.toFixed(2)} exceeds the unapplied amount ${unapplied.toFixed(2)} of credit memo ${tranIdOf(memo)}.`,
          `${path}.amount`,
        );
      }
      return { ...line, doc: ref(memo.id), apply: true, amount: money(amount) };
    });
    const prepared: Fields = { tranDate: store.now().slice(0, 10), ...draft, customer: ref(owner.id), total: totalOfAmounts(lines) };
    delete prepared.entity;
    setSublist(prepared, 'apply', lines);
    return prepared;
  },
  apply: (record, store) => refundEffects(record, store, 1),
  reverse: (record, store) => refundEffects(record, store, -1),
};

function applyDocEntity(store: RecordStore, lines: Fields[]): unknown {
  const first = lines[0];
  const memo = first ? store.get('creditMemo', refId(first.doc) ?? '') : undefined;
  return memo?.fields.entity;
}

function totalOfAmounts(lines: Fields[]): number {
  return money(lines.reduce((sum, line) => sum + Number(line.amount ?? 0), 0));
}

function refundEffects(record: NsRecord, store: RecordStore, sign: 1 | -1): void {
  for (const line of sublistLines(record.fields, 'apply')) {
    const memo = store.get('creditMemo', refId(line.doc) ?? '');
    if (!memo) continue;
    memo.fields.amountApplied = money(Number(memo.fields.amountApplied ?? 0) + Number(line.amount) * sign);
    refreshCreditStatus(memo.fields);
    store.touch(memo);
  }
}
