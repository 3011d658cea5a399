import type { Bus } from '../ports/bus.ts';
import type { Storage } from '../ports/storage.ts';
import { DeliveryEngine, type DeliveryEngineOptions } from './delivery/engine.ts';
import type { DeliveryTarget } from './delivery/target.ts';
import type { FlowDefinition } from './flows/definition.ts';
import { FlowEngine, type FlowEngineOptions } from './flows/engine.ts';
import { Scheduler, type ScheduledJob } from './scheduler/scheduler.ts';

export interface HubOptions {
  bus: Bus;
  storage: Storage;
  targets: readonly DeliveryTarget[];
  flows: readonly FlowDefinition[];
  jobs?: readonly ScheduledJob[];
  /**
   * True when this process is the only worker on its storage (embedded SQLite): claims left by
   * a crash are handed back at once instead of waiting for their leases to run out.
   */
  soleWorker: boolean;
  delivery?: Omit<Partial<DeliveryEngineOptions>, 'storage' | 'targets'>;
  flowOptions?: Omit<Partial<FlowEngineOptions>, 'bus' | 'storage' | 'enqueue' | 'flows'>;
  onSchedulerError?(job: string, error: unknown): void;
  /**
   * How long delivered items stay queryable (for traces) before a scheduled job prunes them.
   * Dead, pending and in-flight items are never pruned. Default 7 days.
   */
  deliveredRetentionMs?: number;
}

export const DEFAULT_DELIVERED_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * The runtime assembled: event log consumers running flows, delivery queues per target, and
 * the scheduler, over whichever Storage and Bus adapters it is given.
 *
 * @example
 * const { bus, storage, close } = await openSqlite({ path: '.data/crossdock.sqlite' });
 * const hub = new Hub({ bus, storage, targets: [erp, commerce], flows: [orderCapture], soleWorker: true });
 * await hub.start();
 */
export class Hub {
  readonly delivery: DeliveryEngine;
  readonly flows: FlowEngine;
  readonly scheduler: Scheduler;

  constructor(readonly options: HubOptions) {
    this.delivery = new DeliveryEngine({ ...options.delivery, storage: options.storage, targets: options.targets });
    this.flows = new FlowEngine({
      ...options.flowOptions,
      bus: options.bus,
      storage: options.storage,
      enqueue: (items) => this.delivery.enqueue(items),
      flows: options.flows,
    });
    const retention = options.deliveredRetentionMs ?? DEFAULT_DELIVERED_RETENTION_MS;
    const pruneDelivered: ScheduledJob = {
      name: 'crossdock.prune-delivered',
      cron: '17 * * * *',
      run: async () => {
        await options.storage.delivery.prune(Date.now() - retention);
      },
    };
    this.scheduler = new Scheduler({
      store: options.storage.schedules,
      jobs: [pruneDelivered, ...(options.jobs ?? [])],
      ...(options.onSchedulerError && { onError: options.onSchedulerError }),
    });
  }

  get bus(): Bus {
    return this.options.bus;
  }

  get storage(): Storage {
    return this.options.storage;
  }

  async start(): Promise<void> {
    await this.delivery.start({ recoverInFlight: this.options.soleWorker });
    this.flows.start({ recoverTimerClaims: this.options.soleWorker });
    this.scheduler.start({ recoverAbandoned: this.options.soleWorker });
  }

  /** Stops taking new work and waits for what is in progress; the adapters stay open. */
  async stop(): Promise<void> {
    await this.scheduler.stop();
    await this.flows.stop();
    await this.delivery.stop();
  }
}
