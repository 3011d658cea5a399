import { money, refId, sublistLines } from './fields.ts';
import type { RecordStore } from './store.ts';

/**
 * Customer financials the hub's credit check reads (customer record, Financial subtab):
 * balance = open invoices minus unapplied credit, unbilledOrders = open sales order value not yet
 * invoiced. With creditHoldOverride AUTO, NetSuite holds a customer whose balance plus unbilled
 * orders exceeds the credit limit; ON always holds, OFF never does.
 */
export interface CustomerFinancials {
  balance: number;
  unbilledOrders: number;
  onCreditHold: boolean;
}

export function customerFinancials(store: RecordStore, customerId: string): CustomerFinancials {
  return allCustomerFinancials(store, customerId).get(customerId) ?? financialsOf(store, customerId, { balance: 0, unbilledOrders: 0 });
}

/** Financials of every customer (or only `onlyCustomerId`) in one pass over the transactions. */
export function allCustomerFinancials(store: RecordStore, onlyCustomerId?: string): Map<string, CustomerFinancials> {
  const sums = new Map<string, { balance: number; unbilledOrders: number }>();
  for (const record of store.all()) {
    const customerId = refId(record.fields.entity);
    if (customerId === undefined || (onlyCustomerId !== undefined && customerId !== onlyCustomerId)) continue;
    const sum = sums.get(customerId) ?? { balance: 0, unbilledOrders: 0 };
    if (record.type === 'invoice') sum.balance += Number(record.fields.amountRemaining ?? 0);
    if (record.type === 'creditMemo') sum.balance -= Number(record.fields.amountRemaining ?? 0);
    if (record.type === 'salesOrder') {
      for (const line of sublistLines(record.fields, 'item')) {
        const open = Number(line.quantity ?? 0) - Number(line.quantityBilled ?? 0);
        if (open > 0) sum.unbilledOrders += open * Number(line.rate ?? 0);
      }
    }
    sums.set(customerId, sum);
  }
  return new Map([...sums].map(([customerId, sum]) => [customerId, financialsOf(store, customerId, sum)]));
}

function financialsOf(store: RecordStore, customerId: string, sum: { balance: number; unbilledOrders: number }): CustomerFinancials {
  const { balance, unbilledOrders } = sum;
  const customer = store.get('customer', customerId);
  const override = refId(customer?.fields.creditHoldOverride) ?? 'AUTO';
  const limit = typeof customer?.fields.creditLimit === 'number' ? customer.fields.creditLimit : undefined;
  const exposure = balance + unbilledOrders;
  const onCreditHold = override === 'ON' || (override === 'AUTO' && limit !== undefined && exposure > limit);
  return { balance: money(balance), unbilledOrders: money(unbilledOrders), onCreditHold };
}
