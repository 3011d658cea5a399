import { afterEach, describe, expect, it } from 'vitest';
import { consoleGet, consolePost, loginAs, testUsers } from '../../console/testing.ts';
import { eventually } from '../../ports/conformance/harness.ts';
import type { RetailFlowModule } from '../module.ts';
import { startRetailWorld, type RetailWorld } from '../testing/world.ts';
import { comparable } from './comparable.ts';
import { CustomerSyncEvent } from './events.ts';
import { findGoldenCustomer } from './golden.ts';
import { createCustomerSync } from './index.ts';
import { CustomerRecordEntity, type CustomerMerge } from './records.ts';
import {
  checkCustomerInvariants,
  createShopifyCustomer,
  echoReceived,
  editSalesforceAccount,
  editShopifyCustomer,
  goldenCustomer,
  netsuiteCustomer,
  salesforceAccount,
  salesforceAccountCount,
  until,
} from './testing/world-helpers.ts';

let world: RetailWorld | undefined;
let customers: RetailFlowModule | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const SHARED_PHONE = '+13125550900';

describe('duplicate customers', () => {
  it('merges two customers one profile matches, and an operator undoes it from the console', async () => {
    world = await startRetailWorld({ modules: (deps) => [(customers = createCustomerSync(deps))], consoleUsers: await testUsers() });
    const w = world;
    await w.quiet();

    // Two storefront accounts of one person, with nothing in common yet: two customers everywhere.
    const head = await w.adapters.bus.head();
    const dana = await createShopifyCustomer(w, { email: 'dana@example.com', firstName: 'Dana', lastName: 'Dup' });
    const other = await createShopifyCustomer(w, { email: 'd.dup@example.org', firstName: 'Dana', lastName: 'Dup', phone: SHARED_PHONE });
    const [danaId, otherId] = [`shopify-customer-${dana}`, `shopify-customer-${other}`];
    await w.quiet();
    await echoReceived(w, { system: 'netsuite', hubId: danaId, afterSeq: head });
    await echoReceived(w, { system: 'netsuite', hubId: otherId, afterSeq: head });
    expect(salesforceAccount(w, otherId)).toMatchObject({ PersonEmail: 'd.dup@example.org', PersonMobilePhone: SHARED_PHONE });

    // Dana adds her phone: the profile now matches both customers (Shopify id and phone).
    await editShopifyCustomer(w, dana, { phone: SHARED_PHONE });
    const merge = await eventually(async () => (await w.deps.records.list<CustomerMerge>(CustomerRecordEntity.merge, { limit: 10 }))[0]?.data, 'the merge');
    await w.quiet();
    expect(merge).toMatchObject({ survivorId: danaId, mergedId: otherId, status: 'active', matchedOn: ['phone'], merged: { record: { hubId: otherId, emails: [{ address: 'd.dup@example.org' }] } } });
    expect(await goldenCustomer(w, otherId)).toBeUndefined();
    expect((await findGoldenCustomer(w.deps.records, { hubId: otherId }))?.hubId).toBe(danaId);
    expect(salesforceAccount(w, danaId)).toMatchObject({ PersonEmail: 'dana@example.com', PersonMobilePhone: SHARED_PHONE });
    expect(netsuiteCustomer(w, danaId)).toMatchObject({ email: 'dana@example.com', phone: SHARED_PHONE });
    const merged = await w.adapters.bus.find({ type: CustomerSyncEvent.merged, limit: 10 });
    expect(merged.map(({ event }) => event.subject)).toEqual([danaId]);
    expect(await customers!.report!()).toMatchObject({ 'customers.merged': 1 });

    const operator = await loginAs(w.retail.server, 'operator');
    const health = (await consoleGet(w.retail.server, operator, '/api/console/health')).json<{ panels: { id: string; value: number; items: { detail: string }[] }[] }>();
    const panel = health.panels.find((candidate) => candidate.id === 'customers-merges-today')!;
    expect(panel.value).toBe(1);
    expect(panel.items[0]!.detail).toContain(`/api/console/customers/merges/${merge.mergeId}/undo`);

    // Only operators undo; the undo is audited and runs in the customer flow.
    const viewer = await loginAs(w.retail.server, 'viewer');
    expect((await consolePost(w.retail.server, viewer, `/api/console/customers/merges/${merge.mergeId}/undo`, { reason: 'not the same person' })).statusCode).toBe(403);
    const undo = await consolePost(w.retail.server, operator, `/api/console/customers/merges/${merge.mergeId}/undo`, { reason: 'two people sharing a phone' });
    expect(undo.statusCode).toBe(202);
    expect(undo.json()).toMatchObject({ mergeId: merge.mergeId, status: 'undo-requested' });
    const undoneHead = await w.adapters.bus.head();
    await eventually(async () => (await w.deps.records.get<CustomerMerge>(CustomerRecordEntity.merge, merge.mergeId))?.data.status === 'undone' || undefined, 'the undo');
    await w.quiet();

    expect(await goldenCustomer(w, otherId)).toMatchObject({ emails: [{ address: 'd.dup@example.org' }], phones: [{ number: SHARED_PHONE }] });
    expect(await goldenCustomer(w, danaId)).toMatchObject({ emails: [{ address: 'dana@example.com' }], phones: [{ number: SHARED_PHONE }] });
    expect((await consoleGet(w.retail.server, operator, `/api/console/customers/merges/${merge.mergeId}`)).json()).toMatchObject({ status: 'undone', undoneBy: 'operator' });
    expect((await consolePost(w.retail.server, operator, `/api/console/customers/merges/${merge.mergeId}/undo`, { reason: 'again' })).statusCode).toBe(409);
    const [audit] = await w.adapters.storage.audit.list({ subject: `customer-merge:${merge.mergeId}` });
    expect(audit).toMatchObject({ actor: 'operator', action: 'customer.unmerge', reason: 'two people sharing a phone' });
    expect((await w.adapters.bus.find({ type: CustomerSyncEvent.unmerged, limit: 10 })).map(({ event }) => event.subject)).toEqual([danaId]);
    expect(salesforceAccount(w, otherId)).toMatchObject({ PersonEmail: 'd.dup@example.org', PersonMobilePhone: SHARED_PHONE });
    expect(salesforceAccount(w, danaId)).toMatchObject({ PersonEmail: 'dana@example.com' });
    expect(netsuiteCustomer(w, otherId)).toMatchObject({ email: 'd.dup@example.org' });

    // The systems report both back; they share a phone but stay two customers.
    await echoReceived(w, { system: 'netsuite', hubId: otherId, afterSeq: undoneHead });
    expect(await w.deps.records.count(CustomerRecordEntity.merge)).toBe(1);
    expect(await goldenCustomer(w, otherId)).toBeDefined();
    expect(await goldenCustomer(w, danaId)).toBeDefined();
    expect(await checkCustomerInvariants(w)).toMatchObject({ 'customers.ownerWins': { ok: true }, 'customers.noDuplicates': { ok: true } });
  });
  it('merges into a survivor its own NetSuite and Salesforce records have not reported back yet: each system keeps its records, the duplicate stays findable', { timeout: 90_000 }, async () => {
    // The pollers run only when the test says (until, echoReceived, quiet): the survivor's records
    // exist in NetSuite and Salesforce, but the hub has not read them back when the merge comes.
    world = await startRetailWorld({ modules: (deps) => [createCustomerSync(deps)], consoleUsers: await testUsers(), pollEveryMs: 3_600_000 });
    const w = world;
    await w.quiet();

    // The duplicate: linked in NetSuite and Salesforce, and opted out of e-mail by an agent (Salesforce owns consent).
    const other = await createShopifyCustomer(w, { email: 'd.dup@example.org', firstName: 'Dana', lastName: 'Dup', phone: SHARED_PHONE });
    const otherId = `shopify-customer-${other}`;
    await until(w, async () => {
      const ids = (await goldenCustomer(w, otherId))?.externalIds;
      return (ids?.netsuite !== undefined && ids.salesforce !== undefined) || undefined;
    }, 'the duplicate linked in NetSuite and Salesforce', 30_000);
    await editSalesforceAccount(w, otherId, { PersonHasOptedOutOfEmail: true });
    await until(w, async () => comparable('consents', (await goldenCustomer(w, otherId))!)?.includes('"email":"out"') || undefined, 'the opt-out in the hub', 30_000);
    await w.quiet();
    const duplicateIds = (await goldenCustomer(w, otherId))!.externalIds;

    // The survivor: written to NetSuite and Salesforce under its hub id, not read back yet.
    const dana = await createShopifyCustomer(w, { email: 'dana@example.com', firstName: 'Dana', lastName: 'Dup' });
    const danaId = `shopify-customer-${dana}`;
    await eventually(() => (netsuiteCustomer(w, danaId) && salesforceAccount(w, danaId)) || undefined, 'the survivor in NetSuite and Salesforce');
    expect((await goldenCustomer(w, danaId))?.externalIds).toEqual({ shopify: `gid://shopify/Customer/${dana}` });

    // Dana adds the duplicate's phone: the merge.
    const head = await w.adapters.bus.head();
    await editShopifyCustomer(w, dana, { phone: SHARED_PHONE });
    const merge = await eventually(async () => (await w.deps.records.list<CustomerMerge>(CustomerRecordEntity.merge, { limit: 10 }))[0]?.data, 'the merge');
    await echoReceived(w, { system: 'netsuite', hubId: danaId, afterSeq: head, timeoutMs: 30_000 });
    await echoReceived(w, { system: 'salesforce', hubId: danaId, afterSeq: head, timeoutMs: 30_000 });

    // No refused write; each record keeps its own key; the survivor's holds the survivor with the owner's consent.
    const refused = await w.adapters.storage.deadLetters.list({ status: 'open' });
    expect(refused.map((letter) => letter.error), 'open exceptions').toEqual([]);
    expect(merge).toMatchObject({ survivorId: danaId, mergedId: otherId, conflictingExternalIds: { netsuite: duplicateIds.netsuite, salesforce: duplicateIds.salesforce } });
    const survivor = (await goldenCustomer(w, danaId))!;
    expect(survivor.externalIds.netsuite).not.toBe(duplicateIds.netsuite);
    expect(survivor.externalIds.salesforce).not.toBe(duplicateIds.salesforce);
    expect(comparable('consents', survivor)).toContain('"email":"out"');
    expect(w.sandboxes.netsuite.records.store.list('customer').filter((record) => record.externalId === danaId)).toHaveLength(1);
    expect(salesforceAccountCount(w, danaId)).toBe(1);
    expect(netsuiteCustomer(w, danaId)).toMatchObject({ email: 'dana@example.com', phone: SHARED_PHONE });
    expect(salesforceAccount(w, danaId)).toMatchObject({ PersonEmail: 'dana@example.com', PersonMobilePhone: SHARED_PHONE, PersonHasOptedOutOfEmail: true });
    expect(w.sandboxes.netsuite.records.store.get('customer', duplicateIds.netsuite!)?.externalId).toBe(otherId);
    expect(await checkCustomerInvariants(w)).toMatchObject({ 'customers.ownerWins': { ok: true }, 'customers.noDuplicates': { ok: true } });

    // The duplicate's e-mail still finds Dana: a profile arriving with it is hers, no second merge.
    expect((await findGoldenCustomer(w.deps.records, { profile: { email: 'D.Dup@example.org' } }))?.hubId).toBe(danaId);
    const native = w.sandboxes.netsuite.records.create('customer', { isPerson: true, firstName: 'Dana', lastName: 'Dup', email: 'd.dup@example.org' });
    await until(w, async () => (await w.deps.records.get<{ sources: Record<string, unknown> }>(CustomerRecordEntity.syncState, danaId))?.data.sources[`netsuite:${native.id}`], 'the NetSuite profile with the old e-mail', 30_000);
    await w.quiet();
    expect(await w.deps.records.count(CustomerRecordEntity.merge)).toBe(1);
    expect(await goldenCustomer(w, `cus_netsuite_${native.id}`)).toBeUndefined();
    expect(await w.adapters.storage.deadLetters.count({ status: 'open' })).toBe(0);

    // Undo restores both, each with its own keys and records.
    const operator = await loginAs(w.retail.server, 'operator');
    expect((await consolePost(w.retail.server, operator, `/api/console/customers/merges/${merge.mergeId}/undo`, { reason: 'two people sharing a phone' })).statusCode).toBe(202);
    await eventually(async () => (await w.deps.records.get<CustomerMerge>(CustomerRecordEntity.merge, merge.mergeId))?.data.status === 'undone' || undefined, 'the undo');
    await w.quiet();
    expect(await goldenCustomer(w, otherId)).toMatchObject({ emails: [{ address: 'd.dup@example.org' }], externalIds: duplicateIds });
    expect((await findGoldenCustomer(w.deps.records, { profile: { email: 'd.dup@example.org' } }))?.hubId).toBe(otherId);
    expect((await goldenCustomer(w, danaId))?.emails).toMatchObject([{ address: 'dana@example.com' }]);
    expect(netsuiteCustomer(w, otherId)).toMatchObject({ email: 'd.dup@example.org' });
    expect(salesforceAccount(w, otherId)).toMatchObject({ PersonEmail: 'd.dup@example.org', PersonHasOptedOutOfEmail: true });
    expect(await w.adapters.storage.deadLetters.count({ status: 'open' })).toBe(0);
    const afterUndo = await checkCustomerInvariants(w);
    expect(afterUndo, JSON.stringify(afterUndo['customers.ownerWins']!.details)).toMatchObject({ 'customers.ownerWins': { ok: true }, 'customers.noDuplicates': { ok: true } });
  });
});
