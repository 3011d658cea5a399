import { describe, expect, it } from 'vitest';
import { restClient } from '../testing/calls.ts';

const BASE = '/services/data/v62.0';

interface CompositeBody {
  compositeResponse: { httpStatusCode: number; referenceId: string; body: unknown }[];
}

describe('Composite', () => {
  it('halts only the dependants of a failed subrequest when allOrNone is false', () => {
    const { call } = restClient();
    const result = call('POST', `${BASE}/composite`, {
      allOrNone: false,
      compositeRequest: [
        { method: 'POST', url: `${BASE}/sobjects/Account`, referenceId: 'bad', body: { Website: 'no name' } },
        { method: 'POST', url: `${BASE}/sobjects/Contact`, referenceId: 'dependant', body: { LastName: 'Lee', AccountId: '@{bad.id}' } },
        { method: 'POST', url: `${BASE}/sobjects/Account`, referenceId: 'independent', body: { Name: 'Fine' } },
      ],
    });
    const body = result.body as CompositeBody;
    expect(body.compositeResponse.map((r) => r.httpStatusCode)).toEqual([400, 400, 201]);
    expect(body.compositeResponse[1]?.body).toEqual([
      expect.objectContaining({ errorCode: 'PROCESSING_HALTED', message: expect.stringContaining('No value for bad.id found in bad') }),
    ]);
    const count = call('GET', `${BASE}/query?q=${encodeURIComponent('SELECT COUNT() FROM Account')}`);
    expect(count.body).toMatchObject({ totalSize: 1 });
  });

  it('resolves references into nested query results and forces allOrNone onto collections', () => {
    const { call } = restClient();
    call('POST', `${BASE}/sobjects/Account`, { Name: 'Harbour Outfitters', External_Id__c: 'CUST-1' });
    const result = call('POST', `${BASE}/composite`, {
      allOrNone: true,
      compositeRequest: [
        { method: 'GET', url: `${BASE}/query?q=${encodeURIComponent("SELECT Id FROM Account WHERE External_Id__c = 'CUST-1'")}`, referenceId: 'found' },
        {
          method: 'POST',
          url: `${BASE}/composite/sobjects`,
          referenceId: 'contacts',
          body: {
            allOrNone: false,
            records: [
              { attributes: { type: 'Contact' }, LastName: 'Lee', AccountId: '@{found.records[0].Id}' },
              { attributes: { type: 'Contact' }, FirstName: 'No last name' },
            ],
          },
        },
      ],
    });
    const body = result.body as CompositeBody;
    // The collection itself answers 200 with per-record results; allOrNone of the composite made it atomic.
    expect(body.compositeResponse[1]?.httpStatusCode).toBe(200);
    expect(body.compositeResponse[1]?.body).toEqual([
      { success: false, errors: [expect.objectContaining({ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK' })] },
      { success: false, errors: [expect.objectContaining({ statusCode: 'REQUIRED_FIELD_MISSING' })] },
    ]);
    expect(call('GET', `${BASE}/query?q=${encodeURIComponent('SELECT COUNT() FROM Contact')}`).body).toMatchObject({ totalSize: 0 });
  });

  it('refuses more than 25 subrequests, more than 5 queries, and missing reference ids', () => {
    const { call } = restClient();
    const many = Array.from({ length: 26 }, (_, i) => ({ method: 'GET', url: `${BASE}/limits`, referenceId: `r${i}` }));
    const tooMany = call('POST', `${BASE}/composite`, { compositeRequest: many });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toEqual([expect.objectContaining({ errorCode: 'LIMIT_EXCEEDED', message: expect.stringContaining('at most 25 subrequests') })]);
    const queries = Array.from({ length: 6 }, (_, i) => ({ method: 'GET', url: `${BASE}/query?q=SELECT+Id+FROM+Account`, referenceId: `q${i}` }));
    expect(call('POST', `${BASE}/composite`, { compositeRequest: queries }).body).toEqual([expect.objectContaining({ message: expect.stringContaining('at most 5 query') })]);
    const noRef = call('POST', `${BASE}/composite`, { compositeRequest: [{ method: 'GET', url: `${BASE}/limits` }] });
    expect(noRef.body).toEqual([{ errorCode: 'JSON_PARSER_ERROR', message: "'referenceId' is a required field." }]);
  });

  it('refuses a subrequest URL outside the REST API', () => {
    const { call } = restClient();
    const result = call('POST', `${BASE}/composite`, { compositeRequest: [{ method: 'GET', url: '/services/oauth2/token', referenceId: 'token' }] });
    expect((result.body as CompositeBody).compositeResponse[0]).toMatchObject({ httpStatusCode: 400, body: [expect.objectContaining({ errorCode: 'INVALID_URL' })] });
  });
});
