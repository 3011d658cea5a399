import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsforce from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SalesforceSandbox } from './index.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_USERNAME, startSalesforceSandbox } from './index.ts';
import { signAssertion } from './testing/jwt.ts';

const VERSION = '62.0';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const JWT_APP = 'crossdock-jwt-app';

let sandbox: SalesforceSandbox;

/** sObject Collections name the code of a record error `statusCode` (jsforce's types say errorCode). */
function statusCodeOf(result: { errors: unknown[] } | undefined): string | undefined {
  return (result?.errors[0] as { statusCode?: string } | undefined)?.statusCode;
}

beforeAll(async () => {
  sandbox = await startSalesforceSandbox({
    connectedApps: [
      { clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET, clientCredentialsUser: DEFAULT_USERNAME },
      { clientId: JWT_APP, certificate: publicKey.export({ type: 'spki', format: 'pem' }).toString() },
    ],
  });
});

afterAll(async () => {
  await sandbox.close();
});

async function clientCredentialsConnection(): Promise<jsforce.Connection> {
  const conn = new jsforce.Connection({
    loginUrl: sandbox.url,
    version: VERSION,
    oauth2: { loginUrl: sandbox.url, clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET },
  });
  await conn.authorize({ grant_type: 'client_credentials' });
  return conn;
}

describe('jsforce against the Salesforce sandbox — auth', () => {
  it('logs in with the client credentials flow', async () => {
    const conn = await clientCredentialsConnection();
    expect(conn.instanceUrl).toBe(sandbox.url);
    expect(conn.accessToken).toMatch(/^00D[A-Za-z0-9]{12}!/);
    expect(conn.userInfo?.organizationId).toBe(sandbox.org.orgId);
    const identity = await conn.identity();
    expect(identity.username).toBe(DEFAULT_USERNAME);
  });

  it('refuses a wrong client secret with the OAuth error shape', async () => {
    const conn = new jsforce.Connection({ loginUrl: sandbox.url, version: VERSION, oauth2: { loginUrl: sandbox.url, clientId: DEFAULT_CLIENT_ID, clientSecret: 'wrong' } });
    await expect(conn.authorize({ grant_type: 'client_credentials' })).rejects.toMatchObject({ name: 'invalid_client', message: 'invalid client credentials' });
  });

  it('logs in with a JWT bearer assertion verified against the app key', async () => {
    const assertion = signAssertion({ privateKey, iss: JWT_APP, sub: DEFAULT_USERNAME, aud: sandbox.url, exp: Math.floor(Date.now() / 1000) + 180 });
    const conn = new jsforce.Connection({ loginUrl: sandbox.url, version: VERSION });
    await conn.authorize({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion });
    const result = await conn.query<{ Id: string }>('SELECT Id FROM Pricebook2 WHERE IsStandard = true');
    expect(result.totalSize).toBe(1);
  });

  it.each([
    ['a forged signature', () => signAssertion({ privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, iss: JWT_APP, sub: DEFAULT_USERNAME, aud: sandbox.url, exp: Math.floor(Date.now() / 1000) + 180 }), 'invalid assertion'],
    ['an expired assertion', () => signAssertion({ privateKey, iss: JWT_APP, sub: DEFAULT_USERNAME, aud: sandbox.url, exp: Math.floor(Date.now() / 1000) - 600 }), 'expired authorization code'],
    ['a wrong audience', () => signAssertion({ privateKey, iss: JWT_APP, sub: DEFAULT_USERNAME, aud: 'https://evil.example', exp: Math.floor(Date.now() / 1000) + 180 }), 'audience is invalid'],
    ['an unknown user', () => signAssertion({ privateKey, iss: JWT_APP, sub: 'nobody@example.com', aud: sandbox.url, exp: Math.floor(Date.now() / 1000) + 180 }), "user hasn't approved this consumer"],
  ])('refuses %s with invalid_grant', async (_case, makeAssertion, description) => {
    const conn = new jsforce.Connection({ loginUrl: sandbox.url, version: VERSION });
    await expect(conn.authorize({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: makeAssertion() })).rejects.toMatchObject({
      name: 'invalid_grant',
      message: description,
    });
  });

  const hasOpenssl = (() => {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!hasOpenssl)('verifies against an X.509 certificate, as a connected app is configured', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-cert-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=crossdock-test', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
      const certSandbox = await startSalesforceSandbox({ connectedApps: [{ clientId: 'cert-app', certificate: readFileSync(join(dir, 'cert.pem'), 'utf8') }] });
      try {
        const assertion = signAssertion({ privateKey: readFileSync(join(dir, 'key.pem'), 'utf8'), iss: 'cert-app', sub: DEFAULT_USERNAME, aud: certSandbox.url, exp: Math.floor(Date.now() / 1000) + 180 });
        const conn = new jsforce.Connection({ loginUrl: certSandbox.url, version: VERSION });
        const user = await conn.authorize({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion });
        expect(user.organizationId).toBe(certSandbox.org.orgId);
      } finally {
        await certSandbox.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('jsforce against the Salesforce sandbox — data', () => {
  it('creates, retrieves, updates and deletes a record', async () => {
    const conn = await clientCredentialsConnection();
    const account = conn.sobject('Account');
    const created = await account.create({ Name: 'Harbour Outfitters', BillingCity: 'Bristol' });
    expect(created).toMatchObject({ success: true, errors: [] });
    const id = (created as { id: string }).id;
    expect(await account.retrieve(id)).toMatchObject({ Id: id, Name: 'Harbour Outfitters', BillingCity: 'Bristol', attributes: { type: 'Account' } });
    await account.update({ Id: id, BillingCity: 'Bath' });
    expect((await account.retrieve(id)).BillingCity).toBe('Bath');
    await account.destroy(id);
    await expect(account.retrieve(id)).rejects.toMatchObject({ errorCode: 'ENTITY_IS_DELETED' });
    await expect(account.create({ Website: 'https://example.com' })).rejects.toMatchObject({ errorCode: 'REQUIRED_FIELD_MISSING', data: { fields: ['Name'] } });
  });

  it('upserts a collection by external id with per-record results (allOrNone false)', async () => {
    const conn = await clientCredentialsConnection();
    await conn.sobject('Account').create({ Name: 'Existing', External_Id__c: 'CUST-100' });
    const results = await conn.sobject('Account').upsert(
      [
        { Name: 'Existing renamed', External_Id__c: 'CUST-100' },
        { Name: 'New customer', External_Id__c: 'CUST-101' },
        { Name: 'Bad field', External_Id__c: 'CUST-102', Loyalty_Tier__c: 'Gold' },
        { Name: 'Bad picklist', External_Id__c: 'CUST-103', Type: 'Reseller' },
      ],
      'External_Id__c',
      { allOrNone: false },
    );
    expect(results.map((r) => r.success)).toEqual([true, true, false, false]);
    expect(results[0]).toMatchObject({ created: false });
    expect(results[1]).toMatchObject({ created: true });
    expect(results[2]?.errors[0]).toMatchObject({ statusCode: 'INVALID_FIELD' });
    expect(results[3]?.errors[0]).toMatchObject({ statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST' });
    const stored = await conn.query<{ Name: string }>("SELECT Name FROM Account WHERE External_Id__c IN ('CUST-100', 'CUST-101', 'CUST-102') ORDER BY Name");
    expect(stored.records.map((r) => r.Name)).toEqual(['Existing renamed', 'New customer']);
  });

  it('rolls a whole collection back with allOrNone true', async () => {
    const conn = await clientCredentialsConnection();
    const results = await conn.sobject('Product2').upsert(
      [
        { Name: 'Trail Jacket', External_Id__c: 'SKU-ROLLBACK-1' },
        { External_Id__c: 'SKU-ROLLBACK-2' },
      ],
      'External_Id__c',
      { allOrNone: true },
    );
    expect(statusCodeOf(results[0])).toBe('ALL_OR_NONE_OPERATION_ROLLED_BACK');
    expect(statusCodeOf(results[1])).toBe('REQUIRED_FIELD_MISSING');
    const count = await conn.query("SELECT COUNT() FROM Product2 WHERE External_Id__c LIKE 'SKU-ROLLBACK-%'");
    expect(count.totalSize).toBe(0);
  });

  it('refuses more than 200 records in one collection', async () => {
    const conn = await clientCredentialsConnection();
    const records = Array.from({ length: 201 }, (_, i) => ({ attributes: { type: 'Account' }, Name: `A${i}` }));
    await expect(conn.requestPost(`/services/data/v${VERSION}/composite/sobjects`, { allOrNone: false, records })).rejects.toMatchObject({ errorCode: 'EXCEEDED_ID_LIMIT' });
  });

  it('pages a query of more than 2,000 records with nextRecordsUrl (queryMore and autoFetch)', async () => {
    const conn = await clientCredentialsConnection();
    const products = Array.from({ length: 2_150 }, (_, i) => ({ Name: `Paged product ${i}`, ProductCode: `PAGED-${String(i).padStart(4, '0')}` }));
    const created = await conn.sobject('Product2').create(products, { allowRecursive: true });
    expect(created.every((r) => r.success)).toBe(true);
    const soql = "SELECT Id, ProductCode FROM Product2 WHERE ProductCode LIKE 'PAGED-%' ORDER BY ProductCode";
    // The wire body: relative nextRecordsUrl with the locator "<cursor id>-<offset>".
    const raw = await conn.requestGet<{ nextRecordsUrl: string; done: boolean }>(`/services/data/v${VERSION}/query?q=${encodeURIComponent(soql)}`);
    expect(raw.done).toBe(false);
    expect(raw.nextRecordsUrl).toMatch(new RegExp(`^/services/data/v${VERSION}/query/01g[A-Za-z0-9]{15}-2000$`));
    const first = await conn.query<{ ProductCode: string }>(soql);
    expect(first).toMatchObject({ totalSize: 2_150, done: false });
    expect(first.records).toHaveLength(2_000);
    const second = await conn.queryMore<{ ProductCode: string }>(first.nextRecordsUrl as string);
    expect(second).toMatchObject({ totalSize: 2_150, done: true });
    expect(second.records.map((r) => r.ProductCode)).toEqual(Array.from({ length: 150 }, (_, i) => `PAGED-${String(2_000 + i)}`));
    const all = await conn.query<{ ProductCode: string }>(soql).run({ autoFetch: true, maxFetch: 10_000 });
    expect(all.records).toHaveLength(2_150);
  });

  it('answers a malformed query with MALFORMED_QUERY naming the problem', async () => {
    const conn = await clientCredentialsConnection();
    await expect(conn.query('SELECT Id FROM Account WHERE Name =')).rejects.toMatchObject({ errorCode: 'MALFORMED_QUERY', message: expect.stringContaining("unexpected token: '<EOF>'") });
  });

  it('runs a composite request with referenceId chaining, as one API call', async () => {
    const conn = await clientCredentialsConnection();
    await conn.limits();
    const before = conn.limitInfo.apiUsage?.used ?? Number.NaN;
    const base = `/services/data/v${VERSION}`;
    const response = await conn.requestPost<{ compositeResponse: { httpStatusCode: number; referenceId: string; body: unknown }[] }>(`${base}/composite`, {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: `${base}/sobjects/Account`, referenceId: 'customer', body: { Name: 'Composite Customer' } },
        { method: 'POST', url: `${base}/sobjects/Product2`, referenceId: 'product', body: { Name: 'Composite Boots', IsActive: true } },
        { method: 'POST', url: `${base}/sobjects/PricebookEntry`, referenceId: 'price', body: { Pricebook2Id: sandbox.org.standardPricebookId, Product2Id: '@{product.id}', UnitPrice: 90, IsActive: true } },
        { method: 'POST', url: `${base}/sobjects/Order`, referenceId: 'order', body: { AccountId: '@{customer.id}', EffectiveDate: '2026-11-23', Status: 'Draft', Pricebook2Id: sandbox.org.standardPricebookId, External_Id__c: 'WEB-1001' } },
        { method: 'POST', url: `${base}/sobjects/OrderItem`, referenceId: 'line1', body: { OrderId: '@{order.id}', PricebookEntryId: '@{price.id}', Quantity: 2, UnitPrice: 90 } },
        { method: 'GET', url: `${base}/sobjects/Order/@{order.id}?fields=TotalAmount,Status`, referenceId: 'readBack' },
      ],
    });
    expect(response.compositeResponse.map((r) => r.httpStatusCode)).toEqual([201, 201, 201, 201, 201, 200]);
    expect(response.compositeResponse[5]?.body).toMatchObject({ TotalAmount: 180, Status: 'Draft' });
    expect(conn.limitInfo.apiUsage?.used).toBe(before + 1);
  });

  it('rolls a failed allOrNone composite back and halts the other subrequests', async () => {
    const conn = await clientCredentialsConnection();
    const base = `/services/data/v${VERSION}`;
    const response = await conn.requestPost<{ compositeResponse: { httpStatusCode: number; body: { errorCode: string }[] }[] }>(`${base}/composite`, {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: `${base}/sobjects/Account`, referenceId: 'customer', body: { Name: 'Never Committed' } },
        { method: 'POST', url: `${base}/sobjects/Order`, referenceId: 'order', body: { AccountId: '@{customer.id}', Status: 'Draft' } },
        { method: 'POST', url: `${base}/sobjects/Case`, referenceId: 'case', body: { Subject: 'x' } },
      ],
    });
    expect(response.compositeResponse.map((r) => r.httpStatusCode)).toEqual([400, 400, 400]);
    expect(response.compositeResponse.map((r) => r.body[0]?.errorCode)).toEqual(['PROCESSING_HALTED', 'REQUIRED_FIELD_MISSING', 'PROCESSING_HALTED']);
    const left = await conn.query("SELECT COUNT() FROM Account WHERE Name = 'Never Committed'");
    expect(left.totalSize).toBe(0);
  });

  it('describes objects with their external id fields', async () => {
    const conn = await clientCredentialsConnection();
    const global = await conn.describeGlobal();
    expect(global.sobjects.map((s) => s.name)).toEqual(expect.arrayContaining(['Account', 'Order', 'OrderItem', 'Shipment__c', 'Inventory_Level__c', 'Return__c']));
    const shipment = await conn.sobject('Shipment__c').describe();
    expect(shipment.keyPrefix).toBe('a0S');
    expect(shipment.fields.find((f) => f.name === 'External_Id__c')).toMatchObject({ externalId: true, unique: true, nillable: true, createable: true, updateable: true });
  });

  it('reports the daily allocation in /limits and Sforce-Limit-Info', async () => {
    const conn = await clientCredentialsConnection();
    const limits = await conn.limits();
    expect(limits.DailyApiRequests?.Max).toBe(120_000); // Enterprise: 100,000 + 20 licenses x 1,000
    expect(limits.DailyApiRequests?.Remaining).toBe(120_000 - sandbox.org.apiUsage.used);
    expect(conn.limitInfo.apiUsage).toEqual({ used: sandbox.org.apiUsage.used, limit: 120_000 });
  });
});
