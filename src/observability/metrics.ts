import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DeliveryItem } from '../ports/storage.ts';
import type { Hub } from '../runtime/hub.ts';
import type { FlowRunReport } from '../runtime/flows/engine.ts';
import type { ScheduledRun } from '../runtime/scheduler/scheduler.ts';
import type { InboundEventsChannel, InboundEventsCount } from './inbound-events.ts';

const CIRCUIT_STATE_VALUE = { closed: 0, open: 1, 'half-open': 2, isolated: 3 } as const;

/**
 * Prometheus metrics of a hub, named `crossdock_*`. Counters and histograms follow the runtime's
 * events; gauges (queue depth, quota, circuit state, log lag) are read from the hub and its
 * storage when Prometheus scrapes, so they are never stale and cost nothing in between.
 * `inboundEvents` is the channel the server's inbound routes count their events on.
 *
 * @example
 * const metrics = createHubMetrics(hub);
 * app.get('/metrics', async (_request, reply) => reply.type(metrics.contentType).send(await metrics.registry.metrics()));
 */
export function createHubMetrics(hub: Hub, options: { consumers?: readonly string[]; defaultMetrics?: boolean; inboundEvents?: InboundEventsChannel } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'crossdock_process_' });

  const deliveredItems = new Counter({
    name: 'crossdock_delivery_items_total',
    help: 'Delivery items by target and outcome (delivered, retried, dead_lettered).',
    labelNames: ['target', 'outcome'] as const,
    registers: [registry],
  });
  const requestDuration = new Histogram({
    name: 'crossdock_delivery_request_duration_seconds',
    help: 'Duration of successful delivery requests to a target.',
    labelNames: ['target'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const queueLatency = new Histogram({
    name: 'crossdock_delivery_queue_latency_seconds',
    help: 'Time from enqueue to successful delivery, per target.',
    labelNames: ['target'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
    registers: [registry],
  });
  const throttles = new Counter({
    name: 'crossdock_delivery_throttled_total',
    help: 'Throttle answers (429, THROTTLED, REQUEST_LIMIT_EXCEEDED) per target.',
    labelNames: ['target'] as const,
    registers: [registry],
  });
  const flowOutcomes = new Counter({
    name: 'crossdock_flow_runs_total',
    help: 'Flow runs by flow and outcome (completed, waiting, failed).',
    labelNames: ['flow', 'outcome'] as const,
    registers: [registry],
  });
  const flowRunDuration = new Histogram({
    name: 'crossdock_flow_run_duration_seconds',
    help: 'Duration of each flow run, from its start or resume to its outcome (completed, waiting, failed); waits between runs are not in it.',
    labelNames: ['flow'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const inboundEvents = new Counter({
    name: 'crossdock_inbound_events_total',
    help: 'Events sent to the hub, by inbound route (events, webhook:<role>), type and outcome (accepted, duplicate, refused, exception, failed).',
    labelNames: ['source', 'type', 'outcome'] as const,
    registers: [registry],
  });

  new Gauge({
    name: 'crossdock_delivery_queue_depth',
    help: 'Delivery items per target and status (pending, in_flight, dead).',
    labelNames: ['target', 'status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const stats of await hub.storage.delivery.stats()) {
        this.set({ target: stats.target, status: 'pending' }, stats.pending);
        this.set({ target: stats.target, status: 'in_flight' }, stats.inFlight);
        this.set({ target: stats.target, status: 'dead' }, stats.dead);
      }
    },
  });
  new Gauge({
    name: 'crossdock_delivery_oldest_pending_age_seconds',
    help: 'Age of the oldest pending delivery item per target: how late the target is.',
    labelNames: ['target'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const now = Date.now();
      for (const stats of await hub.storage.delivery.stats()) {
        this.set({ target: stats.target }, stats.oldestPendingAt === null ? 0 : (now - stats.oldestPendingAt) / 1000);
      }
    },
  });
  new Gauge({
    name: 'crossdock_circuit_state',
    help: 'Circuit breaker state per target: 0 closed, 1 open, 2 half-open, 3 isolated.',
    labelNames: ['target'] as const,
    registers: [registry],
    collect() {
      for (const status of hub.delivery.status()) this.set({ target: status.target }, CIRCUIT_STATE_VALUE[status.circuit]);
    },
  });
  new Gauge({
    name: 'crossdock_quota_used',
    help: "Requests used in the target's rolling window, as the target last reported them.",
    labelNames: ['target'] as const,
    registers: [registry],
    collect() {
      for (const status of hub.delivery.status()) {
        if (status.budget.requestsUsed !== null) this.set({ target: status.target }, status.budget.requestsUsed);
      }
    },
  });
  new Gauge({
    name: 'crossdock_quota_limit',
    help: "The target's request allocation for its rolling window.",
    labelNames: ['target'] as const,
    registers: [registry],
    collect() {
      for (const status of hub.delivery.status()) {
        if (status.budget.requestsLimit !== null) this.set({ target: status.target }, status.budget.requestsLimit);
      }
    },
  });
  new Gauge({
    name: 'crossdock_target_cost_points_available',
    help: "Cost points available in the target's bucket (Shopify GraphQL), as the target last reported them and restored since.",
    labelNames: ['target'] as const,
    registers: [registry],
    collect() {
      for (const status of hub.delivery.status()) {
        if (status.budget.costAvailable !== null) this.set({ target: status.target }, status.budget.costAvailable);
      }
    },
  });
  new Gauge({
    name: 'crossdock_target_cost_points_capacity',
    help: "Size of the target's cost point bucket.",
    labelNames: ['target'] as const,
    registers: [registry],
    collect() {
      for (const status of hub.delivery.status()) {
        if (status.budget.costCapacity !== null) this.set({ target: status.target }, status.budget.costCapacity);
      }
    },
  });
  new Gauge({
    name: 'crossdock_delivery_concurrency',
    help: 'Requests in flight and the adaptive concurrency limit per target.',
    labelNames: ['target', 'kind'] as const,
    registers: [registry],
    collect() {
      for (const status of hub.delivery.status()) {
        this.set({ target: status.target, kind: 'in_flight' }, status.budget.inFlight);
        this.set({ target: status.target, kind: 'limit' }, status.budget.effectiveConcurrency);
      }
    },
  });
  new Gauge({
    name: 'crossdock_event_log_lag_events',
    help: 'Events in the log not yet acknowledged by a consumer.',
    labelNames: ['consumer'] as const,
    registers: [registry],
    async collect() {
      const head = await hub.bus.head();
      for (const consumer of options.consumers ?? ['flows']) this.set({ consumer }, head - (await hub.bus.position(consumer)));
    },
  });
  new Gauge({
    name: 'crossdock_dead_letters_open',
    help: 'Open dead letters (delivery and flow) awaiting an operator.',
    registers: [registry],
    async collect() {
      this.set(await hub.storage.deadLetters.count({ status: 'open' }));
    },
  });

  new Gauge({
    name: 'crossdock_flow_timer_next_fire_timestamp_seconds',
    help: 'When the next durable flow timer fires (a pause, an SLA, an expiry); 0 when none is armed.',
    registers: [registry],
    async collect() {
      const next = await hub.storage.timers.nextFireAt();
      this.set(next === undefined ? 0 : next / 1000);
    },
  });
  const scheduledRuns = new Counter({
    name: 'crossdock_scheduled_job_runs_total',
    help: 'Runs of scheduled jobs (pollers, batch jobs) by job and outcome (ok, failed).',
    labelNames: ['job', 'outcome'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'crossdock_scheduled_job_last_finished_timestamp_seconds',
    help: 'When each scheduled job last finished a run (any worker, any restart): alert when a poller stops moving.',
    labelNames: ['job'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const schedule of await hub.storage.schedules.list()) {
        if (schedule.finishedAt !== null) this.set({ job: schedule.name }, schedule.finishedAt / 1000);
      }
    },
  });

  const now = () => Date.now();
  hub.scheduler.events.on('run', (run: ScheduledRun) => scheduledRuns.inc({ job: run.job, outcome: run.outcome }));
  hub.delivery.events.on('delivered', (event: { target: string; items: DeliveryItem[]; latencyMs: number }) => {
    deliveredItems.inc({ target: event.target, outcome: 'delivered' }, event.items.length);
    requestDuration.observe({ target: event.target }, event.latencyMs / 1000);
    const at = now();
    for (const item of event.items) queueLatency.observe({ target: event.target }, (at - item.enqueuedAt) / 1000);
  });
  hub.delivery.events.on('retried', (event: { target: string }) => deliveredItems.inc({ target: event.target, outcome: 'retried' }));
  hub.delivery.events.on('dead-lettered', (event: { target: string }) => deliveredItems.inc({ target: event.target, outcome: 'dead_lettered' }));
  hub.delivery.events.on('throttled', (event: { target: string }) => throttles.inc({ target: event.target }));
  for (const outcome of ['completed', 'waiting', 'failed'] as const) {
    hub.flows.events.on(outcome, (event: FlowRunReport) => {
      flowOutcomes.inc({ flow: event.flow, outcome });
      if (event.durationMs !== undefined) flowRunDuration.observe({ flow: event.flow }, event.durationMs / 1000);
    });
  }
  options.inboundEvents?.subscribe((count: InboundEventsCount) => inboundEvents.inc({ source: count.source, type: count.type, outcome: count.outcome }, count.count));

  return { registry, contentType: registry.contentType };
}
