import { FormatRegistry } from '@sinclair/typebox';

/**
 * The string formats the canonical schemas use, registered with TypeBox's global
 * FormatRegistry. TypeBox checks no format by itself: an unregistered format fails every
 * value, and a format registered loosely elsewhere would let bad data through, so the
 * canonical definitions are set unconditionally (they are the stricter, correct ones and
 * Fastify's TypeBox type provider then validates HTTP bodies with them too).
 */

// RFC 3339 section 5.6 `date-time`: full-date "T" full-time, offset required.
// https://www.rfc-editor.org/rfc/rfc3339#section-5.6 (RFC 3339 allows lower-case t and z).
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|([+-])(\d{2}):(\d{2}))$/;
const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

// The WHATWG "valid e-mail address" grammar (what browsers accept in <input type=email>),
// https://html.spec.whatwg.org/multipage/input.html#valid-e-mail-address, narrowed to a
// domain with at least one dot: a dotless domain ("jane@gmail") is a typo in retail data.
const EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$/;
// RFC 5321 section 4.5.3.1.3: a forward-path is at most 256 octets including the angle
// brackets, so an address is at most 254 characters.
const EMAIL_MAX_LENGTH = 254;

const URI_SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** RFC 3339 `full-date`, e.g. `2026-11-23`, with a real calendar day (no 2026-02-30). */
export function isFullDate(value: string): boolean {
  const match = FULL_DATE.exec(value);
  if (!match) return false;
  return isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** RFC 3339 `date-time` with offset, e.g. `2026-11-23T08:45:00Z` or `...+01:00`. */
export function isDateTime(value: string): boolean {
  const match = DATE_TIME.exec(value);
  if (!match) return false;
  const [, year, month, day, hour, minute, second, , , , offsetHour, offsetMinute] = match;
  if (!isCalendarDate(Number(year), Number(month), Number(day))) return false;
  // Second 60 is a leap second, which RFC 3339 permits.
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 60) return false;
  if (offsetHour !== undefined && (Number(offsetHour) > 23 || Number(offsetMinute) > 59)) return false;
  return true;
}

export function isEmailAddress(value: string): boolean {
  return value.length <= EMAIL_MAX_LENGTH && EMAIL.test(value);
}

/** An absolute URI (scheme required), as JSON Schema's `uri` format means. */
export function isAbsoluteUri(value: string): boolean {
  if (!URI_SCHEME.test(value) || /\s/.test(value)) return false;
  return URL.canParse(value);
}

export const CanonicalFormat = {
  dateTime: 'date-time',
  date: 'date',
  email: 'email',
  uri: 'uri',
} as const;
export type CanonicalFormat = (typeof CanonicalFormat)[keyof typeof CanonicalFormat];

/**
 * Registers the canonical formats (date-time, date, email, uri) with TypeBox's global
 * FormatRegistry. Idempotent, and already done when any canonical module loads; call it
 * explicitly where canonical schemas are compiled by another TypeBox user (a Fastify route
 * with the TypeBox type provider) to make the dependency visible.
 *
 * @example
 * registerCanonicalFormats();
 * app.post('/orders', { schema: { body: OrderSchema } }, handler);
 */
export function registerCanonicalFormats(): void {
  FormatRegistry.Set(CanonicalFormat.dateTime, isDateTime);
  FormatRegistry.Set(CanonicalFormat.date, isFullDate);
  FormatRegistry.Set(CanonicalFormat.email, isEmailAddress);
  FormatRegistry.Set(CanonicalFormat.uri, isAbsoluteUri);
}

registerCanonicalFormats();
