import { compareAmounts, sumAmounts } from '../../canonical/money.ts';
import type { Order } from '../../canonical/order.ts';
import { checkOrderTotals } from '../../canonical/order-totals.ts';
import { validate } from '../../canonical/validation.ts';
import type { InventoryLevel } from '../../canonical/inventory-level.ts';
import type { Price } from '../../canonical/price.ts';
import type { Product } from '../../canonical/product.ts';
import type { RecordStore } from '../../ports/storage.ts';
import { RecordEntity } from '../reference/records.ts';
import type { FlowSettings } from '../settings.ts';
import { resolveCustomer, type ResolvedCustomer } from './customers.ts';
import { lowestAcceptedPrice, withinPriceTolerance } from './money.ts';
import { customerOrdersKey } from './read-models.ts';

/** Why an order is held before booking: the reason code an operator groups and acts on. */
export const HoldCode = {
  /** The payload is not a valid order (schema, totals, no address to ship to). Fix it. */
  invalidOrder: 'INVALID_ORDER',
  /** A line's SKU is not in the item master (or inactive). Fix the line, or retry once it exists. */
  unknownSku: 'UNKNOWN_SKU',
  /** A unit price is below the ERP price by more than the tolerance. Override to accept it. */
  priceMismatch: 'PRICE_MISMATCH',
  /** The fulfilment location cannot cover a line. Retry after receipt, fix the location, or override. */
  outOfStock: 'OUT_OF_STOCK',
  /** A business customer's open unpaid orders plus this one exceed its credit limit. Override to release. */
  creditHold: 'CREDIT_HOLD',
} as const;
export type HoldCode = (typeof HoldCode)[keyof typeof HoldCode];

/**
 * Holds an operator may override (accept as they are). Unknown SKUs and invalid orders cannot be
 * booked whatever the operator decides: "resolve" on them re-checks the order, like "retry".
 */
export const OVERRIDABLE_HOLDS: readonly HoldCode[] = [HoldCode.priceMismatch, HoldCode.outOfStock, HoldCode.creditHold];

export interface Hold {
  code: HoldCode;
  /** One sentence for the operator; the problems joined. */
  message: string;
  problems: string[];
}

/** What the read models say about an order, read once per validation round. */
export interface OrderFacts {
  /** Fulfilment location the stock is checked at. */
  location: string;
  products: Record<string, { active: boolean } | null>;
  prices: Record<string, { amount: string; currency: string } | null>;
  /** Units available per SKU at the location; null when no level is known. */
  available: Record<string, number | null>;
  customer: ResolvedCustomer;
  /** Grand totals of the customer's open unpaid orders (booked, not paid), summed. */
  openUnpaid: string;
}

/** Order statuses that count against a credit limit while unpaid. */
const CREDIT_USING_STATUSES = new Set(['booked', 'in-fulfilment', 'partially-shipped', 'shipped', 'ready-for-pickup', 'delivered', 'picked-up']);
const UNPAID = new Set(['pending', 'authorized', 'partially-paid', 'failed']);

function hold(code: HoldCode, problems: string[]): Hold {
  return { code, problems, message: problems.join('; ') };
}

/**
 * The checks that need nothing but the payload: a valid canonical order whose number is the
 * event's subject and whose amounts add up. Anything else is INVALID_ORDER.
 */
export function structuralHold(data: unknown, orderNumber: string): Hold | null {
  const checked = validate('order', data);
  if (!checked.ok) {
    return hold(HoldCode.invalidOrder, checked.errors.slice(0, 5).map((issue) => `${issue.field} ${issue.reason}`));
  }
  const order = checked.value;
  if (order.orderNumber !== orderNumber) return hold(HoldCode.invalidOrder, [`orderNumber "${order.orderNumber}" is not the order number "${orderNumber}" the event is about`]);
  const discrepancies = checkOrderTotals(order);
  if (discrepancies.length > 0) {
    return hold(HoldCode.invalidOrder, discrepancies.slice(0, 5).map((d) => `${d.field} is ${d.actual}, the lines add up to ${d.expected}`));
  }
  return null;
}

/** Units still wanted per SKU (cancelled units left out; a SKU on two lines adds up). */
export function unitsBySku(order: Order): Map<string, number> {
  const units = new Map<string, number>();
  for (const line of order.lines) units.set(line.sku, (units.get(line.sku) ?? 0) + line.quantity - (line.quantityCancelled ?? 0));
  return units;
}

/** Reads what the checks need from the read models: products, prices, stock, customer, credit. */
export async function loadFacts(args: { records: RecordStore; order: Order; settings: FlowSettings; systems: Readonly<Record<string, string>> }): Promise<OrderFacts> {
  const { records, order, settings } = args;
  const skus = [...unitsBySku(order).keys()];
  const location = order.fulfilment.locationCode ?? settings.orders.defaultFulfilmentLocation;
  const [products, prices, levels, customer] = await Promise.all([
    records.getMany<Product>(RecordEntity.product, skus),
    records.getMany<Price>(RecordEntity.price, skus),
    records.getMany<InventoryLevel>(RecordEntity.inventory, skus.map((sku) => `${sku}@${location}`)),
    resolveCustomer({ records, order, erpSystem: args.systems.erp, crmSystem: args.systems.crm, guestCustomerId: settings.orders.guestCustomerId }),
  ]);
  const bySku = <T, R>(found: { key: string; data: T }[], keyOf: (key: string) => string, pick: (data: T) => R) => {
    const map = new Map(found.map((record) => [keyOf(record.key), pick(record.data)]));
    return Object.fromEntries(skus.map((sku) => [sku, map.get(sku) ?? null]));
  };
  let openUnpaid = '0.00';
  if (customer.known?.partyType === 'business') {
    const orders = await records.match<Order>(RecordEntity.order, [customerOrdersKey(customer.hubId)]);
    const open = orders
      .map((record) => record.data)
      .filter((other) => other.orderNumber !== order.orderNumber && CREDIT_USING_STATUSES.has(other.status) && UNPAID.has(other.paymentStatus));
    openUnpaid = sumAmounts(open.map((other) => other.totals.grandTotal));
  }
  return {
    location,
    products: bySku(products, (key) => key, (product) => ({ active: product.active })),
    prices: bySku(prices, (key) => key, (price) => ({ amount: price.amount, currency: price.currency })),
    available: bySku(levels, (key) => key.slice(0, key.lastIndexOf('@')), (level) => level.available),
    customer,
    openUnpaid,
  };
}

/**
 * The business checks, in the order an operator fixes them: ship-to address, SKUs, prices,
 * stock, credit. Returns the first failing check with all its problems, or null when the order
 * may be booked. `overridden` holds the codes an operator accepted for this order.
 */
export function businessHold(args: { order: Order; facts: OrderFacts; settings: FlowSettings; overridden: ReadonlySet<string> }): Hold | null {
  const { order, facts, settings, overridden } = args;
  const ships = order.fulfilment.method !== 'pickup';
  if (ships && !order.fulfilment.shippingAddress && !facts.customer.defaultAddress) {
    return hold(HoldCode.invalidOrder, ['the order ships but has no shipping address, and the customer has none on file: add fulfilment.shippingAddress']);
  }
  const units = unitsBySku(order);
  const unknown = [...units.keys()].filter((sku) => !facts.products[sku]?.active);
  if (unknown.length > 0) {
    return hold(HoldCode.unknownSku, unknown.map((sku) => `SKU ${sku} is ${facts.products[sku] ? 'inactive' : 'not'} in the item master`));
  }
  if (!overridden.has(HoldCode.priceMismatch)) {
    const tolerance = settings.orders.priceTolerancePercent;
    const problems = order.lines.flatMap((line) => {
      const price = facts.prices[line.sku];
      if (!price) return [`line ${line.lineNumber} (${line.sku}): the ERP has no price for it`];
      if (price.currency !== order.currency) return [`line ${line.lineNumber} (${line.sku}): the ERP price is in ${price.currency}, the order in ${order.currency}`];
      if (withinPriceTolerance({ sold: line.unitPrice, reference: price.amount, tolerancePercent: tolerance })) return [];
      return [`line ${line.lineNumber} (${line.sku}): sold at ${line.unitPrice}, ERP price ${price.amount} (lowest accepted ${lowestAcceptedPrice(price.amount, tolerance)})`];
    });
    if (problems.length > 0) return hold(HoldCode.priceMismatch, problems);
  }
  if (settings.orders.checkStock && !overridden.has(HoldCode.outOfStock)) {
    const problems = [...units].flatMap(([sku, wanted]) => {
      const available = facts.available[sku];
      if (wanted <= 0 || (available !== null && available !== undefined && available >= wanted)) return [];
      return [`${sku}: ${wanted} wanted at ${facts.location}, ${available === null || available === undefined ? 'no stock level known' : `${available} available`}`];
    });
    if (problems.length > 0) return hold(HoldCode.outOfStock, problems);
  }
  const account = facts.customer.known?.partyType === 'business' ? facts.customer.known.billingAccount : undefined;
  if (settings.orders.checkCredit && account && !overridden.has(HoldCode.creditHold)) {
    if (account.status !== 'active') return hold(HoldCode.creditHold, [`the customer's billing account is ${account.status}`]);
    const exposure = sumAmounts([facts.openUnpaid, order.totals.grandTotal]);
    if (compareAmounts(exposure, account.creditLimit.amount) > 0) {
      return hold(HoldCode.creditHold, [`open unpaid orders ${facts.openUnpaid} plus this order ${order.totals.grandTotal} exceed the credit limit ${account.creditLimit.amount} ${account.creditLimit.currency}`]);
    }
  }
  return null;
}

/**
 * The order as it is booked and released: the resolved customer's hub id, the fulfilment
 * location, the customer's default address when the order ships without one, status placed.
 */
export function preparedOrder(order: Order, facts: OrderFacts): Order {
  const shippingAddress = order.fulfilment.shippingAddress ?? (order.fulfilment.method !== 'pickup' ? facts.customer.defaultAddress : null) ?? undefined;
  const { statusReason: _previousReason, ...rest } = order;
  return {
    ...rest,
    status: 'placed',
    customer: { ...rest.customer, customerId: facts.customer.hubId },
    fulfilment: { ...rest.fulfilment, locationCode: facts.location, ...(shippingAddress && { shippingAddress }) },
  };
}
