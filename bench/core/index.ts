import { latencyBench } from './latency.ts';
import { rssBench } from './rss.ts';
import { throughputBench } from './throughput.ts';

export async function coreBench(options: { quick: boolean }): Promise<void> {
  await throughputBench({ events: options.quick ? 20_000 : 100_000 });
  await latencyBench({ ratePerSecond: 2_000, seconds: options.quick ? 3 : 10 });
  rssBench({ backlog: options.quick ? 100_000 : 1_000_000, runSeconds: options.quick ? 3 : 10 });
}
