import type { InvariantResult } from '../../flows/invariants.ts';
import type { TrafficRunSummary } from '../../sandboxes/traffic/index.ts';

/** What `crossdock demo --report FILE` writes: the run, its counts, and the invariants' verdicts. */
export interface DemoReport {
  seed: number;
  durationSeconds: number;
  rate: number;
  startedAt: string;
  finishedAt: string;
  /** True when the hub went quiet (nothing queued, flows caught up) before the report was taken. */
  quiet: boolean;
  traffic: Pick<TrafficRunSummary, 'total' | 'errors' | 'badData' | 'outcomes' | 'notDispatched'> & { byKind: Record<string, number> };
  hub: { events: number; delivered: number; deadLettersOpen: number; flowsWaiting: number; flowsFailed: number };
  /** Business counts per flow, e.g. `orders.captured`, `orders.booked`, `returns.refunded`. */
  counts: Record<string, number>;
  invariants: Record<string, InvariantResult>;
}

export function invariantsSummary(invariants: Record<string, InvariantResult>): { ok: number; failed: string[] } {
  const entries = Object.entries(invariants);
  return { ok: entries.filter(([, result]) => result.ok).length, failed: entries.filter(([, result]) => !result.ok).map(([name]) => name) };
}

/**
 * The demo's exit status: a run whose invariants fail exits 1, so `npm run demo` in a script or
 * CI job fails loudly instead of printing "FAILED" under an exit code of 0. A run stopped with
 * Ctrl-C is not judged: its checks ran on a half-played day.
 */
export function demoExitCode(report: Pick<DemoReport, 'invariants'>, stopped: boolean): 0 | 1 {
  if (stopped) return 0;
  return invariantsSummary(report.invariants).failed.length > 0 ? 1 : 0;
}
