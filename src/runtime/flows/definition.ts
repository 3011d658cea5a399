import type { CloudEvent } from '../../canonical/cloudevent.ts';
import type { BusinessContext, EnqueueOutcome, NewDeliveryItem } from '../../ports/storage.ts';

/**
 * A durable flow: a retail workflow written as ordinary async code whose steps are journaled.
 * After a crash the flow runs again from the top, and every step already in the journal returns
 * its recorded result instead of running again, so it resumes at the first unfinished step.
 *
 * Rules for flow code (they are what makes replay safe):
 * - Everything with a side effect or a non-deterministic result goes through `ctx.step`,
 *   `ctx.deliver` or `ctx.emit`; plain code between steps must be deterministic.
 * - Step names are unique within an instance (use `line-${index}` inside loops).
 *
 * @example
 * defineFlow({
 *   name: 'order-capture',
 *   startsOn: ['retail.order.placed.v1'],
 *   instanceId: (event) => `order-capture:${event.subject}`,
 *   async run(ctx, event) {
 *     const order = await ctx.step('validate', () => validateOrder(event.data));
 *     await ctx.deliver('book', { target: 'erp', kind: 'command', key: order.number, operation: 'bookOrder', payload: order });
 *     const booked = await ctx.waitForEvent('booked', { type: 'retail.order.booked.v1', timeoutMs: 15 * 60_000 });
 *     if (!booked) await ctx.raise('awaiting-erp-booking', { code: 'AWAITING_ERP_BOOKING', message: 'not booked within 15 minutes' });
 *   },
 * });
 */
export interface FlowDefinition {
  name: string;
  /** Event types that start an instance. */
  startsOn: readonly string[];
  /** The instance an event starts; the same id twice starts it once. Default: one per event. */
  instanceId?(event: CloudEvent): string;
  /** The instance's business key. Default: the event subject. */
  key?(event: CloudEvent): string;
  run(ctx: FlowContext, event: CloudEvent): Promise<void>;
  /**
   * False for a one-pass mapping from an event to deliveries and events (inventory sync): no
   * instance is stored and nothing is journaled; effects are keyed by the event so a redelivered
   * event changes nothing. Such a flow cannot wait or sleep. Default true.
   */
  durable?: boolean;
  /** How often a step that fails transiently is tried before the instance is parked. Default 3. */
  stepAttempts?: number;
}

export function defineFlow(definition: FlowDefinition): FlowDefinition {
  return definition;
}

export interface StepOptions<T> {
  /** Undoes the step if the flow later fails permanently (run in reverse order). */
  compensate?(result: T): Promise<void> | void;
}

export type FlowDelivery = Omit<NewDeliveryItem, 'idempotencyKey' | 'correlationId' | 'traceparent'> & {
  /** Default: `<instance id>/<step name>`, so a replayed step never enqueues twice. */
  idempotencyKey?: string;
};

export interface FlowEmit {
  type: string;
  subject: string;
  data: unknown;
  dataschema?: string;
}

export interface FlowException {
  code: string;
  message: string;
  context?: BusinessContext;
}

export interface FlowContext {
  readonly instanceId: string;
  readonly flow: string;
  readonly key: string;
  readonly correlationId: string;
  readonly traceparent: string | null;
  /** Runs `fn` once per instance; its JSON result is journaled and replayed. */
  step<T>(name: string, fn: () => Promise<T> | T, options?: StepOptions<T>): Promise<T>;
  /** Enqueues an item for a target (durable, idempotent) as a journaled step. */
  deliver(name: string, item: FlowDelivery, options?: StepOptions<EnqueueOutcome>): Promise<EnqueueOutcome>;
  /** Appends an event to the log as a journaled step (deduplicated on replay). */
  emit(name: string, event: FlowEmit): Promise<void>;
  /**
   * Waits durably for an event of `type` whose subject is `key` (default: the instance key).
   * Resolves with the event, or with null when `timeoutMs` passes first.
   */
  waitForEvent(name: string, options: { type: string; key?: string; timeoutMs?: number }): Promise<CloudEvent | null>;
  /** Sleeps durably: survives restarts. */
  sleep(name: string, ms: number): Promise<void>;
  /**
   * Records a business exception for an operator (visible with the dead letters) while the
   * flow carries on, e.g. "awaiting ERP booking past SLA".
   */
  raise(name: string, exception: FlowException): Promise<void>;
}
