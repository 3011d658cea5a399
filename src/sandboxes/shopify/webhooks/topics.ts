/** Webhook topics the sandbox emits (https://shopify.dev/docs/api/webhooks), in REST form. */
export const WEBHOOK_TOPICS = [
  'orders/create',
  'orders/updated',
  'orders/cancelled',
  'fulfillments/create',
  'refunds/create',
  'customers/create',
  'customers/update',
  'inventory_levels/update',
  'returns/request',
  'returns/approve',
  'returns/decline',
  'returns/close',
] as const;

export type WebhookTopic = (typeof WEBHOOK_TOPICS)[number];

/** REST topic orders/create ↔ GraphQL enum ORDERS_CREATE. */
export function topicToEnum(topic: string): string {
  return topic.replace('/', '_').toUpperCase();
}

export function enumToTopic(value: string): WebhookTopic | undefined {
  return WEBHOOK_TOPICS.find((topic) => topicToEnum(topic) === value);
}
