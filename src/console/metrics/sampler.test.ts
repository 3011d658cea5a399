import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { DeliveryItem, DeliveryStats } from '../../ports/storage.ts';
import { MetricsSampler, type SampledHub } from './sampler.ts';

function fakeHub(stats: DeliveryStats[], head = 0, position = 0) {
  const events = new EventEmitter();
  const hub = {
    delivery: { events },
    storage: { delivery: { stats: async () => stats } },
    bus: { head: async () => head, position: async () => position },
  } as unknown as SampledHub;
  return { hub, events };
}

const item = (enqueuedAt: number) => ({ enqueuedAt }) as DeliveryItem;

describe('MetricsSampler', () => {
  it('turns delivery events of an interval into throughput, latency percentiles, errors and queue depth', async () => {
    let now = 10_000;
    const { hub, events } = fakeHub([{ target: 'erp', pending: 7, inFlight: 2, delivered: 0, dead: 1, oldestPendingAt: 1 }], 50, 20);
    const sampler = new MetricsSampler(hub, { clock: () => now, intervalMs: 5_000 });
    now = 15_000;
    // 100 items delivered with latencies 1..100 ms.
    events.emit('delivered', { target: 'erp', items: Array.from({ length: 100 }, (_, index) => item(now - (index + 1))), latencyMs: 30 });
    events.emit('retried', { target: 'erp' });
    events.emit('dead-lettered', { target: 'commerce' });
    events.emit('throttled', { target: 'erp' });
    const sample = await sampler.sample();
    expect(sample).toMatchObject({ at: 15_000, intervalMs: 5_000, delivered: 100, throughputPerSecond: 20, errors: 2, deadLettered: 1, throttled: 1, queueDepth: 9, eventLogLag: 30 });
    expect(sample.latencyMs).toEqual({ p50: 50, p95: 95, p99: 99 });
    expect(sample.byTarget).toEqual({ erp: { delivered: 100, errors: 1, pending: 7, inFlight: 2 }, commerce: { delivered: 0, errors: 1, pending: 0, inFlight: 0 } });

    now = 20_000;
    const quiet = await sampler.sample();
    expect(quiet).toMatchObject({ delivered: 0, errors: 0, latencyMs: { p50: null, p95: null, p99: null } });
    expect(sampler.series().map((entry) => entry.at)).toEqual([15_000, 20_000]);
    expect(sampler.series(15_000).map((entry) => entry.at)).toEqual([20_000]);
    sampler.stop();
  });

  it('keeps at most `capacity` samples, dropping the oldest', async () => {
    let now = 0;
    const { hub } = fakeHub([]);
    const sampler = new MetricsSampler(hub, { clock: () => (now += 1_000), capacity: 3 });
    for (let index = 0; index < 5; index++) await sampler.sample();
    expect(sampler.series().map((entry) => entry.at)).toEqual([4_000, 5_000, 6_000]);
    sampler.stop();
  });

  it('stops listening to the hub when stopped', () => {
    const { hub, events } = fakeHub([]);
    const sampler = new MetricsSampler(hub);
    expect(events.listenerCount('delivered')).toBe(1);
    sampler.stop();
    expect(events.listenerCount('delivered')).toBe(0);
  });
});
