import { allCustomerFinancials } from '../records/balances.ts';
import { RECORD_TYPES, TRANSACTION_TYPES } from '../records/catalog.ts';
import { refId, selectValue, sublistLines } from '../records/fields.ts';
import { refNameOf } from '../records/representation.ts';
import type { NsRecord, RecordStore } from '../records/store.ts';

export type Value = string | number | Date | null;

export interface Row {
  values: Record<string, Value>;
  /** Display values for BUILTIN.DF(column). */
  display: Record<string, string>;
}

interface Table {
  columns: readonly string[];
  rows(store: RecordStore): Row[];
}

/**
 * The analytics tables SuiteQL reads (NetSuite2.com data source names and lowercase columns).
 * Booleans are 'T'/'F' as in SuiteQL; references are internal ids with BUILTIN.DF for names.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_156257770590.html
 */
export const TABLES: Record<string, Table> = {
  transaction: {
    columns: ['id', 'tranid', 'type', 'entity', 'externalid', 'trandate', 'createddate', 'lastmodifieddate', 'status', 'foreigntotal', 'foreignamountunpaid', 'createdfrom', 'location', 'memo', 'otherrefnum', 'shipstatus'],
    rows: (store) =>
      TRANSACTION_TYPES.flatMap((type) => store.list(type)).map((record) => {
        const f = record.fields;
        const values: Record<string, Value> = {
          ...common(record),
          tranid: text(f.tranId),
          type: (RECORD_TYPES[record.type] as { tranType: string }).tranType,
          entity: refId(f.entity) ?? refId(f.customer) ?? null,
          trandate: typeof f.tranDate === 'string' ? new Date(`${f.tranDate.slice(0, 10)}T00:00:00Z`) : null,
          status: (f.status as { id?: string } | undefined)?.id ?? null,
          foreigntotal: num(f.total),
          foreignamountunpaid: num(f.amountRemaining),
          createdfrom: refId(f.createdFrom) ?? null,
          location: refId(f.location) ?? null,
          memo: text(f.memo),
          otherrefnum: text(f.otherRefNum),
          shipstatus: selectValue(f.shipStatus) ?? null,
        };
        const status = f.status as { refName?: string } | undefined;
        return { values, display: { ...displayRefs(store, values), status: `${RECORD_TYPES[record.type].label} : ${status?.refName ?? ''}` } };
      }),
  },
  transactionline: {
    columns: ['uniquekey', 'transaction', 'linesequencenumber', 'item', 'quantity', 'rate', 'netamount', 'location', 'quantityshiprecv', 'quantitybilled'],
    rows: (store) =>
      TRANSACTION_TYPES.flatMap((type) => store.list(type)).flatMap((record) =>
        sublistLines(record.fields, 'item').map((line) => {
          const values: Record<string, Value> = {
            uniquekey: `${record.id}.${String(line.line)}`,
            transaction: record.id,
            linesequencenumber: num(line.line),
            item: refId(line.item) ?? null,
            quantity: num(line.quantity),
            rate: num(line.rate),
            netamount: num(line.amount),
            location: refId(line.location) ?? null,
            quantityshiprecv: num(line.quantityFulfilled ?? line.quantityReceived),
            quantitybilled: num(line.quantityBilled),
          };
          return { values, display: displayRefs(store, values) };
        }),
      ),
  },
  customer: {
    columns: ['id', 'entityid', 'companyname', 'firstname', 'lastname', 'email', 'phone', 'externalid', 'isperson', 'isinactive', 'creditlimit', 'balance', 'unbilledorders', 'creditholdoverride', 'datecreated', 'lastmodifieddate'],
    rows: (store) => {
      const financialsById = allCustomerFinancials(store);
      return store.list('customer').map((record) => {
        const f = record.fields;
        const financials = financialsById.get(record.id) ?? { balance: 0, unbilledOrders: 0 };
        const { createddate, ...base } = common(record);
        const values: Record<string, Value> = {
          ...base,
          datecreated: createddate ?? null,
          entityid: text(f.entityId),
          companyname: text(f.companyName),
          firstname: text(f.firstName),
          lastname: text(f.lastName),
          email: text(f.email),
          phone: text(f.phone),
          isperson: f.isPerson === true ? 'T' : 'F',
          isinactive: f.isInactive === true ? 'T' : 'F',
          creditlimit: num(f.creditLimit),
          balance: financials.balance,
          unbilledorders: financials.unbilledOrders,
          creditholdoverride: refId(f.creditHoldOverride) ?? 'AUTO',
        };
        return { values, display: {} };
      });
    },
  },
  item: {
    columns: ['id', 'itemid', 'displayname', 'itemtype', 'externalid', 'baseprice', 'isinactive', 'createddate', 'lastmodifieddate'],
    rows: (store) =>
      store.list('inventoryItem').map((record) => ({
        values: {
          ...common(record),
          itemid: text(record.fields.itemId),
          displayname: text(record.fields.displayName),
          itemtype: 'InvtPart',
          baseprice: num(record.fields.basePrice),
          isinactive: record.fields.isInactive === true ? 'T' : 'F',
        },
        display: {},
      })),
  },
  location: {
    columns: ['id', 'name', 'externalid', 'isinactive', 'createddate', 'lastmodifieddate'],
    rows: (store) =>
      store.list('location').map((record) => ({
        values: { ...common(record), name: text(record.fields.name), isinactive: record.fields.isInactive === true ? 'T' : 'F' },
        display: {},
      })),
  },
  inventorybalance: {
    columns: ['item', 'location', 'quantityonhand', 'quantityavailable', 'lastmodifieddate'],
    rows: (store) =>
      store.list('inventoryItem').flatMap((record) =>
        sublistLines(record.fields, 'locations').map((line) => {
          const values: Record<string, Value> = {
            item: record.id,
            location: refId(line.location) ?? null,
            quantityonhand: num(line.quantityOnHand),
            quantityavailable: num(line.quantityAvailable ?? line.quantityOnHand),
            // The location's own stamp: a commitment or an adjustment at one location moves one row.
            lastmodifieddate: new Date(typeof line.lastModifiedDate === 'string' ? line.lastModifiedDate : record.lastModifiedDate),
          };
          return { values, display: displayRefs(store, values) };
        }),
      ),
  },
};

function common(record: NsRecord): Record<string, Value> {
  return {
    id: record.id,
    externalid: record.externalId ?? null,
    createddate: new Date(record.createdDate),
    lastmodifieddate: new Date(record.lastModifiedDate),
  };
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;
}

function num(value: unknown): number | null {
  if (value === undefined || value === null || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

const REFERENCE_COLUMNS: Record<string, 'customer' | 'inventoryItem' | 'location' | 'transaction'> = {
  entity: 'customer',
  item: 'inventoryItem',
  location: 'location',
  createdfrom: 'transaction',
  transaction: 'transaction',
};

function displayRefs(store: RecordStore, values: Record<string, Value>): Record<string, string> {
  const display: Record<string, string> = {};
  for (const [column, target] of Object.entries(REFERENCE_COLUMNS)) {
    const id = values[column];
    if (typeof id !== 'string') continue;
    const record = target === 'transaction' ? store.getInFamily('transaction', id) : store.get(target, id);
    if (record) display[column] = refNameOf(record);
  }
  return display;
}
