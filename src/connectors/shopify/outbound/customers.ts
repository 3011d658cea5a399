import type { DeliveryItem } from '../../../ports/storage.ts';
import type { ItemOutcome } from '../../../runtime/delivery/target.ts';
import type { ShopifyGraphQLClient } from '../client.ts';
import { refusedLocally, userErrorFailure } from '../failures.ts';
import type { ShopifyUserError } from '../failures.ts';
import type { Mapping } from '../../mapping/mapping.ts';
import type { CallOptions } from '../references.ts';

const FIND_BY_EMAIL = `query CustomerByEmail($query: String!) { customers(first: 1, query: $query) { nodes { id email } } }`;
const CUSTOMER_CREATE = `mutation CreateCustomer($input: CustomerInput!) { customerCreate(input: $input) { customer { id emailMarketingConsent { marketingState } } userErrors { field message } } }`;
const CUSTOMER_UPDATE = `mutation UpdateCustomer($input: CustomerInput!) { customerUpdate(input: $input) { customer { id emailMarketingConsent { marketingState } } userErrors { field message } } }`;
const CONSENT_UPDATE = `mutation UpdateEmailConsent($input: CustomerEmailMarketingConsentUpdateInput!) {
  customerEmailMarketingConsentUpdate(input: $input) { customer { id } userErrors { field message code } } }`;

interface SavedCustomer {
  id: string;
  emailMarketingConsent: { marketingState: string } | null;
}

/** A canonical consent as the email marketing state Shopify can be set to; undefined when there is nothing to set. */
export function emailMarketingStateOf(consent: { status?: string } | undefined): 'SUBSCRIBED' | 'UNSUBSCRIBED' | undefined {
  if (consent?.status === 'granted') return 'SUBSCRIBED';
  if (consent?.status === 'denied' || consent?.status === 'withdrawn') return 'UNSUBSCRIBED';
  // `unknown` is no decision; NOT_SUBSCRIBED cannot be set through the API.
  return undefined;
}

/** A customer gid from the hub's external id for Shopify (gid or numeric). */
export function customerGid(id: string): string {
  return id.startsWith('gid://') ? id : `gid://shopify/Customer/${id}`;
}

/**
 * Upserts a canonical Customer: update by the Shopify id the hub holds (`externalIds.shopify`),
 * otherwise by email (unique per store), otherwise create. customerCreate takes no idempotency
 * key; the email lookup is what makes a redelivery update instead of creating a twin, and a
 * create that races another one ("Email has already been taken") falls back to the update.
 * Email marketing consent (`consents.email`) cannot be set by customerUpdate: it is sent with
 * customerEmailMarketingConsentUpdate, only when Shopify's state differs from it.
 */
export async function upsertCustomer(options: { item: DeliveryItem; client: ShopifyGraphQLClient; mapping: Mapping; call: CallOptions }): Promise<ItemOutcome> {
  const { item, client, mapping, call } = options;
  const customer = item.payload as { externalIds?: Record<string, string>; consents?: { email?: { status?: string; capturedAt?: string } } } | null;
  if (!customer || typeof customer !== 'object') return { ok: false, error: refusedLocally({ code: 'INVALID_PAYLOAD', message: `upsertCustomer ${item.key}: needs a customer` }) };
  const input = await mapping.apply(customer);
  const email = typeof input.email === 'string' ? input.email : undefined;
  let id = customer.externalIds?.shopify ? customerGid(customer.externalIds.shopify) : undefined;
  if (!id && email) id = await findByEmail(client, email, call);
  let saved: SavedCustomer | undefined;
  if (!id) {
    const created = await client.request<{ customerCreate: { customer: SavedCustomer | null; userErrors: ShopifyUserError[] } }>(CUSTOMER_CREATE, { ...call, variables: { input } });
    const [userError] = created.customerCreate.userErrors;
    if (!userError && created.customerCreate.customer) {
      saved = created.customerCreate.customer;
    } else {
      const raced = email && userError?.field?.includes('email') && /taken/i.test(userError.message) ? await findByEmail(client, email, call) : undefined;
      if (!raced) return { ok: false, error: userErrorFailure(userError ?? { message: 'no customer returned' }, { operation: 'customerCreate', businessKey: item.key }) };
      id = raced;
    }
  }
  if (!saved) {
    const updated = await client.request<{ customerUpdate: { customer: SavedCustomer | null; userErrors: ShopifyUserError[] } }>(CUSTOMER_UPDATE, {
      ...call,
      variables: { input: { ...input, id } },
    });
    const [userError] = updated.customerUpdate.userErrors;
    if (userError) return { ok: false, error: userErrorFailure(userError, { operation: 'customerUpdate', businessKey: item.key }) };
    saved = updated.customerUpdate.customer ?? { id: id!, emailMarketingConsent: null };
  }
  const wanted = emailMarketingStateOf(customer.consents?.email);
  if (wanted && email && saved.emailMarketingConsent?.marketingState !== wanted) {
    const consent = await client.request<{ customerEmailMarketingConsentUpdate: { userErrors: ShopifyUserError[] } }>(CONSENT_UPDATE, {
      ...call,
      variables: {
        input: {
          customerId: saved.id,
          emailMarketingConsent: { marketingState: wanted, marketingOptInLevel: 'SINGLE_OPT_IN', ...(customer.consents?.email?.capturedAt && { consentUpdatedAt: customer.consents.email.capturedAt }) },
        },
      },
    });
    const [userError] = consent.customerEmailMarketingConsentUpdate.userErrors;
    if (userError) return { ok: false, error: userErrorFailure(userError, { operation: 'customerEmailMarketingConsentUpdate', businessKey: item.key }) };
  }
  return { ok: true, externalId: saved.id };
}

async function findByEmail(client: ShopifyGraphQLClient, email: string, call: CallOptions): Promise<string | undefined> {
  const data = await client.request<{ customers: { nodes: { id: string; email: string | null }[] } }>(FIND_BY_EMAIL, {
    ...call,
    variables: { query: `email:"${email.replace(/["\\]/g, '\\$&')}"` },
  });
  return data.customers.nodes.find((node) => node.email?.toLowerCase() === email.toLowerCase())?.id;
}
