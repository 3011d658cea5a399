import jsforce from 'jsforce';
import { afterEach, describe, expect, it } from 'vitest';
import type { SalesforceSandbox, SalesforceSandboxOptions } from './index.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startSalesforceSandbox } from './index.ts';

const VERSION = '62.0';
let sandbox: SalesforceSandbox | undefined;

afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: SalesforceSandboxOptions = {}): Promise<SalesforceSandbox> {
  sandbox = await startSalesforceSandbox(options);
  return sandbox;
}

function connect(running: SalesforceSandbox): jsforce.Connection {
  return new jsforce.Connection({ instanceUrl: running.url, accessToken: running.createSession(), version: VERSION });
}

async function token(running: SalesforceSandbox): Promise<string> {
  const response = await fetch(`${running.url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: DEFAULT_CLIENT_ID, client_secret: DEFAULT_CLIENT_SECRET }),
  });
  const body = (await response.json()) as { access_token: string };
  return body.access_token;
}

describe('daily API request allocation', () => {
  it('answers 403 REQUEST_LIMIT_EXCEEDED once the lowered allocation is used, and token requests do not count', async () => {
    const running = await start({ dailyApiRequestLimit: 3 });
    const accessToken = await token(running);
    await token(running);
    const conn = new jsforce.Connection({ instanceUrl: running.url, accessToken, version: VERSION });
    await conn.sobject('Account').create({ Name: 'One' });
    await conn.sobject('Account').create({ Name: 'Two' });
    await conn.limits();
    expect(conn.limitInfo.apiUsage).toEqual({ used: 3, limit: 3 });
    await expect(conn.sobject('Account').create({ Name: 'Three' })).rejects.toMatchObject({ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' });
    const raw = await fetch(`${running.url}/services/data/v${VERSION}/limits`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(raw.status).toBe(403);
    expect(raw.headers.get('sforce-limit-info')).toBe('api-usage=3/3');
    expect(await raw.json()).toEqual([{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
  });

  it('frees the allocation as calls leave the rolling 24-hour window', async () => {
    let now = Date.parse('2026-11-23T09:00:00Z');
    const running = await start({ dailyApiRequestLimit: 1, clock: () => now, sessionTimeoutMs: 48 * 60 * 60 * 1000 });
    const conn = connect(running);
    await conn.limits();
    await expect(conn.limits()).rejects.toMatchObject({ errorCode: 'REQUEST_LIMIT_EXCEEDED' });
    now += 24 * 60 * 60 * 1000 + 1;
    await expect(conn.limits()).resolves.toMatchObject({ DailyApiRequests: { Max: 1, Remaining: 0 } });
  });

  it('computes the Enterprise allocation from licenses and can be lowered at runtime', async () => {
    const running = await start({ edition: 'Enterprise', licenses: 50 });
    const conn = connect(running);
    expect((await conn.limits()).DailyApiRequests?.Max).toBe(150_000);
    const settings = await fetch(`${running.url}/__sandbox/salesforce/settings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dailyApiRequestLimit: 2 }),
    });
    expect(settings.status).toBe(200);
    await conn.limits();
    await expect(conn.limits()).rejects.toMatchObject({ errorCode: 'REQUEST_LIMIT_EXCEEDED' });
  });

  it('does not count the versions resource, which needs no session', async () => {
    const running = await start();
    const response = await fetch(`${running.url}/services/data/`);
    const versions = (await response.json()) as { version: string; label: string }[];
    expect(versions).toContainEqual({ label: "Winter '25", url: '/services/data/v62.0', version: '62.0' });
    expect(running.org.apiUsage.used).toBe(0);
  });
});

describe('sessions', () => {
  it('answers 401 INVALID_SESSION_ID after an operator expires every session', async () => {
    const running = await start();
    const conn = connect(running);
    await conn.limits();
    const expired = await fetch(`${running.url}/__sandbox/salesforce/expire-sessions`, { method: 'POST' });
    expect(await expired.json()).toEqual({ expired: 1 });
    await expect(conn.limits()).rejects.toMatchObject({ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' });
  });

  it('expires a session after the configured inactivity timeout', async () => {
    let now = Date.parse('2026-11-23T09:00:00Z');
    const running = await start({ sessionTimeoutMs: 60_000, clock: () => now });
    const accessToken = await token(running);
    const call = () => fetch(`${running.url}/services/data/v${VERSION}/limits`, { headers: { authorization: `Bearer ${accessToken}` } });
    now += 59_000;
    expect((await call()).status).toBe(200);
    now += 59_000; // still within the timeout of the last use
    expect((await call()).status).toBe(200);
    now += 61_000;
    const response = await call();
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
  });

  it('lets jsforce recover through its refresh hook after expiry mid-run', async () => {
    const running = await start();
    const conn = new jsforce.Connection({
      instanceUrl: running.url,
      accessToken: running.createSession(),
      version: VERSION,
      refreshFn: (_conn, callback) => {
        token(running).then((fresh) => callback(null, fresh), (error: Error) => callback(error));
      },
    });
    await conn.sobject('Account').create({ Name: 'Before expiry' });
    running.expireSessions();
    const result = await conn.sobject('Account').create({ Name: 'After expiry' });
    expect(result).toMatchObject({ success: true });
  });
});

describe('injected faults', () => {
  it('fails record writes with UNABLE_TO_LOCK_ROW per record in a collection', async () => {
    const running = await start({ lockContentionRate: 0.5, seed: 11 });
    const conn = connect(running);
    const records = Array.from({ length: 40 }, (_, i) => ({ Name: `Store ${i}`, External_Id__c: `STORE-${i}` }));
    const results = await conn.sobject('Account').upsert(records, 'External_Id__c', { allOrNone: false });
    const locked = results.filter((r) => !r.success);
    expect(locked.length).toBeGreaterThan(0);
    expect(locked.length).toBeLessThan(40);
    expect(locked.every((r) => (r.errors[0] as { statusCode?: string } | undefined)?.statusCode === 'UNABLE_TO_LOCK_ROW')).toBe(true);
    const stored = await conn.query('SELECT COUNT() FROM Account');
    expect(stored.totalSize).toBe(40 - locked.length);
  });

  it('renders an injected 503 as SERVER_UNAVAILABLE and a 429 with Retry-After', async () => {
    const running = await start({ faults: { errorRates: { 503: 1 } } });
    const conn = connect(running);
    await expect(conn.sobject('Account').create({ Name: 'Unlucky' })).rejects.toMatchObject({ errorCode: 'SERVER_UNAVAILABLE' });
    running.faults.set({ errorRates: { 429: 1 } });
    const response = await fetch(`${running.url}/services/data/v${VERSION}/limits`);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toEqual([expect.objectContaining({ errorCode: 'REQUEST_LIMIT_EXCEEDED' })]);
    running.faults.set({});
    expect(await conn.limits()).toHaveProperty('DailyApiRequests');
  });

  it('answers 503 during a downtime window', async () => {
    const running = await start({ faults: { downtime: [{ from: Date.now() - 1_000, to: Date.now() + 60_000 }] } });
    const response = await fetch(`${running.url}/services/data/v${VERSION}/limits`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual([expect.objectContaining({ errorCode: 'SERVER_UNAVAILABLE', message: expect.stringContaining('maintenance') })]);
  });
});

describe('admin state', () => {
  it('snapshots records and resets to the seeded org', async () => {
    const running = await start();
    const conn = connect(running);
    await conn.sobject('Account').create({ Name: 'Snapshot Me' });
    const state = (await (await fetch(`${running.url}/__sandbox/state`)).json()) as { records: Record<string, { Name: string }[]> };
    expect(state.records.Account?.map((a) => a.Name)).toEqual(['Snapshot Me']);
    await fetch(`${running.url}/__sandbox/reset`, { method: 'POST' });
    expect((await conn.query('SELECT COUNT() FROM Account')).totalSize).toBe(0);
    expect((await conn.query('SELECT COUNT() FROM Pricebook2 WHERE IsStandard = true')).totalSize).toBe(1);
  });

  it('answers 300 with the matching records when an upsert key matches several', async () => {
    const running = await start();
    const conn = connect(running);
    await conn.sobject('Account').create([{ Name: 'A', Legacy_Customer_Number__c: 'L-9' }, { Name: 'B', Legacy_Customer_Number__c: 'L-9' }]);
    const response = await fetch(`${running.url}/services/data/v${VERSION}/sobjects/Account/Legacy_Customer_Number__c/L-9`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${running.createSession()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ Name: 'C' }),
    });
    expect(response.status).toBe(300);
    expect(((await response.json()) as string[]).every((url) => url.startsWith(`/services/data/v${VERSION}/sobjects/Account/001`))).toBe(true);
    const single = await conn.sobject('Account').upsert({ Name: 'Single', External_Id__c: 'CUST-1' }, 'External_Id__c');
    expect(single).toMatchObject({ success: true, created: true });
    const again = await conn.sobject('Account').upsert({ Name: 'Single renamed', External_Id__c: 'CUST-1' }, 'External_Id__c');
    expect(again).toMatchObject({ success: true, created: false, id: (single as { id: string }).id });
  });
});
