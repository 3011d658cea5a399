import { describe, expect, it } from 'vitest';
import { matchesSearch, parseSearchQuery } from './search-query.ts';

describe('search query', () => {
  it('parses comparators, quotes, AND and negation', () => {
    expect(parseSearchQuery(`updated_at:>'2026-01-01T00:00:00Z' AND -status:cancelled email:"a@b.c" sku:TEE`)).toEqual([
      { negated: false, field: 'updated_at', comparator: '>', value: '2026-01-01T00:00:00Z' },
      { negated: true, field: 'status', comparator: '=', value: 'cancelled' },
      { negated: false, field: 'email', comparator: '=', value: 'a@b.c' },
      { negated: false, field: 'sku', comparator: '=', value: 'TEE' },
    ]);
  });

  it('compares dates as instants and text case-insensitively; ignores unknown fields', () => {
    const order = { updated_at: '2026-02-01T10:00:00.000Z', email: 'Ada@Example.com' } as Record<string, string>;
    const read = (field: string) => order[field];
    expect(matchesSearch(parseSearchQuery("updated_at:>='2026-02-01T10:00:00Z'"), read)).toBe(true);
    expect(matchesSearch(parseSearchQuery("updated_at:>'2026-02-01T10:00:00Z'"), read)).toBe(false);
    expect(matchesSearch(parseSearchQuery('email:ada@example.com'), read)).toBe(true);
    expect(matchesSearch(parseSearchQuery('-email:ada@example.com'), read)).toBe(false);
    expect(matchesSearch(parseSearchQuery('vendor:acme'), read)).toBe(true);
  });
});
