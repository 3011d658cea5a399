import { secondsOfStamp, type DeltaPage, type DeltaRow } from './delta-query.ts';

/**
 * Finds the rows that never settle. The delta poller leaves a row changed in the last
 * `settleSeconds` for a later poll, so that a change committed late in a second cannot fall
 * behind the watermark. A row that keeps changing more often than that (a best-seller's stock
 * at a busy store during a sale) is recent at every poll and would reach the hub only once the
 * sale calms down. This remembers since when each recent row has been seen recent (by
 * NetSuite's own clock) and its stamp then; one still recent `settleSeconds` (at least one
 * second) later with a newer stamp changed again meanwhile and is hot: the poller reads its
 * current value early. (Still recent with the same stamp only means its settle period is not
 * quite over: it is read as usual at the next poll.) The watermark never moves for an early read; the
 * row is emitted as usual once it settles.
 *
 * Kept in memory: after a restart a hot row is found again one settle period later.
 */
export class HotRowTracker {
  /** Row key → the NetSuite second it was first seen recent (unsettled), and its stamp then. */
  private readonly recentSince = new Map<string, { since: number; stamp: string }>();
  private readonly minimumSeconds: number;

  constructor(
    private readonly keyOf: (row: DeltaRow) => string,
    settleSeconds: number,
  ) {
    this.minimumSeconds = Math.max(1, settleSeconds);
  }

  /** The unsettled rows of a page that have stayed recent for a settle period: read them early. */
  hotRows(page: Pick<DeltaPage, 'rows' | 'unsettled' | 'sawEnd'>): DeltaRow[] {
    for (const row of page.rows) this.recentSince.delete(this.keyOf(row));
    const hot: DeltaRow[] = [];
    const seen = new Set<string>();
    for (const row of page.unsettled) {
      const key = this.keyOf(row);
      seen.add(key);
      const now = secondsOfStamp(row.wm_now ?? row.wm_stamp);
      const first = this.recentSince.get(key);
      if (first === undefined) this.recentSince.set(key, { since: now, stamp: row.wm_stamp });
      else if (now - first.since >= this.minimumSeconds && row.wm_stamp !== first.stamp) hot.push(row);
    }
    // A row that is no longer recent settled and was (or will be) read as usual. Only a page
    // that reached the newest change shows every recent row, so only then can absence be told.
    if (page.sawEnd) for (const key of this.recentSince.keys()) if (!seen.has(key)) this.recentSince.delete(key);
    return hot;
  }

  /** Rows being watched (for tests and diagnostics). */
  get watched(): number {
    return this.recentSince.size;
  }
}
