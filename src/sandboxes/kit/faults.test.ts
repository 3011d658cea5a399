import { describe, expect, it } from 'vitest';
import { createFaultController, InvalidFaultConfigError, parseFaultConfig, planFaults } from './faults.ts';
import { seededRandom } from './random.ts';

describe('planFaults', () => {
  it('answers 503 inside a downtime window and serves outside it', () => {
    const config = { downtime: [{ from: 1_000, to: 2_000 }] };
    expect(planFaults(config, seededRandom(1), 1_500).fail).toEqual({ status: 503, reason: 'downtime' });
    expect(planFaults(config, seededRandom(1), 2_000).fail).toBeUndefined();
    expect(planFaults(config, seededRandom(1), 999).fail).toBeUndefined();
  });

  it('fails every request at rate 1 and none at rate 0', () => {
    const random = seededRandom(3);
    for (let i = 0; i < 50; i++) {
      expect(planFaults({ errorRates: { 500: 1 } }, random, 0).fail).toEqual({ status: 500, reason: 'injected' });
      expect(planFaults({ errorRates: { 500: 0, 503: 0, 429: 0 } }, random, 0).fail).toBeUndefined();
    }
  });

  it('rolls each status independently: about the configured share fails', () => {
    const random = seededRandom(11);
    let failures = 0;
    for (let i = 0; i < 10_000; i++) if (planFaults({ errorRates: { 429: 0.2 } }, random, 0).fail) failures++;
    expect(failures).toBeGreaterThan(1_800);
    expect(failures).toBeLessThan(2_200);
  });

  it('adds the slow-response hold on top of the drawn latency', () => {
    const plan = planFaults({ slowRate: 1, slowResponseMs: 30_000, latency: { p50Ms: 10, p99Ms: 10 } }, seededRandom(5), 0);
    expect(plan.delayMs).toBeCloseTo(30_010);
  });
});

describe('parseFaultConfig', () => {
  it('names the bad key: an unknown key, a rate above 1, an inverted window', () => {
    expect(() => parseFaultConfig({ errorRate: { 500: 1 } })).toThrow(/\/errorRate/);
    expect(() => parseFaultConfig({ errorRates: { 500: 2 } })).toThrow(/\/errorRates\/500/);
    expect(() => parseFaultConfig({ webhooks: { dupes: 1 } })).toThrow(/\/webhooks\/dupes/);
    try {
      parseFaultConfig({ downtime: [{ from: 10, to: 5 }] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidFaultConfigError);
      expect((error as InvalidFaultConfigError).field).toBe('/downtime/0/to');
    }
  });

  it('replaces the whole configuration through the controller', () => {
    const controller = createFaultController({ errorRates: { 500: 0.5 } });
    controller.set({ slowRate: 0.1, slowResponseMs: 100 });
    expect(controller.get()).toEqual({ slowRate: 0.1, slowResponseMs: 100 });
    expect(() => controller.set({ slowRate: -1 })).toThrow(InvalidFaultConfigError);
  });
});
