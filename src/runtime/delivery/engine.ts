import { EventEmitter } from 'node:events';
import type { EnqueueOutcome, NewDeliveryItem, Storage } from '../../ports/storage.ts';
import type { BudgetSnapshot } from './budget.ts';
import { TargetDispatcher, type CircuitOptions, type CircuitStateName } from './dispatcher.ts';
import { RetryPolicy, defaultRetryOptions, type RetryOptions } from './retry-policy.ts';
import type { DeliveryTarget } from './target.ts';

export interface DeliveryEngineOptions {
  storage: Storage;
  targets: readonly DeliveryTarget[];
  retry?: Partial<RetryOptions>;
  circuit?: Partial<CircuitOptions>;
  clock?: () => number;
  leaseMs?: number;
  idlePollMs?: number;
  defaultThrottleMs?: number;
}

export interface TargetStatus {
  target: string;
  circuit: CircuitStateName;
  budget: BudgetSnapshot;
}

/**
 * Per-target delivery queues. Flows hand items to `enqueue`; one dispatcher per target drains
 * them within that target's budget. Subscribe to `events` ('delivered', 'retried',
 * 'dead-lettered', 'throttled', 'circuit') for metrics and tests.
 *
 * @example
 * const delivery = new DeliveryEngine({ storage, targets: [erpConnector] });
 * delivery.start();
 * await delivery.enqueue([{ target: 'erp', kind: 'command', key: 'SO-1', operation: 'bookOrder', payload, idempotencyKey: 'book:SO-1' }]);
 */
export class DeliveryEngine {
  readonly events = new EventEmitter();
  private readonly dispatchers = new Map<string, TargetDispatcher>();
  private readonly storage: Storage;
  private started = false;

  constructor(options: DeliveryEngineOptions) {
    this.storage = options.storage;
    this.events.setMaxListeners(0);
    const retry = new RetryPolicy({ ...defaultRetryOptions, ...options.retry });
    const circuit: CircuitOptions = { consecutiveFailures: 5, halfOpenAfterMs: 10_000, ...options.circuit };
    for (const target of options.targets) {
      if (this.dispatchers.has(target.name)) throw new Error(`delivery target "${target.name}" is registered twice`);
      this.dispatchers.set(
        target.name,
        new TargetDispatcher({
          target,
          store: options.storage.delivery,
          retry,
          circuit,
          events: this.events,
          clock: options.clock ?? Date.now,
          leaseMs: options.leaseMs ?? 120_000,
          idlePollMs: options.idlePollMs ?? 1_000,
          defaultThrottleMs: options.defaultThrottleMs ?? 1_000,
        }),
      );
    }
  }

  /** Durable before it resolves; wakes the targets concerned. Unknown targets are refused. */
  async enqueue(items: readonly NewDeliveryItem[]): Promise<EnqueueOutcome[]> {
    for (const item of items) {
      if (!this.dispatchers.has(item.target)) {
        throw new Error(`no delivery target named "${item.target}" (known: ${[...this.dispatchers.keys()].join(', ')})`);
      }
    }
    const outcomes = await this.storage.delivery.enqueue(items);
    this.wake(new Set(items.map((item) => item.target)));
    return outcomes;
  }

  /**
   * Starts every dispatcher. `recoverInFlight` hands back claims left by a crashed process:
   * only safe when no other worker shares the storage (the embedded mode).
   */
  async start(options: { recoverInFlight?: boolean } = {}): Promise<void> {
    if (this.started) return;
    this.started = true;
    if (options.recoverInFlight) {
      for (const name of this.dispatchers.keys()) await this.storage.delivery.recover(name, Date.now());
    }
    for (const dispatcher of this.dispatchers.values()) dispatcher.start();
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all([...this.dispatchers.values()].map((dispatcher) => dispatcher.stop()));
  }

  wake(targets?: ReadonlySet<string>): void {
    for (const dispatcher of this.dispatchers.values()) {
      if (!targets || targets.has(dispatcher.name)) dispatcher.wake();
    }
  }

  targets(): string[] {
    return [...this.dispatchers.keys()];
  }

  status(): TargetStatus[] {
    return [...this.dispatchers.values()].map((dispatcher) => ({
      target: dispatcher.name,
      circuit: dispatcher.circuitState,
      budget: dispatcher.budget.snapshot(),
    }));
  }
}
