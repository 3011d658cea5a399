import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SalesforceSandbox } from './index.ts';
import { startSalesforceSandbox } from './index.ts';

let sandbox: SalesforceSandbox;
let auth: Record<string, string>;

beforeAll(async () => {
  sandbox = await startSalesforceSandbox();
  auth = { authorization: `Bearer ${sandbox.createSession()}` };
});

afterAll(async () => {
  await sandbox.close();
});

async function call(method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${sandbox.url}${path}`, { method, headers: { ...auth, ...init.headers }, ...(init.body !== undefined ? { body: init.body } : {}) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
}

describe('HTTP surface — error shapes', () => {
  it('answers 401 INVALID_SESSION_ID without a token', async () => {
    const response = await call('GET', '/services/data/v62.0/limits', { headers: { authorization: '' } });
    expect(response.status).toBe(401);
    expect(response.body).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
  });

  it('answers 404 NOT_FOUND for an unsupported version, an unknown object and an unknown record', async () => {
    expect((await call('GET', '/services/data/v20.0/limits')).status).toBe(404);
    const unknownObject = await call('GET', '/services/data/v62.0/sobjects/Warehouse__c/describe');
    expect(unknownObject).toMatchObject({ status: 404, body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }] });
    expect((await call('GET', '/services/data/v62.0/sobjects/Account/001000000000000AAA')).status).toBe(404);
  });

  it('answers malformed JSON with 400 JSON_PARSER_ERROR in the Salesforce array shape', async () => {
    const response = await call('POST', '/services/data/v62.0/sobjects/Account', { body: '{"Name": ', headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(400);
    expect(response.body).toEqual([expect.objectContaining({ errorCode: 'JSON_PARSER_ERROR' })]);
  });

  it('answers a malformed query with 400 MALFORMED_QUERY and the usage header', async () => {
    const response = await call('GET', `/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id FROM Account WHERE Name = ')}`);
    expect(response.status).toBe(400);
    expect(response.body).toEqual([expect.objectContaining({ errorCode: 'MALFORMED_QUERY' })]);
    expect(response.headers.get('sforce-limit-info')).toMatch(/^api-usage=\d+\/120000$/);
  });

  it('honours Sforce-Query-Options batchSize within 200..2000 and refuses an unknown locator', async () => {
    const records = Array.from({ length: 200 }, (_, i) => ({ attributes: { type: 'Case' }, Subject: `Case ${i}` }));
    await call('POST', '/services/data/v62.0/composite/sobjects', { body: JSON.stringify({ records }), headers: { 'content-type': 'application/json' } });
    await call('POST', '/services/data/v62.0/composite/sobjects', { body: JSON.stringify({ records }), headers: { 'content-type': 'application/json' } });
    const page = await call('GET', `/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id FROM Case')}`, { headers: { 'sforce-query-options': 'batchSize=50' } });
    expect(page.body).toMatchObject({ totalSize: 400, done: false });
    expect((page.body as { records: unknown[] }).records).toHaveLength(200); // 50 is raised to the 200 minimum
    const bad = await call('GET', '/services/data/v62.0/query/01g5g0000000000AAA-200');
    expect(bad).toMatchObject({ status: 400, body: [{ errorCode: 'INVALID_QUERY_LOCATOR' }] });
  });

  it('lists the resources of a version', async () => {
    const response = await call('GET', '/services/data/v62.0/');
    expect(response.body).toMatchObject({ sobjects: '/services/data/v62.0/sobjects', query: '/services/data/v62.0/query', limits: '/services/data/v62.0/limits' });
  });
});
