import { constants, generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_TBA_CREDENTIALS, startNetSuiteSandbox } from './index.ts';
import type { RunningNetSuiteSandbox } from './index.ts';
import { TOKEN_PATH } from './auth/oauth2.ts';
import { tbaClient } from './sandbox-client.ts';

const NO_LATENCY = {
  recordWrite: { p50Ms: 0, p99Ms: 0 },
  recordRead: { p50Ms: 0, p99Ms: 0 },
  query: { p50Ms: 0, p99Ms: 0 },
};
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

let sandbox: RunningNetSuiteSandbox;
let call: ReturnType<typeof tbaClient>;

beforeAll(async () => {
  sandbox = await startNetSuiteSandbox({
    accountId: '1234567_SB1',
    latency: NO_LATENCY,
    oauth2: {
      mappings: [{ clientId: 'crossdock-client', certificateId: 'cert-1', publicKeyPem: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString() }],
    },
  });
  call = tbaClient({ baseUrl: sandbox.url, credentials: { accountId: sandbox.accountId, ...SANDBOX_TBA_CREDENTIALS } });
});

afterAll(async () => {
  await sandbox.close();
});

const record = (path: string) => `/services/rest/record/v1/${path}`;
const suiteql = (q: string, paging = '') =>
  call('POST', `/services/rest/query/v1/suiteql${paging}`, { body: { q }, headers: { Prefer: 'transient' } });

describe('authentication', () => {
  it('serves a TBA-signed request and renders references and links', async () => {
    const response = await call('GET', record('customer/eid:CUST-B2B-001'));
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ companyName: 'Northwind Retail Partners', externalId: 'CUST-B2B-001', creditLimit: 5000, creditHoldOverride: { id: 'AUTO' } });
    expect(body.links).toEqual([{ rel: 'self', href: `${sandbox.url}/services/rest/record/v1/customer/${String(body.id)}` }]);
    expect(body.lastModifiedDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  it('answers a tampered signature and a replayed nonce with 401 INVALID_LOGIN in the NetSuite shape', async () => {
    const first = await call('GET', record('location/1'), { nonce: 'fixed-nonce-1' });
    expect(first.status).toBe(200);
    const replay = await call('GET', record('location/1'), { nonce: 'fixed-nonce-1' });
    expect(replay.status).toBe(401);
    expect(await replay.json()).toEqual({
      type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.2',
      title: 'Unauthorized',
      status: 401,
      'o:errorDetails': [{ detail: expect.stringContaining('Invalid login attempt.') as unknown, 'o:errorCode': 'INVALID_LOGIN' }],
    });
    const wrongSecret = tbaClient({ baseUrl: sandbox.url, credentials: { accountId: sandbox.accountId, ...SANDBOX_TBA_CREDENTIALS, tokenSecret: 'guess' } });
    expect((await wrongSecret('GET', record('location/1'))).status).toBe(401);
    expect((await fetch(`${sandbox.url}${record('location/1')}`)).status).toBe(401);
  });

  it('issues an OAuth 2.0 M2M token for a JWT assertion signed with the certificate key and accepts it as Bearer', async () => {
    const now = Math.floor(Date.now() / 1000);
    const header = Buffer.from(JSON.stringify({ typ: 'JWT', alg: 'PS256', kid: 'cert-1' })).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({ iss: 'crossdock-client', scope: ['rest_webservices'], aud: `${sandbox.url}${TOKEN_PATH}`, iat: now, exp: now + 600 }),
    ).toString('base64url');
    const signature = sign('sha256', Buffer.from(`${header}.${payload}`), {
      key: rsa.privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
    }).toString('base64url');
    const tokenResponse = await fetch(`${sandbox.url}${TOKEN_PATH}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: `${header}.${payload}.${signature}`,
      }),
    });
    expect(tokenResponse.status).toBe(200);
    const token = (await tokenResponse.json()) as { access_token: string; expires_in: string; token_type: string };
    expect(token).toMatchObject({ token_type: 'Bearer', expires_in: '3600' });
    const ok = await fetch(`${sandbox.url}${record('location/1')}`, { headers: { Authorization: `Bearer ${token.access_token}` } });
    expect(ok.status).toBe(200);
    const refused = await fetch(`${sandbox.url}${record('location/1')}`, { headers: { Authorization: 'Bearer not-a-token' } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });
});

describe('record API', () => {
  it('creates with 204 + Location, reads it back and deduplicates retried creates by idempotency key', async () => {
    const headers = { 'X-NetSuite-Idempotency-Key': 'create-customer-42' };
    const first = await call('POST', record('customer'), { body: { companyName: 'Initech' }, headers });
    expect(first.status).toBe(204);
    const location = first.headers.get('location') ?? '';
    expect(location).toMatch(new RegExp(`^${sandbox.url}/services/rest/record/v1/customer/\\d+$`));
    const retry = await call('POST', record('customer'), { body: { companyName: 'Initech' }, headers });
    expect(retry.headers.get('location')).toBe(location);
    const read = await call('GET', location.slice(sandbox.url.length));
    expect(await read.json()).toMatchObject({ companyName: 'Initech' });
  });

  it('upserts by eid twice into one record', async () => {
    const first = await call('PUT', record('customer/eid:SF-0001'), { body: { companyName: 'Globex' } });
    const second = await call('PUT', record('customer/eid:SF-0001'), { body: { companyName: 'Globex Corporation' } });
    expect([first.status, second.status]).toEqual([204, 204]);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    const rows = await (await suiteql("SELECT id, companyname FROM customer WHERE externalid = 'SF-0001'")).json();
    expect(rows).toMatchObject({ count: 1, items: [{ companyname: 'Globex Corporation' }] });
  });

  it('sets an external id by PATCH on the internal id, and refuses one another record holds', async () => {
    const created = await call('POST', record('customer'), { body: { companyName: 'Native Customer Inc' } });
    const location = created.headers.get('location') ?? '';
    const id = location.split('/').pop() ?? '';
    const patched = await call('PATCH', record(`customer/${id}`), { body: { companyName: 'Native Customer Ltd', externalId: 'HUB-NATIVE-1' } });
    expect(patched.status).toBe(204);
    expect(patched.headers.get('location')).toBe(location);
    expect(await (await call('GET', record('customer/eid:HUB-NATIVE-1'))).json()).toMatchObject({ id, companyName: 'Native Customer Ltd', externalId: 'HUB-NATIVE-1' });

    const taken = await call('PATCH', record(`customer/${id}`), { body: { externalId: 'CUST-B2B-001' } });
    expect(taken.status).toBe(400);
    expect(await taken.json()).toMatchObject({ 'o:errorDetails': [{ 'o:errorCode': 'USER_ERROR', 'o:errorPath': 'externalId', detail: expect.stringMatching(/external ID CUST-B2B-001 already exists/) as unknown }] });
    expect(await (await call('GET', record(`customer/${id}`))).json()).toMatchObject({ externalId: 'HUB-NATIVE-1' });
    expect((await call('PATCH', record('customer/999999'), { body: { companyName: 'Gone' } })).status).toBe(404);
  });

  it('lists records of a type with paging', async () => {
    const page = (await (await call('GET', record('location?limit=1'))).json()) as { count: number; hasMore: boolean; totalResults: number; items: { id: string; links: unknown[] }[] };
    expect(page).toMatchObject({ count: 1, hasMore: true, totalResults: 2 });
    expect(page.items[0]?.links).toHaveLength(1);
  });

  it('answers 404 NONEXISTENT_ID for a missing record', async () => {
    const response = await call('GET', record('salesOrder/999999'));
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ status: 404, title: 'Not Found', 'o:errorDetails': [{ 'o:errorCode': 'NONEXISTENT_ID' }] });
  });

  it('ships a sales order through !transform and takes the stock off the shipping location', async () => {
    const stock = async () =>
      ((await (await suiteql("SELECT b.quantityonhand FROM inventorybalance b JOIN item i ON i.id = b.item JOIN location l ON l.id = b.location WHERE i.itemid = 'JEANS-32-32' AND l.externalid = 'LOC-WH-EAST'")).json()) as { items: { quantityonhand: string }[] }).items[0]?.quantityonhand;
    expect(await stock()).toBe('120');
    const order = await call('PUT', record('salesOrder/eid:WEB-1001'), {
      body: {
        entity: { externalId: 'CUST-WEB-001' },
        location: { externalId: 'LOC-WH-EAST' },
        item: { items: [{ item: { externalId: 'ITEM-JEANS-32-32' }, quantity: 3 }] },
      },
    });
    expect(order.status).toBe(204);
    const orderPath = (order.headers.get('location') ?? '').slice(sandbox.url.length);
    const shipped = await call('POST', `${orderPath}/!transform/itemFulfillment`, { body: { shipStatus: 'C' } });
    expect(shipped.status).toBe(204);
    expect(await stock()).toBe('117');
    const again = await call('POST', `${orderPath}/!transform/itemFulfillment`, { body: {} });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ 'o:errorDetails': [{ 'o:errorCode': 'USER_ERROR' }] });
    const expanded = (await (await call('GET', `${orderPath}?expandSubResources=true`)).json()) as { status: unknown; item: { items: unknown[] } };
    expect(expanded.status).toEqual({ id: 'F', refName: 'Pending Billing' });
    expect(expanded.item.items[0]).toMatchObject({ quantity: 3, quantityFulfilled: 3, item: { refName: 'JEANS-32-32' } });
    const sublist = (await (await call('GET', `${orderPath}/item`)).json()) as { count: number; items: unknown[] };
    expect(sublist).toMatchObject({ count: 1, hasMore: false, totalResults: 1 });
  });

  it('makes a retried fulfilment upsert idempotent with ?replace=item (without it, lines are added)', async () => {
    const order = await call('PUT', record('salesOrder/eid:WEB-1002'), {
      body: { entity: { externalId: 'CUST-WEB-001' }, location: { externalId: 'LOC-WH-EAST' }, item: { items: [{ item: { externalId: 'ITEM-CAP-NAVY' }, quantity: 4 }] } },
    });
    const orderId = (order.headers.get('location') ?? '').split('/').pop() ?? '';
    const shipment = { createdFrom: { id: orderId }, item: { items: [{ orderLine: 1, quantity: 2 }] } };
    expect((await call('PUT', record('itemFulfillment/eid:SHIP-1002?replace=item'), { body: shipment })).status).toBe(204);
    expect((await call('PUT', record('itemFulfillment/eid:SHIP-1002?replace=item'), { body: shipment })).status).toBe(204);
    const lines = (await (await suiteql(`SELECT quantityshiprecv FROM transactionline WHERE transaction = ${orderId}`)).json()) as { items: { quantityshiprecv: string }[] };
    expect(lines.items[0]?.quantityshiprecv).toBe('2');
    expect((await call('PUT', record('itemFulfillment/eid:SHIP-1002'), { body: shipment })).status).toBe(204);
    const added = (await (await suiteql(`SELECT quantityshiprecv FROM transactionline WHERE transaction = ${orderId}`)).json()) as { items: { quantityshiprecv: string }[] };
    expect(added.items[0]?.quantityshiprecv).toBe('4');
  });

  it('rejects a credit memo against a return authorization that is not authorized, in the NetSuite error shape', async () => {
    await call('PUT', record('returnAuthorization/eid:RMA-77'), {
      body: { entity: { externalId: 'CUST-WEB-001' }, item: { items: [{ item: { externalId: 'ITEM-CAP-NAVY' }, quantity: 1 }] } },
    });
    const memo = await call('PUT', record('creditMemo/eid:CM-77'), { body: { createdFrom: { externalId: 'RMA-77' } } });
    expect(memo.status).toBe(400);
    expect(await memo.json()).toEqual({
      type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1',
      title: 'Bad Request',
      status: 400,
      'o:errorDetails': [
        {
          detail: expect.stringMatching(/^Error while accessing resource: Return authorization RMA\d+ is Pending Approval/) as unknown,
          'o:errorCode': 'USER_ERROR',
          'o:errorPath': 'createdFrom',
        },
      ],
    });
  });
});

describe('return to refund over HTTP', () => {
  it('approves a return (PATCH), receives it, credits it and refunds no more than the credit', async () => {
    const rma = await call('PUT', record('returnAuthorization/eid:RMA-88'), {
      body: { entity: { externalId: 'CUST-WEB-001' }, item: { items: [{ item: { externalId: 'ITEM-TSHIRT-BLK-M' }, quantity: 2, rate: 19.9 }] } },
    });
    const rmaPath = (rma.headers.get('location') ?? '').slice(sandbox.url.length);
    expect((await call('PATCH', rmaPath, { body: { orderStatus: { id: 'B' } } })).status).toBe(204);
    const receipt = await call('POST', `${rmaPath}/!transform/itemReceipt`, { body: { location: { externalId: 'LOC-STORE-001' } } });
    expect(receipt.status).toBe(204);
    const memo = await call('POST', `${rmaPath}/!transform/creditMemo`, { body: { externalId: 'CM-88' } });
    expect(memo.status).toBe(204);
    const memoPath = (memo.headers.get('location') ?? '').slice(sandbox.url.length);
    expect(await (await call('GET', memoPath)).json()).toMatchObject({ total: 39.8, amountRemaining: 39.8, externalId: 'CM-88', status: { id: 'A', refName: 'Open' } });
    const tooMuch = await call('POST', `${memoPath}/!transform/customerRefund`, { body: { total: 50 } });
    expect(tooMuch.status).toBe(400);
    expect(await tooMuch.json()).toMatchObject({ 'o:errorDetails': [{ 'o:errorCode': 'USER_ERROR', 'o:errorPath': 'apply.items[0].amount' }] });
    expect((await call('POST', `${memoPath}/!transform/customerRefund`, { body: {} })).status).toBe(204);
    expect(await (await call('GET', memoPath)).json()).toMatchObject({ amountRemaining: 0, status: { id: 'B', refName: 'Fully Applied' } });
    expect(await (await call('GET', rmaPath)).json()).toMatchObject({ status: { id: 'G', refName: 'Refunded' } });
  });
});

describe('SuiteQL over REST', () => {
  it('pages more than 1,000 rows with hasMore, offset and links', async () => {
    const before = sandbox.records.store.list('customer').length;
    for (let i = 0; i < 1_100; i++) sandbox.records.create('customer', { companyName: `Bulk ${i}` }, `BULK-${i}`);
    const total = before + 1_100;
    const first = (await (await suiteql('SELECT id FROM customer ORDER BY id', '?limit=1000&offset=0')).json()) as {
      count: number; hasMore: boolean; offset: number; totalResults: number; items: unknown[]; links: { rel: string; href: string }[];
    };
    expect(first).toMatchObject({ count: 1000, hasMore: true, offset: 0, totalResults: total });
    const next = first.links.find((link) => link.rel === 'next')?.href ?? '';
    expect(next).toContain('offset=1000');
    const second = (await (await suiteql('SELECT id FROM customer ORDER BY id', next.slice(next.indexOf('?')))).json()) as { count: number; hasMore: boolean; offset: number };
    expect(second).toMatchObject({ count: total - 1000, hasMore: false, offset: 1000 });
  });

  it('refuses a page above 1,000 rows, a missing Prefer header and a bad query with 400', async () => {
    const tooBig = await suiteql('SELECT id FROM customer', '?limit=1001');
    expect(await tooBig.json()).toMatchObject({ status: 400, 'o:errorDetails': [{ 'o:errorCode': 'INVALID_PARAMETER', 'o:errorQueryParam': 'limit' }] });
    const noPrefer = await call('POST', '/services/rest/query/v1/suiteql', { body: { q: 'SELECT id FROM customer' } });
    expect(noPrefer.status).toBe(400);
    const bad = await suiteql('SELECT id FROM custmer');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ 'o:errorDetails': [{ detail: expect.stringContaining("Record 'custmer' was not found.") as unknown, 'o:errorCode': 'INVALID_PARAMETER' }] });
  });
});

describe('faults and admin', () => {
  it('renders injected 503s in the NetSuite error shape, and recovers when faults are cleared', async () => {
    await fetch(`${sandbox.url}/__sandbox/faults`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ errorRates: { 503: 1 } }) });
    const failed = await call('GET', record('location/1'));
    expect(failed.status).toBe(503);
    expect(await failed.json()).toMatchObject({ status: 503, title: 'Service Unavailable', 'o:errorDetails': [{ 'o:errorCode': 'SERVICE_UNAVAILABLE' }] });
    await fetch(`${sandbox.url}/__sandbox/faults`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect((await call('GET', record('location/1'))).status).toBe(200);
  });

  it('snapshots the records and resets the account to its demo data', async () => {
    await call('PUT', record('customer/eid:TO-BE-RESET'), { body: { companyName: 'Temporary' } });
    const snapshot = (await (await fetch(`${sandbox.url}/__sandbox/state`)).json()) as { accountId: string; records: Record<string, { externalId?: string }[]> };
    expect(snapshot.accountId).toBe('1234567_SB1');
    expect(snapshot.records.customer?.some((c) => c.externalId === 'TO-BE-RESET')).toBe(true);
    await fetch(`${sandbox.url}/__sandbox/reset`, { method: 'POST' });
    expect((await call('GET', record('customer/eid:TO-BE-RESET'))).status).toBe(404);
    expect((await call('GET', record('customer/eid:CUST-B2B-001'))).status).toBe(200);
  });

  it('reports the concurrency limit in /__sandbox/limits', async () => {
    const limits = (await (await fetch(`${sandbox.url}/__sandbox/limits`)).json()) as Record<string, unknown>;
    expect(limits).toMatchObject({ concurrencyLimit: 5, inFlight: 0, rejected429: 0 });
  });
});

describe('concurrency governance', () => {
  it('answers exactly one of 6 parallel slow requests with 429 when the limit is 5', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = await startNetSuiteSandbox({
      latency: { ...NO_LATENCY, recordRead: { p50Ms: 1000, p99Ms: 1000 } },
      sleep: () => held,
    });
    try {
      const slowCall = tbaClient({ baseUrl: slow.url, credentials: { accountId: slow.accountId, ...SANDBOX_TBA_CREDENTIALS } });
      const requests = Array.from({ length: 6 }, () => slowCall('GET', record('location/1')));
      const firstDone = await Promise.race(requests);
      expect(firstDone.status).toBe(429);
      expect(await firstDone.json()).toMatchObject({ status: 429, 'o:errorDetails': [{ 'o:errorCode': 'CONCURRENCY_LIMIT_EXCEEDED' }] });
      const during = (await (await fetch(`${slow.url}/__sandbox/limits`)).json()) as Record<string, number>;
      expect(during).toMatchObject({ concurrencyLimit: 5, inFlight: 5, peakInFlight: 5, rejected429: 1 });
      release();
      const statuses = (await Promise.all(requests)).map((response) => response.status);
      expect(statuses.filter((status) => status === 429)).toHaveLength(1);
      expect(statuses.filter((status) => status === 200)).toHaveLength(5);
    } finally {
      release();
      await slow.close();
    }
  });

  it('adds 10 concurrent requests per SuiteCloud Plus license', async () => {
    const plus = await startNetSuiteSandbox({ latency: NO_LATENCY, concurrency: { suiteCloudPlusLicenses: 2 } });
    try {
      expect(((await (await fetch(`${plus.url}/__sandbox/limits`)).json()) as { concurrencyLimit: number }).concurrencyLimit).toBe(25);
    } finally {
      await plus.close();
    }
  });
});
