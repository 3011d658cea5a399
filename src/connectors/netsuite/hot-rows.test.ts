import { describe, expect, it } from 'vitest';
import type { DeltaRow } from './delta-query.ts';
import { HotRowTracker } from './hot-rows.ts';

const row = (key: string, stamp: string, now: string): DeltaRow => ({ key, wm_stamp: `2026-11-23 08:00:${stamp}`, wm_now: `2026-11-23 08:00:${now}` });

describe('HotRowTracker', () => {
  it('calls a row hot once it has stayed recent for the settle period and changed meanwhile', () => {
    const tracker = new HotRowTracker((r) => r.key!, 3);
    expect(tracker.hotRows({ rows: [], unsettled: [row('a', '10', '10')], sawEnd: true })).toEqual([]);
    expect(tracker.hotRows({ rows: [], unsettled: [row('a', '12', '12')], sawEnd: true })).toEqual([]);
    expect(tracker.hotRows({ rows: [], unsettled: [row('a', '13', '13')], sawEnd: true }).map((r) => r.wm_stamp)).toEqual(['2026-11-23 08:00:13']);
  });

  it('does not call a row hot that changed once and is only at the end of its settle period', () => {
    const tracker = new HotRowTracker((r) => r.key!, 3);
    tracker.hotRows({ rows: [], unsettled: [row('a', '10', '10')], sawEnd: true });
    expect(tracker.hotRows({ rows: [], unsettled: [row('a', '10', '13')], sawEnd: true })).toEqual([]);
  });

  it('forgets a row once it is read settled, or gone from a page that reached the newest change', () => {
    const tracker = new HotRowTracker((r) => r.key!, 3);
    tracker.hotRows({ rows: [], unsettled: [row('a', '10', '10'), row('b', '10', '10')], sawEnd: true });
    tracker.hotRows({ rows: [row('a', '10', '14')], unsettled: [], sawEnd: false });
    expect(tracker.watched).toBe(1);
    // A full page of older rows does not show the recent ones: b is still watched.
    tracker.hotRows({ rows: [], unsettled: [], sawEnd: false });
    expect(tracker.watched).toBe(1);
    tracker.hotRows({ rows: [], unsettled: [], sawEnd: true });
    expect(tracker.watched).toBe(0);
  });
});
