import jsforce from 'jsforce';
import { afterEach, describe, expect, it } from 'vitest';
import type { Customer } from '../../canonical/customer.ts';
import { PermanentError } from '../../runtime/errors.ts';
import type { SalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import { recordingContext } from '../conformance/harness.ts';
import type { SalesforceConnector } from './index.ts';
import { connectedSandbox, customer, customerItem, recordByExternalId, records } from './test-support.ts';

let sandbox: SalesforceSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function open(): Promise<SalesforceConnector> {
  const opened = await connectedSandbox({}, { polling: { accounts: true, everyMs: 60_000 } });
  sandbox = opened.sandbox;
  return opened.connector;
}

/** An agent (or a retailer's existing data) creating an Account in Salesforce itself: no External_Id__c. */
async function createNativeAccount(fields: Record<string, unknown>): Promise<string> {
  const agent = new jsforce.Connection({ instanceUrl: sandbox!.url, accessToken: sandbox!.createSession(), version: '62.0' });
  const result = await agent.sobject('Account').create(fields);
  if (!result.success) throw new Error(`creating the Account failed: ${JSON.stringify(result)}`);
  return result.id;
}

/** The customers the connector's Account poller reads, as the hub receives them. */
async function readAccounts(connector: SalesforceConnector): Promise<Customer[]> {
  const poller = connector.pollers!.find((candidate) => candidate.name.endsWith('Account'))!;
  const page = await poller.poll({ watermark: poller.initialWatermark(), signal: new AbortController().signal });
  return page.events.map((event) => event.data as Customer);
}

const failureOf = (outcome: unknown) => (outcome as { ok: boolean; error?: unknown }).error;

describe('Salesforce connector: Accounts created in Salesforce written back by the hub', () => {
  it('updates the native Account by Id and gives it the hub id, instead of creating a second one', async () => {
    const connector = await open();
    const accountId = await createNativeAccount({ FirstName: 'Ada', LastName: 'Native', PersonEmail: 'ada.native@example.com' });
    const [read] = await readAccounts(connector);
    expect(read).toMatchObject({ hubId: `salesforce-account-${accountId}`, externalIds: { salesforce: accountId } });

    // The hub writes the golden customer back with a new phone and address.
    const golden: Customer = {
      ...read!,
      phones: [{ number: '+442071838750', type: 'mobile', primary: true }],
      addresses: [{ use: 'billing', isDefault: true, address: { line1: '1 Quay Street', city: 'Bristol', postalCode: 'BS1 4DJ', country: 'GB' } }],
    };
    const [outcome] = await connector.deliver([customerItem(golden)], recordingContext());
    expect(outcome).toEqual({ ok: true, externalId: accountId });
    expect(records(sandbox!, 'Account')).toHaveLength(1);
    expect(records(sandbox!, 'Account')[0]).toMatchObject({
      Id: accountId,
      External_Id__c: golden.hubId,
      LastName: 'Native',
      PersonMobilePhone: '+442071838750',
      PersonMailingCity: 'Bristol',
    });

    // A later write, and the Account as the poller now reads it (External_Id__c set), stay on it.
    const [again] = await connector.deliver([customerItem({ ...golden, version: 2, name: { given: 'Ada', family: 'Lovelace', full: 'Ada Lovelace' } })], recordingContext());
    expect(again).toEqual({ ok: true, externalId: accountId });
    const reread = (await readAccounts(connector)).at(-1)!;
    expect(reread).toMatchObject({ hubId: golden.hubId, externalIds: { salesforce: accountId } });
    expect(records(sandbox!, 'Account')).toHaveLength(1);
    expect(records(sandbox!, 'Account')[0]).toMatchObject({ LastName: 'Lovelace', External_Id__c: golden.hubId });
  });

  it('updates a business Account by Id next to upserts in one batch, each item with its own outcome', async () => {
    const connector = await open();
    const accountId = await createNativeAccount({ Name: 'Harbour Supplies Ltd', Phone: '+441179000000' });
    const [read] = await readAccounts(connector);
    expect(read).toMatchObject({ partyType: 'business', externalIds: { salesforce: accountId } });
    const hubCreated = [customer(), customer()];
    const native: Customer = { ...read!, companyName: 'Harbour Supplies Group' };
    const outcomes = await connector.deliver([customerItem(hubCreated[0]!), customerItem(native), customerItem(hubCreated[1]!)], recordingContext());
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true, true]);
    expect(outcomes[1]).toEqual({ ok: true, externalId: accountId });
    for (const [position, value] of [[0, hubCreated[0]!], [2, hubCreated[1]!]] as const) {
      expect(outcomes[position]).toEqual({ ok: true, externalId: recordByExternalId(sandbox!, 'Account', value.hubId)!.Id });
    }
    expect(records(sandbox!, 'Account')).toHaveLength(3);
    expect(recordByExternalId(sandbox!, 'Account', native.hubId)).toMatchObject({ Id: accountId, Name: 'Harbour Supplies Group' });
  });

  it('fails a write to a deleted Account permanently with ENTITY_IS_DELETED and creates nothing', async () => {
    const connector = await open();
    const accountId = await createNativeAccount({ FirstName: 'Gone', LastName: 'Away' });
    const [read] = await readAccounts(connector);
    const agent = new jsforce.Connection({ instanceUrl: sandbox!.url, accessToken: sandbox!.createSession(), version: '62.0' });
    await agent.sobject('Account').destroy(accountId);
    const [outcome] = await connector.deliver([customerItem(read!)], recordingContext());
    expect(outcome!.ok).toBe(false);
    expect(failureOf(outcome)).toBeInstanceOf(PermanentError);
    expect(failureOf(outcome)).toMatchObject({ code: 'ENTITY_IS_DELETED', system: 'salesforce', message: expect.stringContaining(accountId) });
    expect(records(sandbox!, 'Account')).toHaveLength(0);
  });

  it('refuses to give the native Account a hub id another Account already holds (DUPLICATE_VALUE)', async () => {
    const connector = await open();
    const accountId = await createNativeAccount({ FirstName: 'Twice', LastName: 'Known' });
    const [read] = await readAccounts(connector);
    const holder = customer({ hubId: read!.hubId, externalIds: {} });
    expect((await connector.deliver([customerItem(holder)], recordingContext()))[0]!.ok).toBe(true);
    const [outcome] = await connector.deliver([customerItem(read!)], recordingContext());
    expect(failureOf(outcome)).toBeInstanceOf(PermanentError);
    expect(failureOf(outcome)).toMatchObject({ code: 'DUPLICATE_VALUE' });
    expect(records(sandbox!, 'Account').find((record) => record.Id === accountId)).toMatchObject({ External_Id__c: null });
    expect(records(sandbox!, 'Account')).toHaveLength(2);
  });
});
