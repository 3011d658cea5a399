import { Type } from '@sinclair/typebox';
import type { SchemaOptions, TLiteral, TUnion } from '@sinclair/typebox';
import { CanonicalFormat } from './formats.ts';
import { personal, PersonalDataKind } from './personal-data.ts';

/**
 * The building blocks every entity module uses. Each carries `x-expected`, a phrase that
 * completes "must be ..." in validation errors, so an integration engineer reads
 * "currency must be a 3-letter ISO 4217 currency code in capitals, e.g. EUR" instead of a
 * regular expression.
 *
 * Money: amounts are decimal strings ("12.50"), never JSON numbers. Binary floating point
 * cannot hold 0.1 exactly, so sums of float prices drift by cents. We chose decimal strings
 * over integer minor units because the systems of record speak decimals: Shopify Admin
 * GraphQL's `MoneyV2.amount` is a `Decimal` serialised as a string, NetSuite and Salesforce
 * currency fields are decimals, and minor units would need every mapping to know each
 * currency's exponent (JPY 0, EUR 2, KWD 3). Connectors to minor-unit APIs (Stripe) convert
 * at the edge with `toMinorUnits` / `fromMinorUnits` from `money.ts`.
 */
export const EXPECTED_KEYWORD = 'x-expected';

/** An enumeration (an `as const` object) as a schema whose static type is the value union. */
export function enumOf<const T extends Record<string, string>>(
  values: T,
  options: SchemaOptions = {},
): TUnion<TLiteral<T[keyof T]>[]> {
  const literals = Object.values(values).map((value) => Type.Literal(value));
  return Type.Union(literals, options) as unknown as TUnion<TLiteral<T[keyof T]>[]>;
}

export const Timestamp = Type.String({
  format: CanonicalFormat.dateTime,
  description: 'RFC 3339 date-time with offset.',
  examples: ['2026-11-23T08:45:00Z'],
  [EXPECTED_KEYWORD]: 'an RFC 3339 date-time with a time zone offset, e.g. 2026-11-23T08:45:00Z',
});

export const CalendarDate = Type.String({
  format: CanonicalFormat.date,
  description: 'RFC 3339 full-date (a day, no time).',
  examples: ['2026-12-23'],
  [EXPECTED_KEYWORD]: 'a calendar date written YYYY-MM-DD, e.g. 2026-12-23',
});

export const WebAddress = Type.String({
  format: CanonicalFormat.uri,
  maxLength: 2048,
  [EXPECTED_KEYWORD]: 'an absolute URL, e.g. https://carrier.example/track/1Z999',
});

export const EmailAddress = personal(
  PersonalDataKind.email,
  Type.String({ format: CanonicalFormat.email, maxLength: 254, [EXPECTED_KEYWORD]: 'an e-mail address, e.g. jane@example.com' }),
);

// E.164: "+", country code, subscriber number, at most 15 digits in all.
// https://www.itu.int/rec/T-REC-E.164/en ; connectors normalise local formats on the way in.
export const PhoneNumber = personal(
  PersonalDataKind.phone,
  Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$', [EXPECTED_KEYWORD]: 'a phone number in E.164 form, e.g. +447700900123' }),
);

export const PersonName = personal(
  PersonalDataKind.name,
  Type.String({ minLength: 1, maxLength: 200, [EXPECTED_KEYWORD]: 'a name of 1 to 200 characters' }),
);

export const CurrencyCode = Type.String({
  pattern: '^[A-Z]{3}$',
  description: 'ISO 4217 alphabetic currency code.',
  examples: ['EUR', 'USD', 'GBP'],
  [EXPECTED_KEYWORD]: 'a 3-letter ISO 4217 currency code in capitals, e.g. EUR',
});

export const CountryCode = Type.String({
  pattern: '^[A-Z]{2}$',
  description: 'ISO 3166-1 alpha-2 country code.',
  examples: ['GB', 'US', 'DE'],
  [EXPECTED_KEYWORD]: 'a 2-letter ISO 3166-1 country code in capitals, e.g. GB',
});

const DECIMAL_FRACTION = '(\\.[0-9]{1,6})?';

/** A non-negative decimal amount in the currency named next to it. */
export const Amount = Type.String({
  pattern: `^(0|[1-9][0-9]{0,17})${DECIMAL_FRACTION}$`,
  description: 'Decimal amount as a string (never a JSON number), up to 6 decimals.',
  examples: ['12.50', '0', '1999.99'],
  [EXPECTED_KEYWORD]: 'a decimal amount written as a string with a dot and at most 6 decimals, e.g. "12.50"',
});

/** A decimal amount that may be negative (adjustments, balances). */
export const SignedAmount = Type.String({
  pattern: `^-?(0|[1-9][0-9]{0,17})${DECIMAL_FRACTION}$`,
  description: 'Signed decimal amount as a string, up to 6 decimals.',
  examples: ['-5.00', '12.50'],
  [EXPECTED_KEYWORD]: 'a decimal amount written as a string, optionally negative, e.g. "-5.00"',
});

export const Money = Type.Object(
  { amount: Amount, currency: CurrencyCode },
  { additionalProperties: false, description: 'An amount with its currency.' },
);

export const TaxRate = Type.String({
  pattern: '^(0(\\.[0-9]{1,6})?|1(\\.0{1,6})?)$',
  description: 'Tax rate as a decimal fraction string: "0.2" is 20 %.',
  [EXPECTED_KEYWORD]: 'a tax rate as a decimal fraction between "0" and "1", e.g. "0.2" for 20 %',
});

// "@" is excluded because the inventory business key is `sku@location`.
export const Sku = Type.String({
  pattern: '^[^\\s@](?:[^@]*[^\\s@])?$',
  maxLength: 255,
  description: 'Stock keeping unit, as the ERP item master knows it.',
  examples: ['TSHIRT-RED-M'],
  [EXPECTED_KEYWORD]: 'a SKU of 1 to 255 characters without "@" and without leading or trailing spaces',
});

const CODE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
const CODE_EXPECTED = 'a code of 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit';

/** A short business code: location code, price list, carrier, category. */
export function code(description: string, examples: string[] = []) {
  return Type.String({ pattern: CODE_PATTERN, description, examples, [EXPECTED_KEYWORD]: CODE_EXPECTED });
}

export const LocationCode = code('Code of a store, warehouse or distribution centre.', ['STORE-0042', 'DC-EAST']);

/** A retailer-facing document number: order number, RMA number, invoice number. */
export function documentNumber(description: string, examples: string[] = []) {
  return Type.String({
    pattern: '^[A-Za-z0-9][A-Za-z0-9#._/-]{0,63}$',
    description,
    examples,
    [EXPECTED_KEYWORD]: 'a document number of 1 to 64 letters, digits, "#", ".", "_", "/" or "-"',
  });
}

export const HubId = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_:.-]{0,127}$',
  description: "Crossdock's own stable id for the record, assigned on first sight, never reused.",
  examples: ['cus_01JD3W5K9Q2T8X7M4N6P0R1S2V'],
  [EXPECTED_KEYWORD]: 'a hub id of 1 to 128 letters, digits, "_", ":", "." or "-"',
});

export const SystemName = Type.String({
  pattern: '^[a-z][a-z0-9-]{1,31}$',
  description: 'Name of a connected system as configured, e.g. shopify, netsuite, salesforce.',
  examples: ['shopify', 'netsuite', 'salesforce'],
  [EXPECTED_KEYWORD]: 'a system name in lower case (letters, digits, "-"), e.g. netsuite',
});

export const ExternalId = Type.String({
  minLength: 1,
  maxLength: 255,
  description: "A record's id in another system (Salesforce 18-character id, Shopify GID...).",
  [EXPECTED_KEYWORD]: 'an id of 1 to 255 characters',
});

export const ExternalIds = Type.Record(Type.String({ pattern: SystemName.pattern }), ExternalId, {
  additionalProperties: false,
  description: 'Id of this record in each connected system, keyed by system name.',
  examples: [{ shopify: 'gid://shopify/Customer/7391', netsuite: '4711' }],
  [EXPECTED_KEYWORD]: 'a map from system name (lower case, e.g. netsuite) to that system\'s id',
});

export const ShortText = (description: string, maxLength = 500) =>
  Type.String({ minLength: 1, maxLength, description, [EXPECTED_KEYWORD]: `text of 1 to ${maxLength} characters` });

export const LineNumber = Type.Integer({ minimum: 1, description: '1-based line number within the document.' });
export const OrderedQuantity = Type.Integer({ minimum: 1, description: 'Quantity in selling units.' });

// IANA time zone database name, e.g. Europe/London (https://www.iana.org/time-zones).
export const TimeZone = Type.String({
  pattern: '^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$',
  [EXPECTED_KEYWORD]: 'an IANA time zone name, e.g. Europe/London',
});

export const GeoCoordinates = Type.Object(
  {
    latitude: Type.Number({ minimum: -90, maximum: 90, description: 'WGS 84 latitude in degrees.' }),
    longitude: Type.Number({ minimum: -180, maximum: 180, description: 'WGS 84 longitude in degrees.' }),
  },
  { additionalProperties: false },
);

/**
 * A postal address. A customer's address is personal data and is marked field by field
 * (country and region stay visible: they drive tax and routing and identify nobody); a
 * store's or warehouse's address is public and is not marked.
 */
export function postalAddress(options: { personalData: boolean; description?: string }) {
  const mark = <T extends Parameters<typeof personal>[1]>(kind: PersonalDataKind, schema: T): T =>
    options.personalData ? personal(kind, schema) : schema;
  return Type.Object(
    {
      recipient: Type.Optional(mark(PersonalDataKind.name, ShortText('Name of the addressee.', 200))),
      company: Type.Optional(ShortText('Company name on the address.', 200)),
      line1: mark(PersonalDataKind.address, ShortText('Street and number.', 200)),
      line2: Type.Optional(mark(PersonalDataKind.address, ShortText('Apartment, suite, building.', 200))),
      city: mark(PersonalDataKind.address, ShortText('City or town.', 100)),
      region: Type.Optional(ShortText('State, province or county; ISO 3166-2 subdivision code when known.', 100)),
      postalCode: Type.Optional(mark(PersonalDataKind.address, ShortText('Postal or ZIP code.', 20))),
      country: CountryCode,
    },
    { additionalProperties: false, ...(options.description !== undefined && { description: options.description }) },
  );
}
