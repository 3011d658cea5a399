import type { RecordType } from '../catalog.ts';
import { customerRules, inventoryAdjustmentRules, inventoryItemRules, locationRules } from './master-data.ts';
import { invoiceRules, itemFulfillmentRules, salesOrderRules } from './orders.ts';
import { creditMemoRules, customerRefundRules, itemReceiptRules, returnAuthorizationRules } from './returns.ts';
import type { RecordRules } from './types.ts';

export const RULES: Record<RecordType, RecordRules> = {
  customer: customerRules,
  location: locationRules,
  inventoryItem: inventoryItemRules,
  inventoryAdjustment: inventoryAdjustmentRules,
  salesOrder: salesOrderRules,
  itemFulfillment: itemFulfillmentRules,
  invoice: invoiceRules,
  returnAuthorization: returnAuthorizationRules,
  itemReceipt: itemReceiptRules,
  creditMemo: creditMemoRules,
  customerRefund: customerRefundRules,
};
