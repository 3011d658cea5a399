import { ActionKind } from './actions.ts';
import type { TrafficAction } from './actions.ts';

/**
 * How an action ended. `rejected` is the system refusing it with a business or validation error
 * (expected for bad data); `failed` is the system being unavailable, throttling or erroring;
 * `skipped` means there was nothing to act on (no hub configured, no released order to ship).
 */
export const ActionOutcome = { ok: 'ok', rejected: 'rejected', failed: 'failed', skipped: 'skipped' } as const;
export type ActionOutcome = (typeof ActionOutcome)[keyof typeof ActionOutcome];

export interface ActionResult {
  outcome: ActionOutcome;
  /** The system that answered last, and what it said when not ok (for logs; no personal data). */
  system?: string;
  detail?: string;
}

export type OutcomeCounts = Record<ActionOutcome, number>;

export interface TrafficCountersSnapshot {
  total: number;
  /** Rejected + failed. */
  errors: number;
  /** Actions that carried bad data on purpose. */
  badData: number;
  outcomes: OutcomeCounts;
  byKind: Record<ActionKind, OutcomeCounts>;
  /** The last few failures, newest last, for a summary line or a test message. */
  recentProblems: { sequence: number; kind: ActionKind; outcome: ActionOutcome; detail: string }[];
}

const emptyCounts = (): OutcomeCounts => ({ ok: 0, rejected: 0, failed: 0, skipped: 0 });
const RECENT_PROBLEMS = 20;

/** Live counters of a traffic run, read by the demo's summary line while the run goes on. */
export class TrafficCounters {
  private readonly byKind = Object.fromEntries(Object.values(ActionKind).map((kind) => [kind, emptyCounts()])) as Record<ActionKind, OutcomeCounts>;
  private readonly outcomes = emptyCounts();
  private readonly recentProblems: TrafficCountersSnapshot['recentProblems'] = [];
  private total = 0;
  private badData = 0;

  record(action: TrafficAction, result: ActionResult): void {
    this.total += 1;
    if (action.badData) this.badData += 1;
    this.outcomes[result.outcome] += 1;
    this.byKind[action.kind][result.outcome] += 1;
    if (result.outcome === ActionOutcome.rejected || result.outcome === ActionOutcome.failed) {
      this.recentProblems.push({ sequence: action.sequence, kind: action.kind, outcome: result.outcome, detail: `${result.system ?? ''}: ${result.detail ?? ''}` });
      if (this.recentProblems.length > RECENT_PROBLEMS) this.recentProblems.shift();
    }
  }

  snapshot(): TrafficCountersSnapshot {
    return {
      total: this.total,
      errors: this.outcomes.rejected + this.outcomes.failed,
      badData: this.badData,
      outcomes: { ...this.outcomes },
      byKind: Object.fromEntries(Object.entries(this.byKind).map(([kind, counts]) => [kind, { ...counts }])) as Record<ActionKind, OutcomeCounts>,
      recentProblems: [...this.recentProblems],
    };
  }
}
