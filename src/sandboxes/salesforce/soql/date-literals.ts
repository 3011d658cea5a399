import type { Literal } from './ast.ts';

const DAY_MS = 86_400_000;

/**
 * The [start, end) range in ms of a SOQL date literal, evaluated in UTC (the sandbox org's time
 * zone). LAST_N_DAYS:n includes today and the n days before it; NEXT_N_DAYS:n starts tomorrow.
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_dateformats.htm
 */
export function dateLiteralRange(literal: Extract<Literal, { kind: 'dateLiteral' }>, now: number): { start: number; end: number } {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const n = literal.n ?? 0;
  const date = new Date(today);
  switch (literal.name) {
    case 'TODAY':
      return { start: today, end: today + DAY_MS };
    case 'YESTERDAY':
      return { start: today - DAY_MS, end: today };
    case 'TOMORROW':
      return { start: today + DAY_MS, end: today + 2 * DAY_MS };
    case 'LAST_N_DAYS':
      return { start: today - n * DAY_MS, end: today + DAY_MS };
    case 'NEXT_N_DAYS':
      return { start: today + DAY_MS, end: today + (n + 1) * DAY_MS };
    case 'N_DAYS_AGO':
      return { start: today - n * DAY_MS, end: today - (n - 1) * DAY_MS };
    case 'THIS_MONTH':
      return { start: Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1), end: Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) };
    case 'LAST_MONTH':
      return { start: Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - 1, 1), end: Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) };
    default:
      throw new Error(`Unsupported date literal ${literal.name}`);
  }
}
