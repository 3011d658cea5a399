import { SuiteQlError } from './ast.ts';

/**
 * Oracle-style date masks used with TO_DATE / TO_CHAR in SuiteQL (YYYY, MM, DD, HH24, HH, MI, SS;
 * anything else is a literal separator). The sandbox account runs in UTC.
 */
const MASK_TOKENS = ['YYYY', 'HH24', 'MM', 'DD', 'HH', 'MI', 'SS'] as const;
type MaskToken = (typeof MASK_TOKENS)[number];

function splitMask(mask: string): (MaskToken | { literal: string })[] {
  const parts: (MaskToken | { literal: string })[] = [];
  let i = 0;
  const upper = mask.toUpperCase();
  while (i < mask.length) {
    const token = MASK_TOKENS.find((t) => upper.startsWith(t, i));
    if (token) {
      parts.push(token);
      i += token.length;
    } else if (mask.charAt(i) === '"') {
      const end = mask.indexOf('"', i + 1);
      parts.push({ literal: mask.slice(i + 1, end < 0 ? undefined : end) });
      i = end < 0 ? mask.length : end + 1;
    } else {
      parts.push({ literal: mask.charAt(i) });
      i++;
    }
  }
  return parts;
}

export function parseWithMask(value: string, mask: string): Date {
  const fields: Partial<Record<MaskToken, number>> = {};
  let rest = value.trim();
  for (const part of splitMask(mask)) {
    if (typeof part !== 'string') {
      if (!rest.startsWith(part.literal)) throw new SuiteQlError(`The date '${value}' does not match the format '${mask}'.`);
      rest = rest.slice(part.literal.length);
      continue;
    }
    const digits = /^\d{1,4}/.exec(rest)?.[0];
    if (!digits) throw new SuiteQlError(`The date '${value}' does not match the format '${mask}'.`);
    fields[part] = Number(digits);
    rest = rest.slice(digits.length);
  }
  if (rest.length > 0) throw new SuiteQlError(`The date '${value}' does not match the format '${mask}'.`);
  const date = new Date(
    Date.UTC(fields.YYYY ?? 1970, (fields.MM ?? 1) - 1, fields.DD ?? 1, fields.HH24 ?? fields.HH ?? 0, fields.MI ?? 0, fields.SS ?? 0),
  );
  if (Number.isNaN(date.getTime())) throw new SuiteQlError(`The date '${value}' is not valid.`);
  return date;
}

export function formatWithMask(date: Date, mask: string): string {
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return splitMask(mask)
    .map((part) => {
      if (typeof part !== 'string') return part.literal;
      switch (part) {
        case 'YYYY':
          return pad(date.getUTCFullYear(), 4);
        case 'MM':
          return pad(date.getUTCMonth() + 1);
        case 'DD':
          return pad(date.getUTCDate());
        case 'HH24':
          return pad(date.getUTCHours());
        case 'HH':
          return pad(date.getUTCHours() % 12 || 12);
        case 'MI':
          return pad(date.getUTCMinutes());
        case 'SS':
          return pad(date.getUTCSeconds());
      }
      return '';
    })
    .join('');
}

/**
 * A string compared with a date column: ISO 8601 (`2026-11-23`, `2026-11-23T08:00:00Z`) or the
 * account's date format (M/D/YYYY).
 */
export function parseDateLiteral(value: string): Date | undefined {
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value.trim());
  if (us) return new Date(Date.UTC(Number(us[3]), Number(us[1]) - 1, Number(us[2])));
  if (!/^\d{4}-\d{2}-\d{2}/.test(value.trim())) return undefined;
  const date = new Date(value.trim().length === 10 ? `${value.trim()}T00:00:00Z` : value.trim());
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** How SuiteQL renders a date column without TO_CHAR: the account's date format, M/D/YYYY. */
export function defaultDateText(date: Date): string {
  return `${date.getUTCMonth() + 1}/${date.getUTCDate()}/${date.getUTCFullYear()}`;
}
