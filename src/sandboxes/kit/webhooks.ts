import { randomUUID } from 'node:crypto';
import type { Clock } from './limits.ts';
import type { WebhookFaults } from './types.ts';

/** What a subscription's signer sees to compute its headers (signature, ids, timestamps). */
export interface WebhookSigningInput {
  /** Stable across retries and injected duplicates, so receivers can dedupe. */
  deliveryId: string;
  /** The business event; one event fans out to one delivery per subscription. */
  eventId: string;
  topic: string;
  /** Exactly the bytes sent: sign this, not a re-serialisation. */
  body: string;
  /** 1 for the first attempt, 2 for the first retry, … */
  attempt: number;
  /** When the event was emitted (ms since epoch); the same on every attempt. */
  triggeredAt: number;
  /** When this attempt is sent (ms since epoch). */
  sentAt: number;
}

export interface WebhookSubscription {
  id: string;
  address: string;
  /** Topics delivered to this address; '*' receives every topic. */
  topics: string[];
  /** The sandbox's signing scheme: returns the headers for one attempt. */
  headers(input: WebhookSigningInput): Record<string, string>;
}

export type WebhookAttemptOutcome = 'delivered' | 'rejected' | 'timeout' | 'network_error';

export interface WebhookAttempt {
  deliveryId: string;
  eventId: string;
  subscriptionId: string;
  topic: string;
  address: string;
  attempt: number;
  /** HTTP status answered by the receiver, or null if none (timeout, connection refused). */
  status: number | null;
  outcome: WebhookAttemptOutcome;
  /** True for the extra copy sent by the duplicate fault. */
  duplicate: boolean;
  at: number;
  error?: string;
}

export type WebhookDeliveryState = 'pending' | 'delivered' | 'failed';

export interface WebhookDelivery {
  id: string;
  eventId: string;
  subscriptionId: string;
  topic: string;
  address: string;
  state: WebhookDeliveryState;
  attempts: number;
}

export interface WebhookEmitterOptions {
  /** Delays before each retry, in ms of real-system time; length = number of retries. */
  retryDelaysMs?: readonly number[];
  /** Multiplies retry delays (e.g. 0.001 turns Shopify's 4 hours into 14.4 s). */
  timeScale?: number;
  /** A receiver that has not answered within this time has failed (Shopify: 5 s). */
  timeoutMs?: number;
  /** Seeded source for the duplicate dice and reordering. */
  random?: () => number;
  /** Read at each emit, so faults changed at runtime apply to the next event. */
  faults?: () => WebhookFaults | undefined;
  clock?: Clock;
  newId?: () => string;
  /** A partly filled reordering group is sent after this many ms (real time). */
  reorderFlushMs?: number;
}

/**
 * Exponential retry delays with `retries` steps doubling each time and summing to `totalMs`.
 * Shopify retries a failed delivery 8 times over 4 hours with exponential backoff
 * (https://shopify.dev/changelog/updates-to-webhook-retry-mechanism).
 */
export function exponentialRetryDelays(options: { retries: number; totalMs: number }): number[] {
  const base = options.totalMs / (2 ** options.retries - 1);
  return Array.from({ length: options.retries }, (_, index) => Math.round(base * 2 ** index));
}

/** Shopify's schedule, the default: 8 retries over 4 hours, exponential. */
export const SHOPIFY_RETRY_DELAYS_MS = exponentialRetryDelays({ retries: 8, totalMs: 4 * 60 * 60 * 1000 });

/** Shopify's delivery timeout (https://shopify.dev/docs/apps/build/webhooks/troubleshooting-webhooks). */
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 5000;

interface QueuedSend {
  delivery: WebhookDelivery;
  subscription: WebhookSubscription;
  body: string;
  triggeredAt: number;
}

/**
 * Delivers webhooks over HTTP POST to subscribed addresses, signed by each subscription's
 * signer, retried on a (time-compressed) schedule, with the webhook faults applied:
 * duplicates, reordering within a window, and extra delay. Every attempt is recorded.
 *
 * @example
 * const emitter = new WebhookEmitter({ timeScale: 0.001 });
 * emitter.subscribe({ address: 'http://127.0.0.1:4000/hooks', topics: ['orders/create'],
 *   headers: ({ body }) => ({ 'X-Shopify-Hmac-Sha256': hmacBase64(secret, body) }) });
 * emitter.emit('orders/create', { id: 1 });
 * await emitter.drain();
 * emitter.attempts; // [{ outcome: 'delivered', attempt: 1, … }]
 */
export class WebhookEmitter {
  private readonly retryDelaysMs: readonly number[];
  private readonly timeScale: number;
  private readonly timeoutMs: number;
  private readonly random: () => number;
  private readonly faults: () => WebhookFaults | undefined;
  private readonly clock: Clock;
  private readonly newId: () => string;
  private readonly reorderFlushMs: number;

  private readonly subscriptionList = new Map<string, WebhookSubscription>();
  private readonly attemptLog: WebhookAttempt[] = [];
  private readonly deliveryLog: WebhookDelivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private reorderBuffer: QueuedSend[] = [];
  private reorderTimer: NodeJS.Timeout | undefined;
  private pending = 0;
  private idleWaiters: (() => void)[] = [];
  private abort = new AbortController();

  constructor(options: WebhookEmitterOptions = {}) {
    this.retryDelaysMs = options.retryDelaysMs ?? SHOPIFY_RETRY_DELAYS_MS;
    this.timeScale = options.timeScale ?? 1;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
    this.random = options.random ?? Math.random;
    this.faults = options.faults ?? (() => undefined);
    this.clock = options.clock ?? Date.now;
    this.newId = options.newId ?? randomUUID;
    this.reorderFlushMs = options.reorderFlushMs ?? 50;
  }

  subscribe(subscription: Omit<WebhookSubscription, 'id'> & { id?: string }): WebhookSubscription {
    const stored: WebhookSubscription = { ...subscription, id: subscription.id ?? this.newId() };
    this.subscriptionList.set(stored.id, stored);
    return stored;
  }

  unsubscribe(id: string): boolean {
    return this.subscriptionList.delete(id);
  }

  get subscriptions(): WebhookSubscription[] {
    return [...this.subscriptionList.values()];
  }

  /**
   * Emits one event: one delivery per subscription to the topic (or only to `subscriptionIds`).
   * A string payload is sent as is; anything else as JSON.
   */
  emit(
    topic: string,
    payload: unknown,
    options: { eventId?: string; subscriptionIds?: string[] } = {},
  ): WebhookDelivery[] {
    // A closed emitter sends nothing (and leaves nothing pending for idle()).
    if (this.abort.signal.aborted) return [];
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const eventId = options.eventId ?? this.newId();
    const triggeredAt = this.clock();
    const targets = this.subscriptions.filter(
      (subscription) =>
        (options.subscriptionIds?.includes(subscription.id) ?? true) &&
        (subscription.topics.includes(topic) || subscription.topics.includes('*')),
    );
    return targets.map((subscription) => {
      const delivery: WebhookDelivery = {
        id: this.newId(),
        eventId,
        subscriptionId: subscription.id,
        topic,
        address: subscription.address,
        state: 'pending',
        attempts: 0,
      };
      this.deliveryLog.push(delivery);
      this.pending++;
      this.enqueue({ delivery, subscription, body, triggeredAt });
      return delivery;
    });
  }

  get attempts(): readonly WebhookAttempt[] {
    return this.attemptLog;
  }

  get deliveries(): readonly WebhookDelivery[] {
    return this.deliveryLog;
  }

  /** Resolves when no delivery is pending (including scheduled retries). */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Sends any partly filled reordering group now, then waits until idle. */
  drain(): Promise<void> {
    this.flushReorderBuffer();
    return this.idle();
  }

  /** Forgets subscriptions and records and stops pending work (a sandbox reset). */
  reset(): void {
    this.stop();
    this.subscriptionList.clear();
    this.attemptLog.length = 0;
    this.deliveryLog.length = 0;
    this.abort = new AbortController();
  }

  /** Stops timers and in-flight requests; pending deliveries are abandoned. */
  close(): void {
    this.stop();
  }

  private stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.reorderTimer) clearTimeout(this.reorderTimer);
    this.reorderTimer = undefined;
    this.reorderBuffer = [];
    this.abort.abort();
    this.pending = 0;
    this.notifyIdle();
  }

  private enqueue(send: QueuedSend): void {
    const window = this.faults()?.reorderWindow ?? 1;
    if (window <= 1) {
      this.sendFirst(send);
      return;
    }
    this.reorderBuffer.push(send);
    if (this.reorderBuffer.length >= window) this.flushReorderBuffer();
    else if (!this.reorderTimer) {
      this.reorderTimer = setTimeout(() => this.flushReorderBuffer(), this.reorderFlushMs);
      this.reorderTimer.unref();
    }
  }

  private flushReorderBuffer(): void {
    if (this.reorderTimer) clearTimeout(this.reorderTimer);
    this.reorderTimer = undefined;
    const group = this.reorderBuffer;
    this.reorderBuffer = [];
    // Fisher-Yates with the seeded source, so a reordering is repeatable.
    for (let i = group.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [group[i], group[j]] = [group[j] as QueuedSend, group[i] as QueuedSend];
    }
    for (const send of group) this.sendFirst(send);
  }

  private sendFirst(send: QueuedSend): void {
    const faults = this.faults();
    const duplicate = (faults?.duplicateRate ?? 0) > 0 && this.random() < (faults?.duplicateRate ?? 0);
    const delayMs = faults?.delayMs ?? 0;
    if (duplicate) {
      this.pending++;
      this.later(delayMs, () => void this.attempt(send, 1, true).finally(() => this.settle()));
    }
    this.later(delayMs, () => void this.deliver(send, 1));
  }

  private async deliver(send: QueuedSend, attempt: number): Promise<void> {
    const signal = this.abort.signal;
    const delivered = await this.attempt(send, attempt, false);
    // Stopped (close or reset) while in flight: this delivery is abandoned.
    if (signal.aborted) return;
    if (delivered) {
      send.delivery.state = 'delivered';
      this.settle();
      return;
    }
    const retryDelay = this.retryDelaysMs[attempt - 1];
    if (retryDelay === undefined) {
      send.delivery.state = 'failed';
      this.settle();
      return;
    }
    this.later(retryDelay * this.timeScale, () => void this.deliver(send, attempt + 1));
  }

  private async attempt(send: QueuedSend, attempt: number, duplicate: boolean): Promise<boolean> {
    const { delivery, subscription, body } = send;
    const signal = this.abort.signal;
    if (!duplicate) delivery.attempts = attempt;
    const sentAt = this.clock();
    const headers = {
      'Content-Type': 'application/json',
      ...subscription.headers({
        deliveryId: delivery.id,
        eventId: delivery.eventId,
        topic: delivery.topic,
        body,
        attempt,
        triggeredAt: send.triggeredAt,
        sentAt,
      }),
    };
    const record: WebhookAttempt = {
      deliveryId: delivery.id,
      eventId: delivery.eventId,
      subscriptionId: subscription.id,
      topic: delivery.topic,
      address: delivery.address,
      attempt,
      status: null,
      outcome: 'network_error',
      duplicate,
      at: sentAt,
    };
    try {
      const response = await fetch(delivery.address, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(this.timeoutMs), signal]),
      });
      await response.arrayBuffer().catch(() => undefined);
      record.status = response.status;
      record.outcome = response.ok ? 'delivered' : 'rejected';
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      record.outcome = name === 'TimeoutError' ? 'timeout' : 'network_error';
      record.error = error instanceof Error ? error.message : String(error);
    }
    if (!signal.aborted) this.attemptLog.push(record);
    return record.outcome === 'delivered';
  }

  private later(ms: number, run: () => void): void {
    if (this.abort.signal.aborted) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  private settle(): void {
    if (this.pending > 0) this.pending--;
    this.notifyIdle();
  }

  private notifyIdle(): void {
    if (this.pending > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
