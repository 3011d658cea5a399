import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAllSandboxes } from './run-all.ts';
import type { RunningSandboxes } from './run-all.ts';

type State = Record<string, unknown>;
const stateOf = async (url: string): Promise<State> => (await (await fetch(`${url}/__sandbox/state`)).json()) as State;

describe('startAllSandboxes', () => {
  let sandboxes: RunningSandboxes;
  beforeAll(async () => {
    sandboxes = await startAllSandboxes({ latency: 'fast', seed: 3, faults: { payments: { errorRates: { 503: 0 } } } });
  });
  afterAll(async () => {
    await sandboxes?.closeAll();
  });

  it('seeds the same SKUs, locations and customers in every system', async () => {
    const skus = sandboxes.directory.catalogue.products.map((p) => p.sku).sort();
    const shopify = await stateOf(sandboxes.shopify.url);
    expect((shopify.productVariants as { sku: string }[]).map((v) => v.sku).sort()).toEqual(skus);
    const wms = (await stateOf(sandboxes.wms.url)) as { stock: { levels: { sku: string; onHand: number }[] } };
    expect(wms.stock.levels.map((s) => s.sku).sort()).toEqual(skus);
    expect(wms.stock.levels.every((s) => s.onHand === 300)).toBe(true);
    const netsuite = (await stateOf(sandboxes.netsuite.url)) as { records: Record<string, { fields: { itemId?: string } }[]> };
    expect(JSON.stringify(netsuite.records)).toContain('TRAIL-RUNNER-42-BLU');
    const salesforce = (await stateOf(sandboxes.salesforce.url)) as { records: Record<string, { External_Id__c?: string; UnitPrice?: number }[]> };
    expect((salesforce.records.Product2 ?? []).map((p) => p.External_Id__c).sort()).toEqual(skus);
    expect((salesforce.records.PricebookEntry ?? []).map((e) => e.UnitPrice).sort()).toEqual(sandboxes.directory.catalogue.products.map((p) => Number(p.listPrice)).sort());
    expect((salesforce.records.Account ?? []).map((a) => a.External_Id__c).sort()).toEqual(['CUST-0001', 'CUST-0002', 'CUST-0003', 'CUST-B2B-0001']);
  });

  it('returns a directory a connector can sign in with', async () => {
    const { salesforce, netsuite, shopify, wms, payments } = sandboxes.directory;
    const token = await fetch(`${salesforce.loginUrl}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: salesforce.clientId, client_secret: salesforce.clientSecret }).toString(),
    });
    expect(token.status).toBe(200);
    expect(netsuite.tba.accountId).toBe(netsuite.accountId);
    const graphql = await fetch(`${shopify.url}/admin/api/${shopify.apiVersion}/graphql.json`, {
      method: 'POST',
      headers: { 'x-shopify-access-token': shopify.accessToken, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ shop { name } }' }),
    });
    expect(graphql.status).toBe(200);
    expect((await fetch(`${wms.url}/v1/stock`, { headers: { authorization: `Bearer ${wms.apiKey}` } })).status).toBe(200);
    expect((await fetch(`${payments.url}/v1/refunds`, { headers: { authorization: `Bearer ${payments.secretKey}` } })).status).toBe(200);
    expect((await fetch(`${wms.url}/v1/stock`)).status).toBe(401);
  });

  it('closeAll stops every sandbox and can be called twice', async () => {
    const own = await startAllSandboxes({ latency: 'fast' });
    const urls = [own.salesforce.url, own.netsuite.url, own.shopify.url, own.wms.url, own.payments.url];
    await own.closeAll();
    await own.closeAll();
    for (const url of urls) await expect(fetch(`${url}/__sandbox/state`)).rejects.toThrow();
  });
});
