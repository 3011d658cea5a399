import { describe, expect, it } from 'vitest';
import { changeVersion } from './report.ts';

const SECOND = Date.parse('2026-11-23T09:00:05Z');
const version = (time: string | undefined, sourceTimestamp = '2026-11-23T09:00:05Z') =>
  changeVersion(time === undefined ? {} : { time }, { sourceTimestamp });

describe('changeVersion', () => {
  it('orders two edits of one second by the event time inside that second', () => {
    expect(version('2026-11-23T09:00:05.200Z')).toBe(SECOND + 200);
    expect(version('2026-11-23T09:00:05.700Z')).toBeGreaterThan(version('2026-11-23T09:00:05.200Z'));
  });

  it('keeps an edit whose webhook fired just past the second newer than an earlier edit of that second', () => {
    // The edit was stamped 09:00:05 (updated_at truncated); the store emitted at 09:00:06.002.
    const lateTrigger = version('2026-11-23T09:00:06.002Z');
    expect(lateTrigger).toBe(SECOND + 999);
    expect(lateTrigger).toBeGreaterThan(version('2026-11-23T09:00:05.600Z'));
    expect(lateTrigger).toBeLessThan(version('2026-11-23T09:00:06.100Z', '2026-11-23T09:00:06Z'));
  });

  it('falls back to the source timestamp without an event time, or with one before it (clock skew)', () => {
    expect(version(undefined)).toBe(SECOND);
    expect(version('2026-11-23T09:00:04.900Z')).toBe(SECOND);
    expect(changeVersion({ time: '2026-11-23T09:00:04.900Z' }, { sourceTimestamp: 'not a date' })).toBe(SECOND - 100);
  });
});
