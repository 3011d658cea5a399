import { randomBytes } from 'node:crypto';
import type { WebhookEmitter } from '../kit/index.ts';
import { WmsError } from './errors.ts';
import { IdSequence } from './ids.ts';
import type { WebhookTopic } from './model.ts';
import {
  signWmsPayload,
  WMS_DELIVERY_ID_HEADER,
  WMS_EVENT_ID_HEADER,
  WMS_SIGNATURE_HEADER,
  WMS_TOPIC_HEADER,
} from './signature.ts';

export interface WmsWebhook {
  id: string;
  url: string;
  topics: WebhookTopic[];
  createdAt: string;
}

/** Webhook subscriptions of the WMS, each with its own signing secret, delivered by the kit's emitter. */
export class WmsWebhooks {
  private readonly hooks = new Map<string, WmsWebhook>();
  private readonly ids = new IdSequence('wh');
  private readonly eventIds = new IdSequence('evt');

  constructor(
    private readonly emitter: WebhookEmitter,
    private readonly clock: () => number,
  ) {}

  /** Registers an address; the secret is returned once, at creation (as Stripe does). */
  create(input: { url: string; topics: WebhookTopic[] }): WmsWebhook & { secret: string } {
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    const hook: WmsWebhook = {
      id: this.ids.take(),
      url: input.url,
      topics: [...new Set(input.topics)],
      createdAt: new Date(this.clock()).toISOString(),
    };
    this.hooks.set(hook.id, hook);
    this.emitter.subscribe({
      id: hook.id,
      address: hook.url,
      topics: hook.topics,
      headers: ({ body, deliveryId, eventId, topic, sentAt }) => ({
        [WMS_SIGNATURE_HEADER]: signWmsPayload({ secret, body, timestampSeconds: Math.floor(sentAt / 1000) }),
        [WMS_DELIVERY_ID_HEADER]: deliveryId,
        [WMS_EVENT_ID_HEADER]: eventId,
        [WMS_TOPIC_HEADER]: topic,
      }),
    });
    return { ...hook, secret };
  }

  list(): WmsWebhook[] {
    return [...this.hooks.values()];
  }

  remove(id: string): void {
    if (!this.hooks.delete(id)) throw new WmsError(404, 'not_found', `No webhook ${id}.`);
    this.emitter.unsubscribe(id);
  }

  /** Sends `{ id, type, createdAt, data }` to every subscriber of the topic. */
  publish(topic: WebhookTopic, data: unknown): void {
    const eventId = this.eventIds.take();
    const createdAt = new Date(this.clock()).toISOString();
    this.emitter.emit(topic, { id: eventId, type: topic, createdAt, data }, { eventId });
  }

  reset(): void {
    this.hooks.clear();
    this.ids.reset();
    this.eventIds.reset();
    this.emitter.reset();
  }
}
