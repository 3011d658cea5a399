import { afterEach, describe, expect, it } from 'vitest';
import { startShopifySandbox } from './index.ts';
import type { RunningShopifySandbox } from './index.ts';
import { clientFor } from './test-support.ts';
import { payloadFor } from './webhooks/payloads.ts';

let sandbox: RunningShopifySandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const CONSENT = `mutation Consent($input: CustomerEmailMarketingConsentUpdateInput!) {
  customerEmailMarketingConsentUpdate(input: $input) {
    customer { id emailMarketingConsent { marketingState marketingOptInLevel consentUpdatedAt } }
    userErrors { field message code }
  }
}`;

const CREATE = `mutation Create($input: CustomerInput!) { customerCreate(input: $input) { customer { id } userErrors { field message } } }`;

describe('customerEmailMarketingConsentUpdate', () => {
  it('records the decision, shows it on the customer and in the customers/update payload', async () => {
    sandbox = await startShopifySandbox();
    const client = clientFor(sandbox);
    const created = await client.request(CREATE, { variables: { input: { email: 'opt.out@example.com', firstName: 'Opal' } } });
    const id = created.data.customerCreate.customer.id as string;
    const store = sandbox.store;
    const customer = store.customers.get(Number(id.split('/').pop()));
    expect(payloadFor(store, { topic: 'customers/update', customer: customer! }).email_marketing_consent).toEqual({ state: 'not_subscribed', opt_in_level: null, consent_updated_at: null });

    const reply = await client.request(CONSENT, {
      variables: { input: { customerId: id, emailMarketingConsent: { marketingState: 'UNSUBSCRIBED', marketingOptInLevel: 'SINGLE_OPT_IN', consentUpdatedAt: '2026-11-23T09:00:00Z' } } },
    });
    expect(reply.data.customerEmailMarketingConsentUpdate.userErrors).toEqual([]);
    expect(reply.data.customerEmailMarketingConsentUpdate.customer.emailMarketingConsent).toEqual({
      marketingState: 'UNSUBSCRIBED',
      marketingOptInLevel: 'SINGLE_OPT_IN',
      consentUpdatedAt: '2026-11-23T09:00:00.000Z',
    });
    expect(payloadFor(store, { topic: 'customers/update', customer: customer! }).email_marketing_consent).toEqual({
      state: 'unsubscribed',
      opt_in_level: 'single_opt_in',
      consent_updated_at: '2026-11-23T09:00:00+00:00',
    });
  });

  it('refuses a state only Shopify sets, and a customer without an email, naming the field', async () => {
    sandbox = await startShopifySandbox();
    const client = clientFor(sandbox);
    const created = await client.request(CREATE, { variables: { input: { email: 'state@example.com' } } });
    const id = created.data.customerCreate.customer.id as string;
    const notSettable = await client.request(CONSENT, { variables: { input: { customerId: id, emailMarketingConsent: { marketingState: 'NOT_SUBSCRIBED' } } } });
    expect(notSettable.data.customerEmailMarketingConsentUpdate.userErrors[0]).toMatchObject({ field: ['input', 'emailMarketingConsent', 'marketingState'], code: 'INCLUSION' });

    const phoneOnly = await client.request(CREATE, { variables: { input: { phone: '+13125550199' } } });
    const noEmail = await client.request(CONSENT, {
      variables: { input: { customerId: phoneOnly.data.customerCreate.customer.id, emailMarketingConsent: { marketingState: 'SUBSCRIBED' } } },
    });
    expect(noEmail.data.customerEmailMarketingConsentUpdate.userErrors[0]).toMatchObject({ field: ['input', 'customerId'] });
    expect(noEmail.data.customerEmailMarketingConsentUpdate.customer).toBeNull();
  });
});
