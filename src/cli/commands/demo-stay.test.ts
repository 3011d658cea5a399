import { describe, expect, it } from 'vitest';
import { staysAfterTheDay } from './demo.ts';

describe('whether the demo keeps the console up after the day', () => {
  it('stays on a terminal, so the person who typed npm run demo can look around the console', () => {
    expect(staysAfterTheDay({}, true)).toBe(true);
  });

  it('ends without a terminal or when a report is asked for (a script)', () => {
    expect(staysAfterTheDay({}, false)).toBe(false);
    expect(staysAfterTheDay({ report: 'report.json' }, true)).toBe(false);
  });

  it('does what --stay and --no-stay say', () => {
    expect(staysAfterTheDay({ stay: true }, false)).toBe(true);
    expect(staysAfterTheDay({ stay: false }, true)).toBe(false);
  });
});
