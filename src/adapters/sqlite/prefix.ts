/**
 * `column >= ? AND column < ?` bounds that select exactly the values starting with `prefix`.
 *
 * Why not `LIKE 'prefix%'`: SQLite only turns LIKE into an index range when the index's
 * collation matches LIKE's case-insensitivity (or `case_sensitive_like` is on), and a prefix may
 * itself hold `%` or `_`; GLOB has the same problem with `*`, `?` and `[`. A range on the binary
 * collation always seeks the index (https://www.sqlite.org/optoverview.html#like_opt).
 * The upper bound is the prefix with its last code point incremented; UTF-8 keeps code point
 * order, so every value with the prefix sorts between the two.
 */
export function prefixRange(prefix: string): { from: string; to: string | null } {
  const points = Array.from(prefix, (char) => char.codePointAt(0)!);
  while (points.length > 0) {
    const last = points.pop()!;
    if (last >= 0x10ffff) continue; // nothing sorts after it: widen to the shorter prefix
    const next = last === 0xd7ff ? 0xe000 : last + 1; // skip the surrogate range
    return { from: prefix, to: String.fromCodePoint(...points, next) };
  }
  return { from: prefix, to: null }; // empty prefix: every value
}

/** The SQL condition and its parameters for "`column` starts with `prefix`" (see `prefixRange`). */
export function startsWith(column: string, prefix: string): { sql: string; params: string[] } {
  const range = prefixRange(prefix);
  return range.to === null ? { sql: `${column} >= ?`, params: [range.from] } : { sql: `${column} >= ? AND ${column} < ?`, params: [range.from, range.to] };
}
