import type { GraphQLObject } from '../graphql/execute.ts';
import type { ShopifyStore } from '../store/store.ts';
import { formatCents } from '../store/store.ts';
import type { Customer, Location, WebhookSubscriptionRecord } from '../store/types.ts';
import { topicToEnum } from '../webhooks/topics.ts';
import { gid } from './ids.ts';

export function moneyBag(cents: number, currencyCode: string): GraphQLObject {
  const money = { __typename: 'MoneyV2', amount: formatCents(cents), currencyCode };
  return { __typename: 'MoneyBag', shopMoney: money, presentmentMoney: money };
}

export function shopObject(store: ShopifyStore): GraphQLObject {
  const shop = store.shop;
  return {
    __typename: 'Shop',
    id: gid('Shop', 1),
    name: shop.name,
    email: shop.email,
    myshopifyDomain: shop.domain,
    url: `https://${shop.domain}`,
    currencyCode: shop.currencyCode,
    ianaTimezone: 'UTC',
    plan: { __typename: 'ShopPlan', displayName: 'Basic', partnerDevelopment: false, shopifyPlus: false },
  };
}

export function locationObject(location: Location): GraphQLObject {
  return {
    __typename: 'Location',
    __implements: ['Node'],
    id: gid('Location', location.id),
    legacyResourceId: String(location.id),
    name: location.name,
    isActive: location.isActive,
    fulfillsOnlineOrders: true,
    address: { __typename: 'LocationAddress', address1: location.address1, city: location.city, countryCode: location.countryCode },
  };
}

export function customerObject(store: ShopifyStore, customer: Customer): GraphQLObject {
  const orders = () => [...store.orders.values()].filter((order) => order.customerId === customer.id);
  return {
    __typename: 'Customer',
    __implements: ['Node'],
    id: gid('Customer', customer.id),
    legacyResourceId: String(customer.id),
    email: customer.email,
    firstName: customer.firstName,
    lastName: customer.lastName,
    displayName: [customer.firstName, customer.lastName].filter(Boolean).join(' ') || customer.email || customer.phone || '',
    phone: customer.phone,
    note: customer.note,
    tags: customer.tags,
    createdAt: customer.createdAt,
    updatedAt: customer.updatedAt,
    state: 'ENABLED',
    defaultEmailAddress: customer.email
      ? { __typename: 'CustomerEmailAddress', emailAddress: customer.email, marketingState: customer.emailMarketingConsent?.marketingState ?? 'NOT_SUBSCRIBED' }
      : null,
    emailMarketingConsent: customer.email
      ? {
          __typename: 'CustomerEmailMarketingConsentState',
          marketingState: customer.emailMarketingConsent?.marketingState ?? 'NOT_SUBSCRIBED',
          marketingOptInLevel: customer.emailMarketingConsent?.marketingOptInLevel ?? null,
          consentUpdatedAt: customer.emailMarketingConsent?.consentUpdatedAt ?? null,
        }
      : null,
    defaultPhoneNumber: customer.phone ? { __typename: 'CustomerPhoneNumber', phoneNumber: customer.phone } : null,
    numberOfOrders: () => String(orders().length),
  };
}

export function webhookSubscriptionObject(subscription: WebhookSubscriptionRecord, apiVersion: string): GraphQLObject {
  return {
    __typename: 'WebhookSubscription',
    __implements: ['Node'],
    id: gid('WebhookSubscription', subscription.id),
    legacyResourceId: String(subscription.id),
    topic: topicToEnum(subscription.topic),
    format: subscription.format,
    uri: subscription.uri,
    callbackUrl: subscription.uri,
    endpoint: { __typename: 'WebhookHttpEndpoint', callbackUrl: subscription.uri },
    includeFields: [],
    metafieldNamespaces: [],
    filter: null,
    apiVersion: { __typename: 'ApiVersion', handle: apiVersion, displayName: apiVersion, supported: true },
    createdAt: subscription.createdAt,
    updatedAt: subscription.updatedAt,
  };
}
