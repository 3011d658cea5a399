import { invalidFieldValue, missingRequiredField, userError } from '../../errors.ts';
import { numberField, refId, selectValue, setSublist, sublistLines, textField } from '../fields.ts';
import type { Fields } from '../store.ts';
import { requireReference } from './references.ts';
import { adjustStock, quantityOnHand, stockLine } from './stock.ts';
import type { RecordRules } from './types.ts';

export const locationRules: RecordRules = {
  prepare(draft) {
    if (!textField(draft.name)) throw missingRequiredField({ label: 'Name', path: 'name' });
    return { isInactive: false, ...draft };
  },
};

/** Credit hold override values of the customer record (Financial subtab). */
const CREDIT_HOLD_OVERRIDES = ['AUTO', 'ON', 'OFF'];

export const customerRules: RecordRules = {
  prepare(draft) {
    const isPerson = draft.isPerson === true;
    if (isPerson ? !textField(draft.lastName) : !textField(draft.companyName)) {
      throw missingRequiredField(isPerson ? { label: 'Last Name', path: 'lastName' } : { label: 'Company Name', path: 'companyName' });
    }
    const prepared: Fields = { isInactive: false, ...draft };
    if (draft.creditLimit !== undefined && draft.creditLimit !== null) {
      prepared.creditLimit = numberField(draft.creditLimit, { path: 'creditLimit', label: 'Credit Limit' });
    }
    const hold = selectValue(draft.creditHoldOverride) ?? 'AUTO';
    if (!CREDIT_HOLD_OVERRIDES.includes(hold.toUpperCase())) {
      throw invalidFieldValue({ field: 'creditHoldOverride', path: 'creditHoldOverride', value: hold });
    }
    prepared.creditHoldOverride = { id: hold.toUpperCase() };
    prepared.entityId ??= textField(draft.companyName) ?? [draft.firstName, draft.lastName].filter(Boolean).join(' ');
    return prepared;
  },
};

/**
 * Inventory items. On-hand quantities per location may be given on create to seed stock (in a real
 * account they come from inventory adjustments and receipts); later changes go through transactions.
 * Committed and back-ordered quantities are the sales orders' doing (read-only here): an edit of
 * the item keeps them, and available stays on hand − committed.
 */
export const inventoryItemRules: RecordRules = {
  prepare(draft, { store, previous }) {
    if (!textField(draft.itemId)) throw missingRequiredField({ label: 'Item Name/Number', path: 'itemId' });
    const prepared: Fields = { isInactive: false, ...draft };
    if (draft.basePrice !== undefined) prepared.basePrice = numberField(draft.basePrice, { path: 'basePrice', label: 'Base Price' });
    const before = previous ? sublistLines(previous.fields, 'locations') : [];
    const seeded = sublistLines(draft, 'locations').map((line, index) => {
      const path = `locations.items[${index}]`;
      const location = requireReference({ store, fields: line, field: 'location', type: 'location', path: `${path}.location`, label: 'Location' });
      const onHand = numberField(line.quantityOnHand, { path: `${path}.quantityOnHand`, label: 'On Hand', fallback: 0 });
      const old = before.find((candidate) => refId(candidate.location) === location.id);
      const committed = Number(old?.quantityCommitted ?? 0);
      const unchanged = old !== undefined && Number(old.quantityOnHand ?? 0) === onHand && typeof old.lastModifiedDate === 'string';
      const stamp = unchanged ? (old.lastModifiedDate as string) : store.now();
      return { ...line, ...stockLine({ locationId: location.id, onHand, committed, backOrdered: Number(old?.quantityBackOrdered ?? 0), stamp }) };
    });
    setSublist(prepared, 'locations', seeded);
    return prepared;
  },
};

/** Inventory adjustment: `inventory` lines of item, location and adjustQtyBy (positive or negative). */
export const inventoryAdjustmentRules: RecordRules = {
  prepare(draft, { store }) {
    const lines = sublistLines(draft, 'inventory');
    if (lines.length === 0) throw userError('You must enter at least one line item for this transaction.', 'inventory');
    const prepared = lines.map((line, index) => {
      const path = `inventory.items[${index}]`;
      const item = requireReference({ store, fields: line, field: 'item', type: 'inventoryItem', path: `${path}.item`, label: 'Item' });
      const locationField = line.location ?? draft.adjLocation;
      const location = requireReference({
        store,
        fields: { location: locationField },
        field: 'location',
        type: 'location',
        path: `${path}.location`,
        label: 'Location',
      });
      const delta = numberField(line.adjustQtyBy, { path: `${path}.adjustQtyBy`, label: 'Adjust Qty. By' });
      if (quantityOnHand(item, location.id) + delta < 0) {
        throw userError(`The adjustment would leave item ${String(item.fields.itemId)} below zero at location ${String(location.fields.name)}.`, `${path}.adjustQtyBy`);
      }
      return { ...line, item: { id: item.id }, location: { id: location.id }, adjustQtyBy: delta, line: index + 1 };
    });
    const result: Fields = { ...draft };
    setSublist(result, 'inventory', prepared);
    return result;
  },
  apply(record, store) {
    for (const line of sublistLines(record.fields, 'inventory')) {
      adjustStock(store, { itemId: refId(line.item) ?? '', locationId: refId(line.location) ?? '', delta: Number(line.adjustQtyBy) });
    }
  },
  reverse(record, store) {
    for (const line of sublistLines(record.fields, 'inventory')) {
      adjustStock(store, { itemId: refId(line.item) ?? '', locationId: refId(line.location) ?? '', delta: -Number(line.adjustQtyBy) });
    }
  },
};
