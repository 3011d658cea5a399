import type { GraphQLObject } from '../graphql/execute.ts';
import type { WebhookSubscriptionRecord } from '../store/types.ts';
import { enumToTopic, WEBHOOK_TOPICS } from '../webhooks/topics.ts';
import type { SchemaContext } from './context.ts';
import { gid, parseGid } from './ids.ts';
import { webhookSubscriptionObject } from './objects-common.ts';

type Args = Record<string, unknown>;

function refuse(field: string[], message: string): GraphQLObject {
  return { __typename: 'WebhookSubscriptionCreatePayload', webhookSubscription: null, userErrors: [{ __typename: 'UserError', field, message }] };
}

/**
 * `webhookSubscriptionCreate(topic:, webhookSubscription: { uri | callbackUrl, format })`.
 * Real Shopify requires an https address; the sandbox also accepts http so local receivers work.
 */
function createSubscription(context: SchemaContext, args: Args): GraphQLObject {
  const topic = typeof args.topic === 'string' ? enumToTopic(args.topic) : undefined;
  if (!topic) return refuse(['topic'], `Topic is not supported by the sandbox. Supported: ${WEBHOOK_TOPICS.join(', ')}`);
  const input = (args.webhookSubscription ?? {}) as Args;
  const uri = typeof input.uri === 'string' ? input.uri : typeof input.callbackUrl === 'string' ? input.callbackUrl : '';
  const field = ['webhookSubscription', typeof input.uri === 'string' ? 'uri' : 'callbackUrl'];
  if (!/^https?:\/\/[^\s/]+/.test(uri)) return refuse(field, 'Address is invalid');
  if (input.format !== undefined && input.format !== 'JSON') return refuse(['webhookSubscription', 'format'], 'Format is not supported by the sandbox (JSON only)');
  for (const existing of context.store.webhookSubscriptions.values()) {
    if (existing.topic === topic && existing.uri === uri) return refuse(field, 'Address for this topic has already been taken');
  }
  const now = context.store.now();
  const record: WebhookSubscriptionRecord = { id: context.store.newId(), topic, uri, format: 'JSON', createdAt: now, updatedAt: now };
  context.store.webhookSubscriptions.set(record.id, record);
  context.webhooks.added(record);
  return { __typename: 'WebhookSubscriptionCreatePayload', webhookSubscription: webhookSubscriptionObject(record, context.apiVersion), userErrors: [] };
}

export function webhookMutations(context: SchemaContext): Record<string, unknown> {
  return {
    webhookSubscriptionCreate: (args: Args) => createSubscription(context, args),
    webhookSubscriptionDelete: (args: Args) => {
      const id = parseGid(args.id, 'WebhookSubscription');
      if (id === null || !context.store.webhookSubscriptions.delete(id)) {
        return { __typename: 'WebhookSubscriptionDeletePayload', deletedWebhookSubscriptionId: null, userErrors: [{ __typename: 'UserError', field: ['id'], message: 'Webhook subscription does not exist' }] };
      }
      context.webhooks.removed(id);
      return { __typename: 'WebhookSubscriptionDeletePayload', deletedWebhookSubscriptionId: gid('WebhookSubscription', id), userErrors: [] };
    },
  };
}
