import { SHOPIFY_RETRY_DELAYS_MS, WebhookEmitter } from '../../kit/index.ts';
import type { WebhookFaults, WebhookSigningInput } from '../../kit/index.ts';
import type { ShopifyStore } from '../store/store.ts';
import type { WebhookSubscriptionRecord } from '../store/types.ts';
import { payloadFor } from './payloads.ts';
import { signWebhookBody } from './signature.ts';

export interface ShopifyWebhooksOptions {
  store: ShopifyStore;
  clientSecret: string;
  apiVersion: string;
  /** Compresses the retry schedule (8 retries over 4 hours); e.g. 0.0001 → about 1.4 s in all. */
  timeScale?: number;
  retryDelaysMs?: readonly number[];
  timeoutMs?: number;
  faults: () => WebhookFaults | undefined;
  random?: () => number;
  clock?: () => number;
}

/**
 * Connects the store's events to HTTP deliveries: one delivery per subscription to the topic,
 * signed and labelled with the headers Shopify sends
 * (https://shopify.dev/docs/apps/build/webhooks/delivery-structure#headers).
 */
export class ShopifyWebhooks {
  readonly emitter: WebhookEmitter;

  constructor(private readonly options: ShopifyWebhooksOptions) {
    this.emitter = new WebhookEmitter({
      retryDelaysMs: options.retryDelaysMs ?? SHOPIFY_RETRY_DELAYS_MS,
      timeScale: options.timeScale ?? 1,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      faults: options.faults,
      ...(options.random ? { random: options.random } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    options.store.onEvent((event) => {
      if (this.emitter.subscriptions.length === 0) return;
      this.emitter.emit(event.topic, payloadFor(options.store, event));
    });
  }

  added(subscription: WebhookSubscriptionRecord): void {
    this.emitter.subscribe({
      id: String(subscription.id),
      address: subscription.uri,
      topics: [subscription.topic],
      headers: (input) => this.headers(input),
    });
  }

  removed(id: number): void {
    this.emitter.unsubscribe(String(id));
  }

  /** Forgets subscriptions and deliveries (sandbox reset). */
  reset(): void {
    this.emitter.reset();
  }

  close(): void {
    this.emitter.close();
  }

  private headers(input: WebhookSigningInput): Record<string, string> {
    return {
      'X-Shopify-Topic': input.topic,
      'X-Shopify-Hmac-Sha256': signWebhookBody(input.body, this.options.clientSecret),
      'X-Shopify-Shop-Domain': this.options.store.shop.domain,
      'X-Shopify-API-Version': this.options.apiVersion,
      'X-Shopify-Webhook-Id': input.deliveryId,
      'X-Shopify-Event-Id': input.eventId,
      'X-Shopify-Triggered-At': new Date(input.triggeredAt).toISOString(),
    };
  }
}
