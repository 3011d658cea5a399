import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleCase, sampleInventoryLevel, sampleProduct, sampleReturn, sampleShipment } from '../../canonical/fixtures.ts';
import type { DeliveryItem } from '../../ports/storage.ts';
import type { ItemOutcome } from '../../runtime/delivery/target.ts';
import { AuthExpiredError, PermanentError, RateLimitedError, TransientError } from '../../runtime/errors.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_USERNAME } from '../../sandboxes/salesforce/index.ts';
import type { SalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import { deliveryItem, recordingContext } from '../conformance/harness.ts';
import { createSalesforceConnector, type SalesforceConnector } from './index.ts';
import { DAILY_LIMIT_PAUSE_MS } from './limits.ts';
import { connectedSandbox, customer, customerItem, recordByExternalId, records } from './test-support.ts';

let sandbox: SalesforceSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function open(...args: Parameters<typeof connectedSandbox>): Promise<SalesforceConnector> {
  const opened = await connectedSandbox(...args);
  sandbox = opened.sandbox;
  return opened.connector;
}

async function deliverInBatches(connector: SalesforceConnector, items: DeliveryItem[]): Promise<ItemOutcome[]> {
  const outcomes: ItemOutcome[] = [];
  for (let from = 0; from < items.length; from += connector.budget.maxBatchSize) {
    outcomes.push(...(await connector.deliver(items.slice(from, from + connector.budget.maxBatchSize), recordingContext())));
  }
  return outcomes;
}

const failureOf = (outcome: ItemOutcome | undefined) => (outcome && !outcome.ok ? outcome.error : undefined);

describe('Salesforce connector: sObject Collections upserts', () => {
  it('writes 450 customers with 3 collection requests (200/200/50)', async () => {
    const connector = await open();
    const items = Array.from({ length: 450 }, () => customerItem(customer()));
    const outcomes = await deliverInBatches(connector, items);
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(450);
    expect(connector.client.calls.requests).toBe(3);
    expect(sandbox!.org.apiUsage.used).toBe(3);
    expect(records(sandbox!, 'Account')).toHaveLength(450);
    const stored = recordByExternalId(sandbox!, 'Account', items[0]!.key);
    expect(stored).toMatchObject({ IsPersonAccount: true, PersonEmail: expect.stringContaining('@') });
    expect((outcomes[0] as { externalId: string }).externalId).toBe(stored!.Id);
  });

  it('dead-letters refused records individually while the rest land', async () => {
    const connector = await open();
    const good = [customerItem(customer()), customerItem(customer()), customerItem(customer())];
    const noName = customerItem(customer({ partyType: 'business', companyName: undefined, name: { full: '' } as never }));
    const badEmail = customerItem(customer({ emails: [{ address: 'not-an-email', use: 'personal', primary: true }] }));
    const outcomes = await connector.deliver([good[0]!, noName, good[1]!, badEmail, good[2]!], recordingContext());
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, false, true, false, true]);
    expect(failureOf(outcomes[1])).toBeInstanceOf(PermanentError);
    expect(failureOf(outcomes[1])).toMatchObject({ code: 'REQUIRED_FIELD_MISSING', field: 'Name', system: 'salesforce' });
    expect(failureOf(outcomes[3])).toMatchObject({ code: 'INVALID_EMAIL_ADDRESS', field: 'PersonEmail' });
    expect(records(sandbox!, 'Account')).toHaveLength(3);
  });

  it('refreshes an expired session once and carries on', async () => {
    const connector = await open();
    expect((await connector.deliver([customerItem(customer())], recordingContext()))[0]!.ok).toBe(true);
    expect(sandbox!.expireSessions()).toBeGreaterThan(0);
    expect((await connector.deliver([customerItem(customer())], recordingContext()))[0]!.ok).toBe(true);
    expect(connector.client.calls.logins).toBe(2);
    expect(records(sandbox!, 'Account')).toHaveLength(2);
  });

  it('reports a refused login as an auth failure that names the connected app', async () => {
    const opened = await connectedSandbox({}, { credentials: { flow: 'client-credentials', clientId: DEFAULT_CLIENT_ID, clientSecret: 'wrong' } });
    sandbox = opened.sandbox;
    const error = await opened.connector.deliver([customerItem(customer())], recordingContext()).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(AuthExpiredError);
    expect(error).toMatchObject({ code: 'invalid_client', message: expect.stringContaining('connected app') });
  });

  it('logs in with the JWT bearer flow (private key of the connected app certificate)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const opened = await connectedSandbox(
      { connectedApps: [{ clientId: 'crossdock-jwt', certificate: publicKey.export({ type: 'spki', format: 'pem' }).toString() }] },
      { credentials: { flow: 'jwt-bearer', clientId: 'crossdock-jwt', username: DEFAULT_USERNAME, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() } },
    );
    sandbox = opened.sandbox;
    expect((await opened.connector.deliver([customerItem(customer())], recordingContext()))[0]!.ok).toBe(true);
  });

  it('feeds Sforce-Limit-Info back into the budget and the console quota', async () => {
    const connector = await open({ licenses: 10 });
    expect(connector.quota!()).toMatchObject({ used: 0, source: expect.stringContaining('configured') });
    const context = recordingContext();
    await connector.deliver([customerItem(customer())], context);
    expect(context.quota).toEqual([{ kind: 'requests', used: sandbox!.org.apiUsage.used, limit: 110_000 }]);
    expect(connector.quota!()).toEqual({ name: 'DailyApiRequests', used: 1, limit: 110_000, source: 'Sforce-Limit-Info response header' });
  });

  it('turns REQUEST_LIMIT_EXCEEDED into a rate limit that waits for the rolling window', async () => {
    const warnings: string[] = [];
    const connector = await open({}, { logger: { warn: (_object: unknown, message?: string) => warnings.push(String(message)), info: () => undefined } as never });
    await connector.deliver([customerItem(customer())], recordingContext());
    sandbox!.updateSettings({ dailyApiRequestLimit: sandbox!.org.apiUsage.used });
    const error = await connector.deliver([customerItem(customer())], recordingContext()).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ code: 'REQUEST_LIMIT_EXCEEDED', retryAfterMs: DAILY_LIMIT_PAUSE_MS });
    expect(warnings.join('\n')).toMatch(/daily API request allocation exhausted/);
  });

  it('answers UNABLE_TO_LOCK_ROW as a transient failure of that record only', async () => {
    const connector = await open({ seed: 7 });
    sandbox!.updateSettings({ lockContentionRate: 0.5 });
    const outcomes = await connector.deliver(Array.from({ length: 40 }, () => customerItem(customer())), recordingContext());
    const failures = outcomes.filter((outcome) => !outcome.ok).map(failureOf);
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.length).toBeLessThan(40);
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(TransientError);
      expect(failure).toMatchObject({ code: 'UNABLE_TO_LOCK_ROW' });
    }
    expect(records(sandbox!, 'Account')).toHaveLength(40 - failures.length);
  });

  it('upserts products, inventory levels, shipments, returns and cases by External_Id__c', async () => {
    const connector = await open();
    const item = (operation: string, key: string, payload: unknown) => deliveryItem({ target: 'crm', kind: 'state', key, operation, payload, idempotencyKey: `${operation}:${key}` });
    const product = sampleProduct();
    const level = sampleInventoryLevel();
    const shipment = sampleShipment();
    const rma = sampleReturn();
    const supportCase = sampleCase();
    const deliveries: [string, string, unknown, string, string][] = [
      ['upsertProduct', product.sku, product, 'Product2', product.sku],
      ['upsertInventoryLevel', `${level.sku}@${level.locationCode}`, level, 'Inventory_Level__c', `${level.sku}@${level.locationCode}`],
      ['upsertShipment', shipment.shipmentNumber, shipment, 'Shipment__c', shipment.shipmentNumber],
      ['upsertReturn', rma.rmaNumber, rma, 'Return__c', rma.rmaNumber],
      ['upsertCase', supportCase.caseNumber, supportCase, 'Case', supportCase.caseNumber],
    ];
    for (const [operation, key, payload, object, externalId] of deliveries) {
      const [outcome] = await connector.deliver([item(operation, key, payload)], recordingContext());
      expect(outcome, `${operation}: ${String(failureOf(outcome))}`).toMatchObject({ ok: true });
      expect(recordByExternalId(sandbox!, object, externalId), object).toBeDefined();
    }
    expect(recordByExternalId(sandbox!, 'Inventory_Level__c', `${level.sku}@${level.locationCode}`)).toMatchObject({ Quantity_On_Hand__c: level.onHand, Quantity_Available__c: level.available });
    const [closed] = await connector.deliver([item('updateCaseStatus', supportCase.caseNumber, { caseNumber: supportCase.caseNumber, status: 'closed' })], recordingContext());
    expect(closed!.ok).toBe(true);
    expect(recordByExternalId(sandbox!, 'Case', supportCase.caseNumber)).toMatchObject({ Status: 'Closed', IsClosed: true });
  });

  it('honours installation mapping overrides (custom fields without forking)', async () => {
    const connector = await open({}, { mappings: { 'customer.to-salesforce': { fields: { Description: "'Loyalty: ' & loyalty.tier" }, remove: ['PersonMobilePhone'] } } });
    const value = customer({ loyalty: { memberId: 'L-1', tier: 'gold' } });
    await connector.deliver([customerItem(value)], recordingContext());
    expect(recordByExternalId(sandbox!, 'Account', value.hubId)).toMatchObject({ Description: 'Loyalty: gold', PersonMobilePhone: null });
  });

  it('needs nothing more than the sandbox URL and the connected app to start', () => {
    const connector = createSalesforceConnector({ loginUrl: 'https://login.salesforce.com', credentials: { flow: 'client-credentials', clientId: 'x', clientSecret: 'y' }, licences: 250 });
    expect(connector.budget).toEqual({ maxBatchSize: 200, maxBatchSizeByOperation: { projectOrder: 5 }, concurrency: 8, requests: { limit: 350_000, windowMs: 86_400_000 } });
    expect(connector.name).toBe('crm');
  });
});
