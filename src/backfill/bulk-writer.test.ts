import { describe, expect, it } from 'vitest';
import { offersBulkLoad, parseBulkError } from './bulk-writer.ts';

describe('bulk path', () => {
  it('reads the code, message and field of a refused Bulk API row', () => {
    expect(parseBulkError('STRING_TOO_LONG:First Name: data value too large: (max length=40):FirstName --')).toEqual({
      reason: 'STRING_TOO_LONG: First Name: data value too large: (max length=40)', code: 'STRING_TOO_LONG', field: 'FirstName',
    });
    expect(parseBulkError('REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName,FirstName --')).toMatchObject({ code: 'REQUIRED_FIELD_MISSING', field: 'LastName' });
    expect(parseBulkError('something else')).toEqual({ reason: 'something else' });
  });

  it('is used for single-object upserts of a connector that offers bulkLoad', () => {
    const bulk = { bulkLoad: async () => ({ created: 0, updated: 0, failed: [] }) };
    expect(offersBulkLoad(bulk, 'upsertCustomer')).toBe(true);
    expect(offersBulkLoad(bulk, 'projectOrder')).toBe(false);
    expect(offersBulkLoad({}, 'upsertCustomer')).toBe(false);
  });

  it('keeps to the operations a target says it bulk-loads (Salesforce prices go through the delivery path)', () => {
    const bulk = { bulkLoad: async () => ({ created: 0, updated: 0, failed: [] }), bulkOperations: ['upsertCustomer', 'upsertProduct'] };
    expect(offersBulkLoad(bulk, 'upsertProduct')).toBe(true);
    expect(offersBulkLoad(bulk, 'upsertPrice')).toBe(false);
  });
});
