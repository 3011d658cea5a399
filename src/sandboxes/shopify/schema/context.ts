import type { ShopifyStore } from '../store/store.ts';
import type { WebhookSubscriptionRecord } from '../store/types.ts';
import type { IdempotencyLedger } from './idempotency.ts';

/** What every resolver of one request can reach. */
export interface SchemaContext {
  store: ShopifyStore;
  apiVersion: string;
  idempotency: IdempotencyLedger;
  /** Keeps the webhook emitter in step with subscriptions created and deleted over GraphQL. */
  webhooks: { added(subscription: WebhookSubscriptionRecord): void; removed(id: number): void };
}
