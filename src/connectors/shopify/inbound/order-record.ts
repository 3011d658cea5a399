/**
 * The GraphQL selection the orders poller reads, and its conversion to the REST (webhook)
 * representation the order mapping is written against, so one mapping serves both paths.
 * Amounts are MoneyBag `shopMoney` amounts (decimal strings).
 */
export const ORDER_FIELDS = `
  id legacyResourceId name email note createdAt updatedAt processedAt cancelledAt cancelReason
  currencyCode taxesIncluded displayFinancialStatus sourceName
  subtotalPriceSet { shopMoney { amount } }
  totalDiscountsSet { shopMoney { amount } }
  totalTaxSet { shopMoney { amount } }
  totalShippingPriceSet { shopMoney { amount } }
  totalPriceSet { shopMoney { amount } }
  customer { id firstName lastName }`;

export const LINE_ITEM_FIELDS = `
  id sku name quantity
  originalUnitPriceSet { shopMoney { amount } }
  discountAllocations { allocatedAmountSet { shopMoney { amount } } }
  taxLines { rate priceSet { shopMoney { amount } } }`;

interface Money {
  shopMoney: { amount: string };
}

export interface GraphQLLineItem {
  id: string;
  sku: string | null;
  name: string;
  quantity: number;
  originalUnitPriceSet: Money;
  discountAllocations?: { allocatedAmountSet: Money }[];
  taxLines?: { rate: number | null; priceSet: Money }[];
}

export interface GraphQLOrder {
  id: string;
  legacyResourceId: string;
  name: string;
  email: string | null;
  note: string | null;
  createdAt: string;
  updatedAt: string;
  processedAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  currencyCode: string;
  taxesIncluded?: boolean;
  displayFinancialStatus: string | null;
  sourceName?: string | null;
  subtotalPriceSet: Money;
  totalDiscountsSet?: Money;
  totalTaxSet?: Money;
  totalShippingPriceSet: Money;
  totalPriceSet: Money;
  customer: { id: string; firstName: string | null; lastName: string | null } | null;
}

const amount = (money: Money | undefined): string => money?.shopMoney.amount ?? '0.00';
const numericId = (gid: string): number => Number(gid.split('/').pop()?.split('?')[0]);

function sum(amounts: string[]): string {
  // Cents, so that 0.1 + 0.2 stays 0.30 (amounts have at most 2 decimals in shop currency).
  const cents = amounts.reduce((total, value) => total + Math.round(Number(value) * 100), 0);
  return (cents / 100).toFixed(2);
}

/** A GraphQL order with all its line items, in the shape of the `orders/*` webhook body. */
export function restOrderFromGraphQL(order: GraphQLOrder, lineItems: GraphQLLineItem[]): Record<string, unknown> {
  const shipping = amount(order.totalShippingPriceSet);
  return {
    id: Number(order.legacyResourceId),
    admin_graphql_api_id: order.id,
    name: order.name,
    // GraphQL has no order_number: it is the digits of the default name format (#1001).
    order_number: Number(order.name.replace(/\D/g, '')),
    email: order.email,
    note: order.note,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
    processed_at: order.processedAt,
    cancelled_at: order.cancelledAt,
    cancel_reason: order.cancelReason?.toLowerCase() ?? null,
    currency: order.currencyCode,
    taxes_included: order.taxesIncluded ?? false,
    financial_status: order.displayFinancialStatus?.toLowerCase() ?? null,
    source_name: order.sourceName ?? 'web',
    total_line_items_price: sum(lineItems.map((line) => (Number(amount(line.originalUnitPriceSet)) * line.quantity).toFixed(2))),
    total_discounts: amount(order.totalDiscountsSet),
    total_tax: amount(order.totalTaxSet),
    total_price: amount(order.totalPriceSet),
    customer: order.customer ? { id: numericId(order.customer.id), first_name: order.customer.firstName, last_name: order.customer.lastName } : null,
    line_items: lineItems.map((line) => ({
      id: numericId(line.id),
      sku: line.sku,
      name: line.name,
      quantity: line.quantity,
      price: amount(line.originalUnitPriceSet),
      total_discount: sum((line.discountAllocations ?? []).map((allocation) => amount(allocation.allocatedAmountSet))),
      tax_lines: (line.taxLines ?? []).map((tax) => ({ rate: tax.rate, price: amount(tax.priceSet) })),
    })),
    shipping_lines: Number(shipping) > 0 ? [{ code: 'SHIPPING', price: shipping }] : [],
  };
}
