import { percentile, report, round } from '../report.ts';
import { benchEvent, openPipeline } from './pipeline.ts';

/**
 * Hub-added latency at a steady arrival rate: from the moment an event is handed to the hub
 * (publish called) to the moment its delivery reaches the target. Events arrive in small
 * groups every few milliseconds, as webhooks would.
 */
export async function latencyBench(options: { ratePerSecond: number; seconds: number }): Promise<void> {
  const pipeline = await openPipeline();
  const publishedAt = new Map<string, number>();
  const latencies: number[] = [];
  pipeline.target.onBatch = (batch, at) => {
    for (const item of batch) {
      const sent = publishedAt.get(item.key + '|' + (item.payload as { index: number }).index);
      if (sent !== undefined) latencies.push(at - sent);
    }
  };
  try {
    await pipeline.hub.start();
    const total = options.ratePerSecond * options.seconds;
    const tickMs = 5;
    const perTick = (options.ratePerSecond * tickMs) / 1000;
    const started = performance.now();
    let sent = 0;
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - started) / tickMs + 1) * perTick));
      const batch = [];
      for (; sent < due; sent++) {
        const event = benchEvent(sent, 1_000);
        publishedAt.set(`${event.subject}|${sent}`, performance.now());
        batch.push(event);
      }
      if (batch.length > 0) await pipeline.adapters.bus.publish(batch);
      await new Promise((resolve) => setTimeout(resolve, tickMs));
    }
    const deadline = performance.now() + 30_000;
    while (latencies.length < total && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    latencies.sort((a, b) => a - b);
    const common = { unit: 'ms', rate_per_s: options.ratePerSecond, events: total, measured: latencies.length };
    report({ name: 'core.p50_ms', value: round(percentile(latencies, 50)), ...common });
    report({ name: 'core.p99_ms', value: round(percentile(latencies, 99)), ...common });
  } finally {
    await pipeline.close();
  }
}
