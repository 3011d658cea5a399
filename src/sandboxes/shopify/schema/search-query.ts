/**
 * A subset of Shopify's search syntax for the `query:` argument
 * (https://shopify.dev/docs/api/usage/search-syntax): terms `field:value` joined by spaces or
 * AND, comparators `:>`, `:>=`, `:<`, `:<=`, quoted values, and `-field:value` negation.
 * Dates compare as instants; other values compare case-insensitively.
 */
export interface SearchTerm {
  field: string;
  comparator: '=' | '>' | '>=' | '<' | '<=';
  value: string;
  negated: boolean;
}

export function parseSearchQuery(query: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  const pattern = /(-?)([a-z_]+):(>=|<=|>|<)?\s*(?:'([^']*)'|"([^"]*)"|(\S+))/gi;
  for (const match of query.matchAll(pattern)) {
    terms.push({
      negated: match[1] === '-',
      field: (match[2] as string).toLowerCase(),
      comparator: (match[3] as SearchTerm['comparator'] | undefined) ?? '=',
      value: match[4] ?? match[5] ?? match[6] ?? '',
    });
  }
  return terms;
}

/** Keeps the items whose fields (read by `fieldOf`) satisfy every term; unknown fields are ignored. */
export function matchesSearch(terms: readonly SearchTerm[], fieldOf: (field: string) => string | number | null | undefined): boolean {
  return terms.every((term) => {
    const actual = fieldOf(term.field);
    if (actual === undefined) return true;
    const result = compare(actual, term);
    return term.negated ? !result : result;
  });
}

function compare(actual: string | number | null, term: SearchTerm): boolean {
  if (actual === null) return false;
  const isDate = /_at$/.test(term.field);
  let left: number | string;
  let right: number | string;
  if (isDate) {
    left = Date.parse(String(actual));
    right = Date.parse(term.value);
    if (Number.isNaN(right)) return false;
  } else if (typeof actual === 'number') {
    left = actual;
    right = Number(term.value);
  } else {
    left = actual.toLowerCase();
    right = term.value.toLowerCase();
  }
  switch (term.comparator) {
    case '=':
      return left === right;
    case '>':
      return left > right;
    case '>=':
      return left >= right;
    case '<':
      return left < right;
    case '<=':
      return left <= right;
  }
}
