import { afterEach, describe, expect, it } from 'vitest';
import type { Customer } from '../../canonical/customer.ts';
import { eventually } from '../../ports/conformance/harness.ts';
import { startRetailWorld, type RetailWorld } from '../testing/world.ts';
import { createCustomerSync } from './index.ts';
import {
  checkCustomerInvariants,
  customerWrites,
  editSalesforceAccount,
  editShopifyCustomer,
  goldenCustomer,
  netsuiteCustomer,
  salesforceAccount,
  salesforceAccountCount,
  shopifyCustomerByEmail,
  until,
} from './testing/world-helpers.ts';

let world: RetailWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** A world whose deliveries keep retrying through a long outage (the default gives up after 6 tries). */
async function start(): Promise<RetailWorld> {
  world = await startRetailWorld({
    modules: (deps) => [createCustomerSync(deps)],
    delivery: { retry: { maxAttempts: 200, initialDelayMs: 20, maxDelayMs: 200 }, circuit: { consecutiveFailures: 5, halfOpenAfterMs: 200 } },
  });
  await world.quiet();
  return world;
}

async function linked(w: RetailWorld, hubId: string, email: string) {
  const customer = shopifyCustomerByEmail(w, email)!;
  await eventually(async () => (await goldenCustomer(w, hubId))?.externalIds.shopify === `gid://shopify/Customer/${customer.id}` || undefined, `${hubId} linked to Shopify`);
  return customer;
}

describe('customer sync under faults', () => {
  it('keeps the newest edit when Shopify webhooks come twice and out of order', async () => {
    const w = await start();
    const jane = await linked(w, 'CUST-0001', 'jane.doe@example.com');
    const head = await w.adapters.bus.head();
    const writesBefore = (await customerWrites(w, 'CUST-0001')).commerce?.length ?? 0;
    w.sandboxes.shopify.faults.set({ webhooks: { duplicateRate: 1, reorderWindow: 3 } });
    for (const phone of ['+13125550601', '+13125550602', '+13125550603']) await editShopifyCustomer(w, jane.id, { phone });
    await w.quiet();

    // What arrived, in arrival order: each edit once (duplicates dropped by webhook id), shuffled.
    // A write of the hub to Shopify in between (one that an out-of-order report called for)
    // makes Shopify send the customer as it then was: one more update, explained by that write.
    const received = (await w.adapters.bus.find({ subject: 'shopify-customer-' + jane.id, type: 'retail.customer.updated.v1', afterSeq: head, limit: 50 }))
      .map(({ event }) => (event.data as Customer).phones[0]?.number);
    const hubWrites = ((await customerWrites(w, 'CUST-0001')).commerce ?? []).slice(writesBefore);
    const explained = `received ${JSON.stringify(received)}; hub writes to Shopify since the edits: ${JSON.stringify(hubWrites.map((item) => item.payload))}`;
    expect([...new Set(received)].sort(), explained).toEqual(['+13125550601', '+13125550602', '+13125550603']);
    expect(received.length, explained).toBe(3 + hubWrites.length);
    expect(received).not.toEqual(['+13125550601', '+13125550602', '+13125550603']);
    expect(w.sandboxes.shopify.webhooks.emitter.attempts.filter((attempt) => attempt.duplicate).length).toBeGreaterThan(0);

    expect((await goldenCustomer(w, 'CUST-0001'))!.phones[0]!.number).toBe('+13125550603');
    expect(netsuiteCustomer(w, 'CUST-0001')!.phone).toBe('+13125550603');
    expect(salesforceAccount(w, 'CUST-0001')!.PersonMobilePhone).toBe('+13125550603');
    expect(shopifyCustomerByEmail(w, 'jane.doe@example.com')!.phone).toBe('+13125550603');
  });

  it('writes to Salesforce once it is back from a downtime, across a hub restart while it was down', async () => {
    const w = await start();
    const priya = await linked(w, 'CUST-0003', 'priya.shah@example.com');
    w.sandboxes.salesforce.faults.set({ downtime: [{ from: Date.now(), to: Date.now() + 10 * 60_000 }] });

    await editShopifyCustomer(w, priya.id, { phone: '+12125550333' });
    await eventually(() => netsuiteCustomer(w, 'CUST-0003')?.phone === '+12125550333' || undefined, 'the edit in NetSuite');
    const tried = await eventually(async () => (await customerWrites(w, 'CUST-0003')).crm?.find((item) => item.status === 'pending' && item.attempts > 0), 'a failed Salesforce write');
    expect(salesforceAccount(w, 'CUST-0003')!.PersonMobilePhone).not.toBe('+12125550333');

    // The hub goes down while Salesforce is down; the new one carries on from the queue.
    await w.restartHub();
    await eventually(async () => ((await w.adapters.storage.delivery.get(tried.id))!.attempts > tried.attempts) || undefined, 'a retry by the restarted hub');
    w.sandboxes.salesforce.faults.set({});
    await w.quiet();

    expect(salesforceAccount(w, 'CUST-0003')!.PersonMobilePhone).toBe('+12125550333');
    expect(salesforceAccountCount(w, 'CUST-0003')).toBe(1);
    const crm = (await customerWrites(w, 'CUST-0003')).crm!;
    expect(crm.every((item) => item.status === 'delivered')).toBe(true);
    expect(await w.adapters.storage.deadLetters.count({ status: 'open' })).toBe(0);
    expect(netsuiteCustomer(w, 'CUST-0003')!.phone).toBe('+12125550333');
  });

  it('gets Salesforce opt-outs into Shopify through a storm of 429s', async () => {
    const w = await start();
    const people = [
      { hubId: 'CUST-0001', email: 'jane.doe@example.com' },
      { hubId: 'CUST-0002', email: 'sam.rivera@example.com' },
      { hubId: 'CUST-0003', email: 'priya.shah@example.com' },
    ];
    for (const person of people) await linked(w, person.hubId, person.email);
    let throttled = 0;
    w.retail.hub.delivery.events.on('throttled', (event: { target: string }) => {
      if (event.target === 'commerce') throttled += 1;
    });
    w.sandboxes.shopify.faults.set({ errorRates: { 429: 0.3 } });
    for (const person of people) await editSalesforceAccount(w, person.hubId, { PersonHasOptedOutOfEmail: true });

    await until(
      w,
      () => people.every((person) => shopifyCustomerByEmail(w, person.email)?.emailMarketingConsent?.marketingState === 'UNSUBSCRIBED') || undefined,
      'every opt-out in Shopify',
      25_000,
    );
    w.sandboxes.shopify.faults.set({});
    await w.quiet();

    for (const person of people) {
      expect(salesforceAccount(w, person.hubId)!.PersonHasOptedOutOfEmail).toBe(true);
      expect((await goldenCustomer(w, person.hubId))!.consents.email?.status).toBe('withdrawn');
      expect(shopifyCustomerByEmail(w, person.email)!.emailMarketingConsent?.marketingState).toBe('UNSUBSCRIBED');
    }
    // The 429s were met (each either throttled the whole request or failed one customer, then retried).
    const commerce = (await Promise.all(people.map(async (person) => (await customerWrites(w, person.hubId)).commerce ?? []))).flat();
    expect(throttled + commerce.filter((item) => item.attempts > 1).length).toBeGreaterThan(0);
    expect(commerce.every((item) => item.status === 'delivered')).toBe(true);
    expect(await w.adapters.storage.deadLetters.count({ status: 'open' })).toBe(0);
    expect((await checkCustomerInvariants(w))['customers.ownerWins']).toMatchObject({ ok: true });
  });
});
