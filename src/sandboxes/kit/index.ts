// The sandbox kit: what every sandbox (local emulator of a real system) is built from.
export { createSandboxApp, ADMIN_PREFIX } from './app.ts';
export { startSandbox } from './start.ts';
export { seededRandom, drawLatencyMs } from './random.ts';
export { SlidingWindowLimit, LeakyBucket, ConcurrencyGate } from './limits.ts';
export type { Clock, LimitDecision, BucketDecision } from './limits.ts';
export { FaultConfigSchema, parseFaultConfig, planFaults, InvalidFaultConfigError } from './faults.ts';
export type { FaultPlan } from './faults.ts';
export { parseFormBody } from './form.ts';
export { canonicalJson } from './canonical-json.ts';
export {
  WebhookEmitter,
  exponentialRetryDelays,
  SHOPIFY_RETRY_DELAYS_MS,
  DEFAULT_WEBHOOK_TIMEOUT_MS,
} from './webhooks.ts';
export type {
  WebhookAttempt,
  WebhookAttemptOutcome,
  WebhookDelivery,
  WebhookDeliveryState,
  WebhookEmitterOptions,
  WebhookSigningInput,
  WebhookSubscription,
} from './webhooks.ts';
export type * from './types.ts';
