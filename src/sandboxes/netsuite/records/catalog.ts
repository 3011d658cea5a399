/**
 * The NetSuite record types the sandbox serves, named as in the REST API record catalog
 * (`/services/rest/record/v1/metadata-catalog`). Internal ids come from one sequence per record
 * family, as in NetSuite (all transactions share one, so a `createdFrom` id is unambiguous).
 */
export const RECORD_TYPES = {
  customer: { family: 'entity', label: 'Customer' },
  location: { family: 'location', label: 'Location' },
  inventoryItem: { family: 'item', label: 'Inventory Item' },
  salesOrder: { family: 'transaction', label: 'Sales Order', tranType: 'SalesOrd', tranIdPrefix: 'SO' },
  itemFulfillment: { family: 'transaction', label: 'Item Fulfillment', tranType: 'ItemShip', tranIdPrefix: 'IF' },
  invoice: { family: 'transaction', label: 'Invoice', tranType: 'CustInvc', tranIdPrefix: 'INV' },
  returnAuthorization: { family: 'transaction', label: 'Return Authorization', tranType: 'RtnAuth', tranIdPrefix: 'RMA' },
  itemReceipt: { family: 'transaction', label: 'Item Receipt', tranType: 'ItemRcpt', tranIdPrefix: 'IR' },
  creditMemo: { family: 'transaction', label: 'Credit Memo', tranType: 'CustCred', tranIdPrefix: 'CM' },
  customerRefund: { family: 'transaction', label: 'Customer Refund', tranType: 'CustRfnd', tranIdPrefix: 'RF' },
  inventoryAdjustment: { family: 'transaction', label: 'Inventory Adjustment', tranType: 'InvAdjst', tranIdPrefix: 'ADJ' },
} as const satisfies Record<string, { family: string; label: string; tranType?: string; tranIdPrefix?: string }>;

export type RecordType = keyof typeof RECORD_TYPES;
export type RecordFamily = (typeof RECORD_TYPES)[RecordType]['family'];

export const TRANSACTION_TYPES = (Object.keys(RECORD_TYPES) as RecordType[]).filter(
  (type) => RECORD_TYPES[type].family === 'transaction',
);

/** Which record a reference field points at ('transaction' = any transaction type). */
export const REFERENCE_FIELDS: Record<string, RecordType | 'transaction'> = {
  entity: 'customer',
  customer: 'customer',
  location: 'location',
  adjLocation: 'location',
  item: 'inventoryItem',
  createdFrom: 'transaction',
  doc: 'transaction',
};

/** Sublists per record type; a sublist is written as `{ items: [...] }`. */
export const SUBLISTS: Partial<Record<RecordType, readonly string[]>> = {
  inventoryItem: ['locations'],
  salesOrder: ['item'],
  itemFulfillment: ['item', 'package'],
  invoice: ['item'],
  returnAuthorization: ['item'],
  itemReceipt: ['item'],
  creditMemo: ['item'],
  customerRefund: ['apply'],
  inventoryAdjustment: ['inventory'],
};

/** Transformations served by `POST /record/v1/{type}/{id}/!transform/{target}`. */
export const TRANSFORMS: Partial<Record<RecordType, readonly RecordType[]>> = {
  salesOrder: ['itemFulfillment', 'invoice', 'returnAuthorization'],
  invoice: ['returnAuthorization'],
  returnAuthorization: ['itemReceipt', 'creditMemo'],
  creditMemo: ['customerRefund'],
};

const BY_LOWERCASE = new Map((Object.keys(RECORD_TYPES) as RecordType[]).map((type) => [type.toLowerCase(), type]));

/** NetSuite accepts record type names in any case in URLs (`salesOrder`, `salesorder`). */
export function resolveRecordType(segment: string): RecordType | undefined {
  return BY_LOWERCASE.get(segment.toLowerCase());
}

export function isTransaction(type: RecordType): boolean {
  return RECORD_TYPES[type].family === 'transaction';
}
