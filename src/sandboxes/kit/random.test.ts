import { describe, expect, it } from 'vitest';
import { drawLatencyMs, seededRandom } from './random.ts';

describe('seededRandom', () => {
  it('repeats the same sequence for the same seed and differs for another seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const seqA = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(seqA);
    expect([c(), c(), c()]).not.toEqual(seqA);
    for (const value of seqA) expect(value >= 0 && value < 1).toBe(true);
  });
});

describe('drawLatencyMs', () => {
  it('fits a log-normal to p50 and p99: sample quantiles land near them', () => {
    const random = seededRandom(7);
    const draws = Array.from({ length: 20_000 }, () => drawLatencyMs({ p50Ms: 100, p99Ms: 1_000 }, random)).sort(
      (x, y) => x - y,
    );
    const p50 = draws[Math.floor(draws.length * 0.5)] ?? 0;
    const p99 = draws[Math.floor(draws.length * 0.99)] ?? 0;
    expect(p50).toBeGreaterThan(90);
    expect(p50).toBeLessThan(110);
    expect(p99).toBeGreaterThan(800);
    expect(p99).toBeLessThan(1_250);
  });

  it('is constant when p99 equals p50 and zero when p50 is zero', () => {
    const random = seededRandom(1);
    expect(drawLatencyMs({ p50Ms: 40, p99Ms: 40 }, random)).toBeCloseTo(40);
    expect(drawLatencyMs({ p50Ms: 0, p99Ms: 100 }, random)).toBe(0);
  });
});
