import type { TSchema } from '@sinclair/typebox';

/**
 * Personal data is marked in the schema itself, with the custom keyword `x-pii`. Its value
 * is truthy for every marked field and names the masking rule, so one mark drives log
 * masking, the console's viewer role and the `x-pii` extension in the exported JSON Schema
 * (OpenAPI and AsyncAPI accept `x-` keywords).
 *
 * Masking rules (what a masked value keeps, and why):
 * - `name`       first character + `***` ("Jane" → "J***"): tells two people apart on a screen.
 * - `email`      `***@` + domain ("jane@example.com" → "***@example.com"): the domain shows a
 *                business customer's company and typos such as "gmial.com".
 * - `phone`      `***` + last 2 digits ("+447700900123" → "***23"): enough to confirm with a
 *                caller, as contact centres do.
 * - `identifier` `***` + last 2 characters (loyalty or tax id): same reason as phone.
 * - `address`    `***` (street lines, city, postal code): nothing useful and safe to keep.
 * - `free-text`  `***` (a case description, a return note): customers write anything there.
 * A masked value never contains the original (if a rule would, the value becomes `***`).
 * A marked object or list is masked leaf by leaf with `***`; null and absent stay as they are.
 */
export const PERSONAL_DATA_KEYWORD = 'x-pii';

export const PersonalDataKind = {
  name: 'name',
  email: 'email',
  phone: 'phone',
  identifier: 'identifier',
  address: 'address',
  freeText: 'free-text',
} as const;
export type PersonalDataKind = (typeof PersonalDataKind)[keyof typeof PersonalDataKind];

export const FULL_MASK = '***';

/** Marks a schema as personal data; returns the same schema type with the keyword set. */
export function personal<T extends TSchema>(kind: PersonalDataKind, schema: T): T {
  return { ...schema, [PERSONAL_DATA_KEYWORD]: kind };
}

/** The masking rule of a schema, or undefined when the schema holds no personal data itself. */
export function personalDataKindOf(schema: object): PersonalDataKind | undefined {
  const mark: unknown = (schema as Record<string, unknown>)[PERSONAL_DATA_KEYWORD];
  if (mark === undefined || mark === false) return undefined;
  const kinds: readonly unknown[] = Object.values(PersonalDataKind);
  // `x-pii: true` written by hand (or by another tool) masks fully.
  return kinds.includes(mark) ? (mark as PersonalDataKind) : PersonalDataKind.freeText;
}

function keepTail(value: string, count: number): string {
  return FULL_MASK + value.slice(-count);
}

function maskString(kind: PersonalDataKind, value: string): string {
  switch (kind) {
    case PersonalDataKind.name:
      return value.length > 0 ? `${Array.from(value)[0]}${FULL_MASK}` : FULL_MASK;
    case PersonalDataKind.email: {
      const at = value.lastIndexOf('@');
      return at >= 0 ? `${FULL_MASK}${value.slice(at)}` : FULL_MASK;
    }
    case PersonalDataKind.phone: {
      const digits = value.replace(/\D/g, '');
      return digits.length > 4 ? keepTail(digits, 2) : FULL_MASK;
    }
    case PersonalDataKind.identifier:
      return value.length > 4 ? keepTail(value, 2) : FULL_MASK;
    case PersonalDataKind.address:
    case PersonalDataKind.freeText:
      return FULL_MASK;
  }
}

/** Masks one marked value by its rule. Structures are masked leaf by leaf. */
export function maskPersonalValue(kind: PersonalDataKind, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map((item) => maskPersonalValue(PersonalDataKind.freeText, item));
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, maskPersonalValue(PersonalDataKind.freeText, item)]),
    );
  }
  if (typeof value !== 'string') return FULL_MASK;
  const masked = maskString(kind, value);
  return value.length > 0 && masked.includes(value) ? FULL_MASK : masked;
}
