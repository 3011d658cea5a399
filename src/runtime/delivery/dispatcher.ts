import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  IsolatedCircuitError,
  circuitBreaker,
  handleWhen,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import type { EventEmitter } from 'node:events';
import { inSpan, type Span } from '../../observability/spans.ts';
import { DeliveryOutcome } from '../../observability/trace-attributes.ts';
import type { DeliveryItem, DeliveryStore } from '../../ports/storage.ts';
import { RateLimitedError, TransientError, isRetryable, toSerializedFailure } from '../errors.ts';
import { RateBudget } from './budget.ts';
import { answeredOutcome, deliveryBatchSpan, recordDeliveryOutcome } from './delivery-span.ts';
import type { RetryPolicy } from './retry-policy.ts';
import type { DeliveryContext, DeliveryTarget, ItemOutcome } from './target.ts';

export interface CircuitOptions {
  /** Consecutive failed requests (transient, not throttles) that open the circuit. */
  consecutiveFailures: number;
  /** How long the circuit stays open before one trial request. */
  halfOpenAfterMs: number;
}

export interface DispatcherOptions {
  target: DeliveryTarget;
  store: DeliveryStore;
  retry: RetryPolicy;
  circuit: CircuitOptions;
  events: EventEmitter;
  clock: () => number;
  /** A claim older than this is presumed abandoned by a crashed worker. */
  leaseMs: number;
  /** Longest sleep when idle; enqueues wake the dispatcher sooner. */
  idlePollMs: number;
  /** Pause after a throttle that came without a Retry-After hint. */
  defaultThrottleMs: number;
}

export const CircuitStateName = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
} as const;
export type CircuitStateName = (typeof CircuitStateName)[keyof typeof CircuitStateName];

/**
 * Drains one target's queue: claims ready items (oldest per key), batches them up to the
 * target's batch size, admits each request through the target's budget, and sends it through a
 * circuit breaker. Outcomes are recorded durably: delivered, retried later with backoff, or
 * dead-lettered with the failure and the business context.
 */
export class TargetDispatcher {
  readonly budget: RateBudget;
  readonly breaker: CircuitBreakerPolicy;
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly sending = new Set<Promise<void>>();
  private wakeUp: (() => void) | undefined;
  private readonly abort = new AbortController();

  constructor(private readonly options: DispatcherOptions) {
    this.budget = new RateBudget(options.target.budget, options.clock);
    // Throttles are the budget's business and permanent errors say nothing about the target's
    // health; only transient failures (5xx, timeouts, connection errors) count towards opening.
    this.breaker = circuitBreaker(
      handleWhen((error) => isRetryable(error) && !(error instanceof RateLimitedError)),
      { halfOpenAfter: options.circuit.halfOpenAfterMs, breaker: new ConsecutiveBreaker(options.circuit.consecutiveFailures) },
    );
    this.breaker.onStateChange((state) =>
      options.events.emit('circuit', { target: options.target.name, state: CircuitStateName[state] }),
    );
  }

  get name(): string {
    return this.options.target.name;
  }

  get circuitState(): CircuitStateName {
    return CircuitStateName[this.breaker.state];
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    this.abort.abort();
  }

  /** New work may be ready: stop sleeping. */
  wake(): void {
    this.wakeUp?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, Math.min(ms, this.options.idlePollMs)));
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private async run(): Promise<void> {
    const { target, store, clock } = this.options;
    while (this.running) {
      if (this.breaker.state === CircuitState.Open) {
        await this.sleep(this.options.circuit.halfOpenAfterMs);
        if (!this.running) break;
      }
      const admissionWait = this.budget.waitMs();
      if (admissionWait > 0) {
        await this.sleep(admissionWait);
        continue;
      }
      const now = clock();
      const items = await store.claim(target.name, {
        limit: target.budget.maxBatchSize,
        ...(target.budget.maxBatchSizeByOperation && { limitByOperation: target.budget.maxBatchSizeByOperation }),
        now,
        leaseMs: this.options.leaseMs,
      });
      if (items.length === 0) {
        const next = await store.nextAvailableAt(target.name);
        await this.sleep(next === undefined ? this.options.idlePollMs : next - now);
        continue;
      }
      const cost = target.cost?.(items) ?? 0;
      // A sleep ends early (idlePollMs, a wake-up when another request finishes): look again
      // until the points are really there, or a request would go out into a THROTTLED answer.
      let costWait = this.budget.waitMs(cost);
      while (costWait > 0 && costWait <= this.options.leaseMs / 2 && this.running) {
        await this.sleep(costWait);
        costWait = this.budget.waitMs(cost);
      }
      if (costWait > 0) {
        // Too long to hold a claim, Infinite (no slot is free any more: a throttle answered
        // meanwhile and halved the concurrency), or stopping: hand the items back as they were;
        // the admission wait above holds the loop. A release at now + Infinity would park them for good.
        await store.release(items.map((item) => item.id), Number.isFinite(costWait) && this.running ? clock() + costWait : clock());
        continue;
      }
      this.budget.begin(cost);
      const sending: Promise<void> = this.send(items).finally(() => {
        this.sending.delete(sending);
        this.wake();
      });
      this.sending.add(sending);
    }
    await Promise.all(this.sending);
  }

  /**
   * One request to the target, in a `deliver <target> <operation>` span that continues the first
   * item's trace and links the others'; the connector's HTTP calls run inside it.
   */
  private send(items: DeliveryItem[]): Promise<void> {
    return inSpan(
      () => deliveryBatchSpan(this.options.target.name, items),
      (span) => this.sendBatch(items, span),
    );
  }

  private async sendBatch(items: DeliveryItem[], span: Span | undefined): Promise<void> {
    const { target, store, clock, events } = this.options;
    const startedAt = clock();
    const ids = items.map((item) => item.id);
    let throttledForMs: number | undefined;
    const context: DeliveryContext = {
      signal: this.abort.signal,
      reportQuota: (signal) => this.budget.observe(signal),
    };
    try {
      const outcomes: ItemOutcome[] = await this.breaker.execute(() => target.deliver(items, context));
      if (outcomes.length !== items.length) {
        throw new TransientError(`target ${target.name} answered ${outcomes.length} outcomes for ${items.length} items`);
      }
      const delivered: { id: number; externalId?: string }[] = [];
      const failed: [DeliveryItem, unknown][] = [];
      const throttled: DeliveryItem[] = [];
      let throttle: RateLimitedError | undefined;
      outcomes.forEach((outcome, index) => {
        const item = items[index]!;
        if (outcome.ok) delivered.push({ id: item.id, ...(outcome.externalId !== undefined && { externalId: outcome.externalId }) });
        else if (outcome.error instanceof RateLimitedError) {
          // The target ran out of quota part-way through the claim (Shopify answers THROTTLED to
          // the third mutation of five): the rest were not refused, only postponed, so they go
          // back without spending an attempt, exactly like a throttle of the whole request.
          // Counting them would dead-letter healthy writes during a Black Friday 429 storm.
          throttled.push(item);
          throttle ??= outcome.error;
        } else failed.push([item, outcome.error]);
      });
      if (span) recordDeliveryOutcome(span, answeredOutcome(delivered.length, failed.length + throttled.length), failed[0]?.[1] ?? throttle);
      const finishedAt = clock();
      await store.markDelivered(delivered, finishedAt);
      if (delivered.length > 0) {
        const deliveredIds = new Set(delivered.map((entry) => entry.id));
        events.emit('delivered', { target: target.name, items: items.filter((item) => deliveredIds.has(item.id)), latencyMs: finishedAt - startedAt });
      }
      for (const [item, error] of failed) await this.fail(item, error);
      if (throttle) {
        throttledForMs = throttle.retryAfterMs ?? this.options.defaultThrottleMs;
        events.emit('throttled', { target: target.name, retryAfterMs: throttledForMs });
        await store.release(throttled.map((item) => item.id), clock() + throttledForMs);
      }
    } catch (error) {
      if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
        if (span) recordDeliveryOutcome(span, DeliveryOutcome.circuitOpen, error);
        // Not attempted: hand the items back untouched until the circuit lets a request through.
        await store.release(ids, clock() + this.options.circuit.halfOpenAfterMs);
        return;
      }
      if (error instanceof RateLimitedError) {
        if (span) recordDeliveryOutcome(span, DeliveryOutcome.throttled, error);
        throttledForMs = error.retryAfterMs ?? this.options.defaultThrottleMs;
        events.emit('throttled', { target: target.name, retryAfterMs: throttledForMs });
        await store.release(ids, clock() + throttledForMs);
        return;
      }
      if (span) recordDeliveryOutcome(span, DeliveryOutcome.failed, error);
      for (const item of items) await this.fail(item, error);
    } finally {
      this.budget.end({ throttledForMs });
    }
  }

  private async fail(item: DeliveryItem, error: unknown): Promise<void> {
    const { store, clock, retry, events, target } = this.options;
    const failure = toSerializedFailure(error);
    const now = clock();
    if (failure.retryable && retry.canRetry(item.attempts)) {
      const delay = retry.delayAfter(item.attempts);
      await store.retryLater([item.id], { availableAt: now + delay, error: failure });
      events.emit('retried', { target: target.name, item, error: failure, delayMs: delay });
      return;
    }
    const deadLetterId = await store.deadLetter(item.id, { error: { ...failure, details: { ...failure.details, attempts: item.attempts } }, now });
    events.emit('dead-lettered', { target: target.name, item, error: failure, deadLetterId });
  }
}
