import type { LatencyDistribution } from './types.ts';

/**
 * A small deterministic PRNG (mulberry32): the same seed gives the same sequence, so a test run
 * with injected faults is repeatable. Returns numbers in [0, 1).
 *
 * @example
 * const random = seededRandom(42);
 * random(); // 0.6011037519201636, every time
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** z-score of the 99th percentile of the standard normal distribution. */
const Z_P99 = 2.326347874;

/**
 * Draws an added latency (ms) from the log-normal distribution whose median is `p50Ms` and whose
 * 99th percentile is `p99Ms`. Network and service latencies are right-skewed, which a log-normal
 * models well: most calls near the median, a long tail towards p99 and beyond.
 */
export function drawLatencyMs(distribution: LatencyDistribution, random: () => number): number {
  const { p50Ms, p99Ms } = distribution;
  if (p50Ms <= 0) return 0;
  const mu = Math.log(p50Ms);
  const sigma = p99Ms > p50Ms ? Math.log(p99Ms / p50Ms) / Z_P99 : 0;
  return Math.exp(mu + sigma * standardNormal(random));
}

/** Box-Muller transform over the seeded uniform source. */
function standardNormal(random: () => number): number {
  const u1 = Math.max(random(), Number.MIN_VALUE);
  const u2 = random();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
