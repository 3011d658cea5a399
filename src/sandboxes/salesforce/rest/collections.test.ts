import { describe, expect, it } from 'vitest';
import { checksumSuffix } from '../ids.ts';
import { restClient } from '../testing/calls.ts';

const BASE = '/services/data/v62.0';

describe('sObject Collections', () => {
  it('updates records by id with per-record results naming the record', () => {
    const { call } = restClient();
    const a = (call('POST', `${BASE}/sobjects/Account`, { Name: 'A' }).body as { id: string }).id;
    const result = call('PATCH', `${BASE}/composite/sobjects`, {
      allOrNone: false,
      records: [
        { attributes: { type: 'Account' }, id: a, Phone: '555-0101' },
        { attributes: { type: 'Account' }, id: a, Name: null },
        { attributes: { type: 'Account' }, Phone: 'no id' },
      ],
    });
    expect(result.body).toEqual([
      { id: a, success: true, errors: [] },
      { id: a, success: false, errors: [expect.objectContaining({ statusCode: 'REQUIRED_FIELD_MISSING', fields: ['Name'] })] },
      { success: false, errors: [expect.objectContaining({ statusCode: 'MISSING_ARGUMENT' })] },
    ]);
  });

  it('answers an update of a gone, unknown or malformed Id, or of a taken external id, with the DML codes', () => {
    const { call } = restClient();
    const create = (body: Record<string, unknown>) => (call('POST', `${BASE}/sobjects/Account`, body).body as { id: string }).id;
    const kept = create({ Name: 'Kept' });
    const taken = create({ Name: 'Taken', External_Id__c: 'CUST-1' });
    const gone = create({ Name: 'Gone' });
    call('DELETE', `${BASE}/sobjects/Account/${gone}`);
    const id15 = `${kept.slice(0, 14)}${kept[14] === 'Z' ? 'Y' : 'Z'}`;
    const unknown = id15 + checksumSuffix(id15);
    const account = (id: string, fields: Record<string, unknown>) => ({ attributes: { type: 'Account' }, Id: id, ...fields });
    const result = call('PATCH', `${BASE}/composite/sobjects`, {
      allOrNone: false,
      records: [account(gone, { Phone: '1' }), account(unknown, { Phone: '2' }), account('001nope', { Phone: '3' }), account(kept, { External_Id__c: 'cust-1' }), account(kept, { External_Id__c: 'CUST-2' })],
    });
    expect(result.body).toEqual([
      { id: gone, success: false, errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }] },
      { id: unknown, success: false, errors: [{ statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: [] }] },
      { id: '001nope', success: false, errors: [expect.objectContaining({ statusCode: 'MALFORMED_ID' })] },
      { id: kept, success: false, errors: [expect.objectContaining({ statusCode: 'DUPLICATE_VALUE', message: expect.stringContaining(taken) })] },
      { id: kept, success: true, errors: [] },
    ]);
    expect(call('GET', `${BASE}/sobjects/Account/${kept}`).body).toMatchObject({ External_Id__c: 'CUST-2' });
  });

  it('refuses a record without attributes.type and duplicate external ids in one upsert', () => {
    const { call } = restClient();
    const created = call('POST', `${BASE}/composite/sobjects`, { records: [{ Name: 'no type' }] });
    expect(created.body).toEqual([{ success: false, errors: [{ statusCode: 'INVALID_TYPE', message: 'Must send a concrete entity type.', fields: [] }] }]);
    const upserted = call('PATCH', `${BASE}/composite/sobjects/Account/External_Id__c`, {
      records: [
        { attributes: { type: 'Account' }, Name: 'A', External_Id__c: 'DUP' },
        { attributes: { type: 'Account' }, Name: 'B', External_Id__c: 'dup' },
        { attributes: { type: 'Account' }, Name: 'C', External_Id__c: 'UNIQUE' },
      ],
    });
    const results = upserted.body as { success: boolean; errors: { statusCode: string }[] }[];
    expect(results.map((r) => r.success)).toEqual([false, false, true]);
    expect(results[0]?.errors[0]?.statusCode).toBe('DUPLICATE_EXTERNAL_ID');
  });

  it('deletes and retrieves by ids', () => {
    const { call } = restClient();
    const ids = ['A', 'B', 'C'].map((Name) => (call('POST', `${BASE}/sobjects/Account`, { Name }).body as { id: string }).id);
    const retrieved = call('GET', `${BASE}/composite/sobjects/Account?ids=${ids.join(',')}&fields=Id,Name`);
    expect((retrieved.body as { Name: string }[]).map((r) => r.Name)).toEqual(['A', 'B', 'C']);
    const deleted = call('DELETE', `${BASE}/composite/sobjects?ids=${ids[0]},${ids[1]}&allOrNone=false`);
    expect(deleted.body).toEqual([
      { id: ids[0], success: true, errors: [] },
      { id: ids[1], success: true, errors: [] },
    ]);
    const after = call('POST', `${BASE}/composite/sobjects/Account`, { ids, fields: ['Name'] });
    expect(after.body).toEqual([null, null, expect.objectContaining({ Name: 'C' })]);
  });

  it('answers single-record upsert by Id and the 204 of older API versions', () => {
    const { call } = restClient();
    const created = call('PATCH', `${BASE}/sobjects/Account/External_Id__c/CUST-9`, { Name: 'First' });
    expect(created).toMatchObject({ status: 201, body: { success: true, created: true } });
    const old = call('PATCH', '/services/data/v45.0/sobjects/Account/External_Id__c/CUST-9', { Name: 'Second' });
    expect(old.status).toBe(204);
    const mismatch = call('PATCH', `${BASE}/sobjects/Account/External_Id__c/CUST-9`, { Name: 'Third', External_Id__c: 'OTHER' });
    expect(mismatch.body).toEqual([expect.objectContaining({ errorCode: 'INVALID_FIELD' })]);
  });
});

describe('Recycle Bin', () => {
  it('keeps deleted records for queryAll and getDeleted, and answers ENTITY_IS_DELETED', () => {
    let now = Date.parse('2026-11-23T09:00:00Z');
    const { call } = restClient({ clock: () => now });
    const kept = (call('POST', `${BASE}/sobjects/Account`, { Name: 'Kept' }).body as { id: string }).id;
    const gone = (call('POST', `${BASE}/sobjects/Account`, { Name: 'Gone', External_Id__c: 'CUST-GONE' }).body as { id: string }).id;
    now += 5 * 60_000;
    expect(call('DELETE', `${BASE}/sobjects/Account/${gone}`).status).toBe(204);
    now += 5 * 60_000;
    const soql = encodeURIComponent('SELECT Id, IsDeleted FROM Account ORDER BY Name');
    expect((call('GET', `${BASE}/query?q=${soql}`).body as { totalSize: number }).totalSize).toBe(1);
    expect((call('GET', `${BASE}/queryAll?q=${soql}`).body as { records: unknown[] }).records).toEqual([
      expect.objectContaining({ Id: gone, IsDeleted: true }),
      expect.objectContaining({ Id: kept, IsDeleted: false }),
    ]);
    expect(call('GET', `${BASE}/sobjects/Account/${gone}`)).toMatchObject({ status: 404, body: [{ errorCode: 'ENTITY_IS_DELETED' }] });
    const window = 'start=2026-11-23T08:00:00Z&end=2026-11-23T10:00:00Z';
    expect(call('GET', `${BASE}/sobjects/Account/deleted?${window}`).body).toMatchObject({
      deletedRecords: [{ id: gone, deletedDate: '2026-11-23T09:05:00.000+0000' }],
      latestDateCovered: '2026-11-23T09:10:00.000+0000',
    });
    expect(call('GET', `${BASE}/sobjects/Account/updated?${window}`).body).toMatchObject({ ids: [kept] });
    // The external id is free again once the record is deleted.
    expect(call('POST', `${BASE}/sobjects/Account`, { Name: 'Back', External_Id__c: 'CUST-GONE' }).status).toBe(201);
  });
});
