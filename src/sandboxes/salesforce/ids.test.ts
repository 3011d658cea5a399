import { describe, expect, it } from 'vitest';
import { IdFactory, checksumSuffix, isWellFormedId, toId18 } from './ids.ts';

describe('Salesforce ids', () => {
  it('computes the documented 18-character suffix', () => {
    // 001D0 → D upper at position 3 → 8 → "I"; 00000 → "A"; IqhSL → 1 + 8 + 16 = 25 → "Z"
    expect(checksumSuffix('001D000000IqhSL')).toBe('IAZ');
    expect(toId18('001D000000IqhSL')).toBe('001D000000IqhSLIAZ');
  });

  it('issues unique well-formed ids with the object key prefix', () => {
    const ids = new IdFactory();
    const first = ids.next('001');
    const second = ids.next('001');
    expect(first).toMatch(/^001[A-Za-z0-9]{15}$/);
    expect(first).not.toBe(second);
    expect(isWellFormedId(first)).toBe(true);
    expect(ids.next('a0S').startsWith('a0S')).toBe(true);
  });

  it('rejects malformed ids and wrong suffixes', () => {
    expect(isWellFormedId('001D000000IqhSL')).toBe(true);
    expect(isWellFormedId('001D000000IqhSLIAA')).toBe(false);
    expect(isWellFormedId('not-an-id')).toBe(false);
    expect(isWellFormedId('001D000000IqhS')).toBe(false);
  });
});
