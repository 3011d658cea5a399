import { afterEach, describe, expect, it } from 'vitest';
import type { RunningShopifySandbox } from '../../sandboxes/shopify/index.ts';
import { deliveryItem, recordingContext } from '../conformance/harness.ts';
import { ShopifyOperation } from './outbound.ts';
import { emailMarketingStateOf } from './outbound/customers.ts';
import { connectedSandbox } from './testing.ts';

let sandbox: RunningShopifySandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

function customer(key: string, consent: { status: string; capturedAt: string } | undefined) {
  return deliveryItem({
    target: 'commerce',
    kind: 'state',
    key: 'C-7',
    operation: ShopifyOperation.upsertCustomer,
    payload: {
      name: { given: 'Nora', family: 'Quinn', full: 'Nora Quinn' },
      emails: [{ address: 'nora@example.com', use: 'personal', primary: true }],
      phones: [],
      consents: consent ? { email: { ...consent, source: 'salesforce' } } : {},
    },
    idempotencyKey: key,
  });
}

describe('Shopify connector: email marketing consent of a customer', () => {
  it('sets the state with customerEmailMarketingConsentUpdate only when it differs, and leaves it alone without a decision', async () => {
    const connected = await connectedSandbox();
    sandbox = connected.sandbox;
    const stored = () => [...sandbox!.store.customers.values()].find((entry) => entry.email === 'nora@example.com');

    const [withdrawn] = await connected.connector.deliver([customer('a', { status: 'withdrawn', capturedAt: '2026-11-23T09:00:00Z' })], recordingContext());
    expect(withdrawn!.ok).toBe(true);
    expect(stored()!.emailMarketingConsent).toEqual({ marketingState: 'UNSUBSCRIBED', marketingOptInLevel: 'SINGLE_OPT_IN', consentUpdatedAt: '2026-11-23T09:00:00.000Z' });
    const updatedAt = stored()!.updatedAt;

    // The same decision again: the profile is written, the consent mutation is not sent.
    const published: string[] = [];
    let listening = true;
    sandbox.store.onEvent((event) => {
      if (listening) published.push(event.topic);
    });
    await connected.connector.deliver([customer('b', { status: 'withdrawn', capturedAt: '2026-11-23T09:00:00Z' })], recordingContext());
    listening = false;
    expect(published).toEqual(['customers/update']);
    expect(stored()!.updatedAt >= updatedAt).toBe(true);

    // No decision in the payload (e.g. Salesforce never recorded one): Shopify's state stays.
    await connected.connector.deliver([customer('c', undefined)], recordingContext());
    expect(stored()!.emailMarketingConsent?.marketingState).toBe('UNSUBSCRIBED');

    await connected.connector.deliver([customer('d', { status: 'granted', capturedAt: '2026-11-24T09:00:00Z' })], recordingContext());
    expect(stored()!.emailMarketingConsent?.marketingState).toBe('SUBSCRIBED');
  });

  it('maps canonical consent statuses to the states Shopify can be set to', () => {
    expect(emailMarketingStateOf({ status: 'granted' })).toBe('SUBSCRIBED');
    expect(emailMarketingStateOf({ status: 'denied' })).toBe('UNSUBSCRIBED');
    expect(emailMarketingStateOf({ status: 'withdrawn' })).toBe('UNSUBSCRIBED');
    expect(emailMarketingStateOf({ status: 'unknown' })).toBeUndefined();
    expect(emailMarketingStateOf(undefined)).toBeUndefined();
  });
});
