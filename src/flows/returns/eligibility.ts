import { currencyExponent, fromMinorUnits, sumAmounts, toMinorUnits } from '../../canonical/money.ts';
import type { Order, OrderLine } from '../../canonical/order.ts';
import type { Return } from '../../canonical/return.ts';
import type { FlowSettings } from '../settings.ts';
import { deliveredAt, orderOf, type EligibilityFacts } from './facts.ts';

/** Why a return is refused; the case shows the message, the console and the report the code. */
export const IneligibleReason = {
  orderNotFound: 'ORDER_NOT_FOUND',
  orderCancelled: 'ORDER_CANCELLED',
  notReturnable: 'NOT_RETURNABLE',
  notPaid: 'NOT_PAID',
  unknownLine: 'UNKNOWN_LINE',
  notDelivered: 'NOT_DELIVERED',
  outsideWindow: 'OUTSIDE_RETURN_WINDOW',
  alreadyReturned: 'ALREADY_RETURNED',
  conditionNotAllowed: 'CONDITION_NOT_ALLOWED',
} as const;
export type IneligibleReason = (typeof IneligibleReason)[keyof typeof IneligibleReason];

export interface EligibilityProblem {
  code: IneligibleReason;
  /** In words a customer service agent can read out, e.g. "delivered on 2026-10-01; returns accepted for 30 days". */
  message: string;
  orderLineNumber?: number;
}

/** How the order was paid, when it was. */
export type PaidBy = 'invoice' | 'payment' | 'channel';

export interface EligibilityDecision {
  eligible: boolean;
  problems: EligibilityProblem[];
  /** The request's lines against the order: order line numbers settled, each priced at what was paid per unit. */
  lines: Return['lines'];
  currency?: string;
  customerId?: string;
  paidBy?: PaidBy;
}

const DAY_MS = 86_400_000;
/** Statuses of another return that no longer hold its units. */
const RELEASED: readonly string[] = ['rejected', 'cancelled'];

/**
 * Decides whether a return may go ahead, from the facts the hub holds (a pure function: the flow
 * reads the facts in one journaled step and replays the same decision). The checks:
 * - the order is known, not cancelled and not sold as final sale;
 * - it is paid: a paid invoice, a captured payment, or the channel took the money at checkout;
 * - every line was delivered (a shipment delivered, the order handed over, or sold at the till);
 * - the request falls inside the return window of the line's category after delivery;
 * - the units are not already held by another return of the order claimed earlier;
 * - a condition the customer stated is one the retailer takes back.
 */
export function decideEligibility(options: {
  request: Return;
  facts: EligibilityFacts;
  settings: FlowSettings['returns'];
  /** When this request was recorded: other returns claimed earlier hold their units first. */
  claimedAt: number;
}): EligibilityDecision {
  const { request, facts, settings } = options;
  const order = orderOf(facts.order);
  if (!order) return refused(request, { code: IneligibleReason.orderNotFound, message: `order ${request.orderNumber} is not known to the hub` });
  const problems: EligibilityProblem[] = [];
  if (facts.order?.cancelled || order.status === 'cancelled') problems.push({ code: IneligibleReason.orderCancelled, message: `order ${order.orderNumber} was cancelled` });
  if (!order.returnEligibility.eligible) {
    problems.push({ code: IneligibleReason.notReturnable, message: `order ${order.orderNumber} cannot be returned${order.returnEligibility.reason ? `: ${order.returnEligibility.reason}` : ''}` });
  }
  const paidBy = paidByOf(order, facts);
  if (!paidBy) problems.push({ code: IneligibleReason.notPaid, message: `order ${order.orderNumber} is not paid (no paid invoice, no captured payment)` });

  const lines: Return['lines'] = [];
  for (const line of request.lines) {
    const orderLine = matchOrderLine(order, line);
    if (!orderLine) {
      problems.push({ code: IneligibleReason.unknownLine, message: `order ${order.orderNumber} has no line ${line.orderLineNumber} with SKU ${line.sku}`, orderLineNumber: line.orderLineNumber });
      lines.push(line);
      continue;
    }
    const priced = { ...line, orderLineNumber: orderLine.lineNumber, unitPrice: line.unitPrice ?? paidPerUnit(order, orderLine) };
    lines.push(priced);
    problems.push(...lineProblems({ request, line: priced, orderLine, order, facts, settings, claimedAt: options.claimedAt }));
  }
  return {
    eligible: problems.length === 0,
    problems,
    lines,
    currency: order.currency,
    ...(order.customer.customerId !== undefined && { customerId: order.customer.customerId }),
    ...(paidBy && { paidBy }),
  };
}

function refused(request: Return, problem: EligibilityProblem): EligibilityDecision {
  return { eligible: false, problems: [problem], lines: request.lines };
}

function paidByOf(order: Order, facts: EligibilityFacts): PaidBy | undefined {
  if (facts.paidInvoices.length > 0) return 'invoice';
  if (facts.payments.length > 0) return 'payment';
  // Storefront and till sales are paid at checkout: the channel says so on the order.
  if (order.paymentStatus === 'paid' || order.paymentStatus === 'partially-refunded') return 'channel';
  return undefined;
}

/** The order line a return line means: the same number with the same SKU, else the first line of that SKU. */
function matchOrderLine(order: Order, line: Return['lines'][number]): OrderLine | undefined {
  return order.lines.find((candidate) => candidate.lineNumber === line.orderLineNumber && candidate.sku === line.sku) ?? order.lines.find((candidate) => candidate.sku === line.sku);
}

/** What the customer paid for one unit of a line: its total after discounts, plus its tax when prices exclude tax. */
export function paidPerUnit(order: Pick<Order, 'currency' | 'pricesIncludeTax'>, line: Pick<OrderLine, 'lineTotal' | 'quantity' | 'tax'>): string {
  const total = order.pricesIncludeTax ? line.lineTotal : sumAmounts([line.lineTotal, line.tax.amount]);
  return perUnit(total, line.quantity, order.currency);
}

/** An amount split per unit, in the currency's minor units (rounded half up). */
export function perUnit(total: string, quantity: number, currency: string): string {
  let minor: number;
  try {
    minor = toMinorUnits(total, currency);
  } catch {
    minor = Math.round(Number(total) * 10 ** currencyExponent(currency));
  }
  return fromMinorUnits(Math.round(minor / Math.max(1, quantity)), currency);
}

interface LineCheck {
  request: Return;
  line: Return['lines'][number] & { orderLineNumber: number };
  orderLine: OrderLine;
  order: Order;
  facts: EligibilityFacts;
  settings: FlowSettings['returns'];
  claimedAt: number;
}

function lineProblems(check: LineCheck): EligibilityProblem[] {
  const { line, orderLine, order, facts, settings } = check;
  const at = { orderLineNumber: line.orderLineNumber };
  const problems: EligibilityProblem[] = [];
  if (line.condition !== undefined && !settings.allowedConditions.includes(line.condition)) {
    problems.push({ code: IneligibleReason.conditionNotAllowed, message: `${line.sku} in condition "${line.condition}" is not taken back (accepted: ${settings.allowedConditions.join(', ')})`, ...at });
  }
  const delivery = deliveryOf(order, orderLine, facts);
  if (delivery.quantity === 0 || delivery.at === undefined) {
    problems.push({ code: IneligibleReason.notDelivered, message: `${line.sku} (line ${line.orderLineNumber}) of order ${order.orderNumber} has not been delivered`, ...at });
    return problems;
  }
  const category = facts.categories[line.sku];
  const windowDays = (category !== undefined ? settings.windowDays.byCategory[category] : undefined) ?? settings.windowDays.default;
  const lastDay = Date.parse(delivery.at) + windowDays * DAY_MS;
  if (Date.parse(check.request.requestedAt) > lastDay) {
    problems.push({
      code: IneligibleReason.outsideWindow,
      message: `${line.sku} was delivered on ${delivery.at.slice(0, 10)}; ${category ?? 'this product'} is taken back for ${windowDays} days (until ${new Date(lastDay).toISOString().slice(0, 10)})`,
      ...at,
    });
  }
  const held = heldByOtherReturns(check);
  if (line.quantity + held.quantity > delivery.quantity) {
    const detail = held.quantity > 0 ? `${held.quantity} of the ${delivery.quantity} delivered already returned (${held.rmaNumbers.join(', ')})` : `only ${delivery.quantity} delivered`;
    const code = held.quantity > 0 ? IneligibleReason.alreadyReturned : IneligibleReason.notDelivered;
    problems.push({ code, message: `${line.quantity} × ${line.sku} asked back: ${detail}`, ...at });
  }
  return problems;
}

/** Units of an order line handed to the customer, and when the last of them was. */
function deliveryOf(order: Order, orderLine: OrderLine, facts: EligibilityFacts): { quantity: number; at: string | undefined } {
  // Sold at the till, or reported handed over as a whole (delivered, picked up): every unit, then.
  if (order.channel === 'store') return { quantity: orderLine.quantity, at: order.placedAt };
  if (facts.order?.handedOver) return { quantity: orderLine.quantity, at: facts.order.handedOver.at };
  let quantity = 0;
  let at: string | undefined;
  for (const shipment of facts.deliveredShipments) {
    const when = deliveredAt(shipment);
    if (!when) continue;
    for (const shipped of shipment.lines) {
      const same = shipped.orderLineNumber === orderLine.lineNumber && shipped.sku === orderLine.sku;
      if (!same) continue;
      quantity += shipped.quantity;
      if (at === undefined || Date.parse(when) > Date.parse(at)) at = when;
    }
  }
  return { quantity: Math.min(quantity, orderLine.quantity), at };
}

/** Units of the line other live returns of the order hold: those claimed before this one. */
function heldByOtherReturns(check: LineCheck): { quantity: number; rmaNumbers: string[] } {
  const mine = { claimedAt: check.claimedAt, rma: check.request.rmaNumber };
  let quantity = 0;
  const rmaNumbers: string[] = [];
  for (const other of check.facts.otherReturns) {
    if (RELEASED.includes(other.return.status)) continue;
    const earlier = other.claimedAt < mine.claimedAt || (other.claimedAt === mine.claimedAt && other.return.rmaNumber < mine.rma);
    if (!earlier) continue;
    const units = other.return.lines
      .filter((line) => line.orderLineNumber === check.line.orderLineNumber && line.sku === check.line.sku)
      .reduce((sum, line) => sum + line.quantity, 0);
    if (units === 0) continue;
    quantity += units;
    rmaNumbers.push(other.return.rmaNumber);
  }
  return { quantity, rmaNumbers };
}

/** The money a return credits: the sum of its lines at the price paid. */
export function creditTotal(lines: Return['lines'], currency: string): string {
  const minor = lines.reduce((sum, line) => sum + toMinorUnits(line.unitPrice ?? '0', currency) * line.quantity, 0);
  return fromMinorUnits(minor, currency);
}
