import type { EventEmitter } from 'node:events';
import type { DeliveryItem } from '../../ports/storage.ts';
import type { Hub } from '../../runtime/hub.ts';

export interface TargetSample {
  delivered: number;
  errors: number;
  pending: number;
  inFlight: number;
}

/** One point of the console's charts: what happened during the `intervalMs` before `at`. */
export interface MetricsSample {
  at: number;
  intervalMs: number;
  delivered: number;
  throughputPerSecond: number;
  /** Retried plus dead-lettered items. */
  errors: number;
  deadLettered: number;
  throttled: number;
  /** Enqueue-to-delivered latency of the items delivered in the interval; null when none were. */
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  /** Pending plus in-flight items over all targets, at `at`. */
  queueDepth: number;
  eventLogLag: number;
  byTarget: Record<string, TargetSample>;
}

export type SampledHub = Pick<Hub, 'delivery' | 'storage' | 'bus'>;

export interface MetricsSamplerOptions {
  /** Default 5 s. */
  intervalMs?: number;
  /** Samples kept; default 720 (an hour at 5 s). */
  capacity?: number;
  consumers?: readonly string[];
  clock?: () => number;
}

/** Latencies kept per interval to compute percentiles (reservoir sampling beyond). */
const LATENCY_RESERVOIR = 4_096;

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
}

/**
 * The console's chart data: a ring buffer sampled every few seconds from the hub's delivery
 * events and queue statistics. It lives in memory, so it starts empty when the process starts
 * (long-term history is Prometheus's job: scrape `/metrics`).
 *
 * @example
 * const sampler = new MetricsSampler(hub, { intervalMs: 5_000 });
 * sampler.start();
 * sampler.series(); // [{ at, throughputPerSecond, latencyMs: { p50, p95, p99 }, queueDepth, ... }]
 */
export class MetricsSampler {
  private readonly samples: MetricsSample[] = [];
  readonly intervalMs: number;
  private readonly capacity: number;
  private readonly clock: () => number;
  private timer: NodeJS.Timeout | undefined;
  private lastAt: number;
  private current = MetricsSampler.emptyInterval();
  private readonly listeners: [string, Parameters<EventEmitter['on']>[1]][];

  constructor(
    private readonly hub: SampledHub,
    private readonly options: MetricsSamplerOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 5_000;
    this.capacity = options.capacity ?? 720;
    this.clock = options.clock ?? Date.now;
    this.lastAt = this.clock();
    this.listeners = [
      ['delivered', (event: { target: string; items: DeliveryItem[] }) => this.onDelivered(event)],
      ['retried', (event: { target: string }) => this.count(event.target, 'errors')],
      ['dead-lettered', (event: { target: string }) => {
        this.current.deadLettered++;
        this.count(event.target, 'errors');
      }],
      ['throttled', () => void this.current.throttled++],
    ];
    for (const [name, listener] of this.listeners) hub.delivery.events.on(name, listener);
  }

  private static emptyInterval() {
    return { delivered: 0, errors: 0, deadLettered: 0, throttled: 0, latencies: [] as number[], seen: 0, byTarget: new Map<string, { delivered: number; errors: number }>() };
  }

  private target(name: string) {
    let entry = this.current.byTarget.get(name);
    if (!entry) {
      entry = { delivered: 0, errors: 0 };
      this.current.byTarget.set(name, entry);
    }
    return entry;
  }

  private count(target: string, what: 'errors'): void {
    this.current[what]++;
    this.target(target)[what]++;
  }

  private onDelivered(event: { target: string; items: DeliveryItem[] }): void {
    const now = this.clock();
    this.current.delivered += event.items.length;
    this.target(event.target).delivered += event.items.length;
    for (const item of event.items) {
      const latency = Math.max(0, now - item.enqueuedAt);
      this.current.seen++;
      if (this.current.latencies.length < LATENCY_RESERVOIR) this.current.latencies.push(latency);
      else {
        const slot = Math.floor(Math.random() * this.current.seen);
        if (slot < LATENCY_RESERVOIR) this.current.latencies[slot] = latency;
      }
    }
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.sample().catch(() => undefined), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const [name, listener] of this.listeners) this.hub.delivery.events.off(name, listener);
  }

  /** Closes the current interval into a sample (the timer calls it; tests call it directly). */
  async sample(): Promise<MetricsSample> {
    const interval = this.current;
    this.current = MetricsSampler.emptyInterval();
    const [stats, head] = await Promise.all([this.hub.storage.delivery.stats(), this.hub.bus.head()]);
    let lag = 0;
    for (const consumer of this.options.consumers ?? ['flows']) lag = Math.max(lag, head - (await this.hub.bus.position(consumer)));
    const at = this.clock();
    const intervalMs = Math.max(1, at - this.lastAt);
    this.lastAt = at;
    const sorted = [...interval.latencies].sort((a, b) => a - b);
    const byTarget: Record<string, TargetSample> = {};
    for (const row of stats) byTarget[row.target] = { delivered: 0, errors: 0, pending: row.pending, inFlight: row.inFlight };
    for (const [name, counts] of interval.byTarget) byTarget[name] = { pending: 0, inFlight: 0, ...byTarget[name], ...counts };
    const sample: MetricsSample = {
      at,
      intervalMs,
      delivered: interval.delivered,
      throughputPerSecond: (interval.delivered * 1000) / intervalMs,
      errors: interval.errors,
      deadLettered: interval.deadLettered,
      throttled: interval.throttled,
      latencyMs: { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) },
      queueDepth: stats.reduce((sum, row) => sum + row.pending + row.inFlight, 0),
      eventLogLag: lag,
      byTarget,
    };
    this.samples.push(sample);
    if (this.samples.length > this.capacity) this.samples.splice(0, this.samples.length - this.capacity);
    return sample;
  }

  /** Samples oldest first, optionally only those after `since` (ms since epoch). */
  series(since?: number): MetricsSample[] {
    return since === undefined ? [...this.samples] : this.samples.filter((sample) => sample.at > since);
  }
}
