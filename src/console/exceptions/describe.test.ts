import { describe, expect, it } from 'vitest';
import { describeDeadLetter } from './describe.ts';

const error = { type: 'PermanentError', message: 'Required fields are missing: [Name]', retryable: false };

describe('describeDeadLetter', () => {
  it('speaks business: entity, business key, what could not be done, where, and why', () => {
    expect(
      describeDeadLetter({ kind: 'delivery', target: 'erp', key: 'SO-1001', context: { entity: 'order', businessKey: 'SO-1001', operation: 'bookOrder' }, error: { ...error, code: 'REQUIRED_FIELD_MISSING', field: 'Name', system: 'netsuite' } }),
    ).toBe('Order SO-1001 could not be booked in NetSuite: REQUIRED_FIELD_MISSING (Name)');
  });

  it('uses the operation of the delivery item when the context lacks it, and the target role without a system', () => {
    expect(describeDeadLetter({ kind: 'delivery', target: 'commerce', key: 'SKU-1@DC-1', context: { entity: 'inventoryLevel' }, error: { ...error, code: 'INVALID' } }, 'setInventoryLevel')).toBe(
      'Inventory level SKU-1@DC-1 could not be updated in the storefront: INVALID',
    );
  });

  it('falls back to the failure type and "delivered to" when nothing more is known', () => {
    expect(describeDeadLetter({ kind: 'delivery', target: 'wms', key: 'K-1', context: {}, error })).toBe('Item K-1 could not be delivered to the warehouse system: PermanentError');
  });

  it('describes a stuck flow', () => {
    expect(describeDeadLetter({ kind: 'flow', target: 'returns', key: 'RMA-77', context: { entity: 'return' }, error: { ...error, code: 'CREDIT_MEMO_REFUSED' } })).toBe(
      'Return RMA-77 is stuck in flow returns: CREDIT_MEMO_REFUSED',
    );
  });
});
