import { createHash } from 'node:crypto';
import type { Case } from '../../canonical/case.ts';
import type { Refund } from '../../canonical/payment.ts';
import { ItemCondition, ReturnReason, type Return } from '../../canonical/return.ts';
import { perUnit } from './eligibility.ts';

/** A return asked for through a service case, as far as the case tells it. */
export interface CaseReturnRequest {
  caseNumber: string;
  orderNumber: string;
  customerId: string;
  requestedAt: string;
  quantity: number;
  reason: ReturnReason;
  condition?: ItemCondition;
  /** The SKU or order line the case names; without either, the order's first line. */
  sku?: string;
  orderLineNumber?: number;
}

const CLOSED_CASE: readonly string[] = ['resolved', 'closed'];

/** Words customers and agents use for a reason, mapped to the canonical reasons. */
const REASON_WORDS: Readonly<Record<string, ReturnReason>> = {
  'does-not-fit': ReturnReason.sizeOrFit,
  'doesnt-fit': ReturnReason.sizeOrFit,
  size: ReturnReason.sizeOrFit,
  'late-delivery': ReturnReason.arrivedLate,
  late: ReturnReason.arrivedLate,
  broken: ReturnReason.damaged,
  faulty: ReturnReason.defective,
};

const CONDITION_WORDS: Readonly<Record<string, ItemCondition>> = { unopened: ItemCondition.sellable, new: ItemCondition.sellable };

/**
 * Recognises a return request in a service case: an open case whose subject matches the
 * configured pattern (its `orderNumber` group names the order). The description may say how many
 * units ("2 units"), why ("reason: damaged"), in what condition ("condition: opened") and which
 * item ("sku: TRAIL-TEE-M-BLK" or "line 2"); without them: one unit of the first line, reason other.
 * Undefined when the case is not a return request.
 *
 * @example
 * returnRequestFromCase({ ...supportCase, subject: 'Return request for order WEB-000012' }, /return.*order (?<orderNumber>\S+)/i)
 */
export function returnRequestFromCase(supportCase: Case, subjectPattern: RegExp): CaseReturnRequest | undefined {
  if (CLOSED_CASE.includes(supportCase.status)) return undefined;
  const orderNumber = subjectPattern.exec(supportCase.subject)?.groups?.orderNumber;
  if (!orderNumber) return undefined;
  const text = supportCase.description ?? '';
  const quantity = Number(/\b(\d{1,4})\s*(?:units?|items?|pieces?|pcs?|x)\b/i.exec(text)?.[1] ?? '1');
  const reasonWord = /\breason:\s*([a-z][a-z' -]*?)\s*(?:[.;,\n]|$)/i.exec(text)?.[1]?.toLowerCase().replace(/[' ]+/g, '-');
  const conditionWord = /\bcondition:\s*([a-z-]+)/i.exec(text)?.[1]?.toLowerCase();
  const sku = /\bsku:\s*([^\s,;]+)/i.exec(text)?.[1];
  const line = /\bline\s*#?\s*(\d{1,4})\b/i.exec(text)?.[1];
  const condition = conditionWord === undefined ? undefined : canonicalCondition(conditionWord);
  return {
    caseNumber: supportCase.caseNumber,
    orderNumber,
    customerId: supportCase.customerId,
    requestedAt: supportCase.openedAt,
    quantity: Math.max(1, quantity),
    reason: canonicalReason(reasonWord),
    ...(condition !== undefined && { condition }),
    ...(sku !== undefined && { sku: sku.replace(/[.]+$/, '') }),
    ...(line !== undefined && { orderLineNumber: Number(line) }),
  };
}

function canonicalReason(word: string | undefined): ReturnReason {
  if (word === undefined) return ReturnReason.other;
  if ((Object.values(ReturnReason) as string[]).includes(word)) return word as ReturnReason;
  return REASON_WORDS[word] ?? ReturnReason.other;
}

/**
 * A stated condition the canonical model knows (or a common word for one). An unknown word is
 * dropped: the warehouse's finding at receipt decides then.
 */
function canonicalCondition(word: string): ItemCondition | undefined {
  if ((Object.values(ItemCondition) as string[]).includes(word)) return word as ItemCondition;
  return CONDITION_WORDS[word];
}

/** The RMA number the hub gives a request: from the case or refund it came from, stable across redeliveries. */
export function rmaNumberFor(source: { caseNumber: string } | { refundHubId: string }): string {
  const base = 'caseNumber' in source ? source.caseNumber : `SR-${source.refundHubId.replace(/^shopify-refund-/, '')}`;
  const candidate = `RMA-${base}`.replace(/[^A-Za-z0-9#._/-]/g, '-');
  // Document numbers are at most 64 characters and the ERP adds suffixes (".CM"): keep room.
  return candidate.length <= 56 ? candidate : `RMA-${createHash('sha256').update(base).digest('hex').slice(0, 20).toUpperCase()}`;
}

/** A storefront refund of goods: the storefront already paid the money back. */
export interface StorefrontReturn {
  refund: Refund;
  orderNumber: string;
  lines: NonNullable<Refund['lines']>;
}

/** Marks a refund the hub itself asked the storefront for, so it is not taken for a new return. */
export const HUB_REFUND_NOTE = 'Crossdock return';

/** A refund from the storefront for goods (it lists the lines), not one the hub asked for; undefined otherwise. */
export function storefrontReturnOf(refund: Refund): StorefrontReturn | undefined {
  if (refund.status !== 'issued' || !refund.orderNumber || !refund.lines || refund.lines.length === 0) return undefined;
  if (refund.reason?.startsWith(HUB_REFUND_NOTE)) return undefined;
  return { refund, orderNumber: refund.orderNumber, lines: refund.lines };
}

/** The canonical lines of a storefront return: priced at what the storefront refunded per unit. */
export function storefrontReturnLines(refund: StorefrontReturn, currency: string): Return['lines'] {
  const reason = reasonOfNote(refund.refund.reason);
  return refund.lines.map((line, index) => ({
    orderLineNumber: line.orderLineNumber ?? index + 1,
    sku: line.sku,
    quantity: line.quantity,
    ...(line.amount !== undefined && { unitPrice: perUnit(line.amount, line.quantity, currency) }),
    reason,
  }));
}

/** "Return: damaged" (the storefront's note) → damaged. */
function reasonOfNote(note: string | undefined): ReturnReason {
  const word = note?.replace(/^return:?\s*/i, '').trim().toLowerCase().replace(/\s+/g, '-');
  return canonicalReason(word === '' ? undefined : word);
}
