import type { TSchema } from '@sinclair/typebox';
import { entitySchemas } from '../canonical/entities.ts';
import { personalDataPaths } from '../canonical/masking.ts';
import { PersonalDataKind } from '../canonical/personal-data.ts';

/**
 * Log masking works on objects of any shape (a connector's raw payload, a Salesforce record, a
 * canonical entity), so it goes by key name rather than by schema: a key listed here is masked
 * wherever it appears, with the canonical model's rule for its kind. Keys are compared
 * case-insensitively and without `_` / `-`, so `first_name`, `FirstName` and `firstName` match.
 *
 * The base list covers the canonical model's own field names and the usual names in the
 * systems we connect (Salesforce `MailingStreet`, Shopify `address1` / `zip`, NetSuite
 * `addressee`); `personalDataRulesFromSchemas` adds every field marked `x-pii` in a schema.
 */
const BASE: Readonly<Record<PersonalDataKind, readonly string[]>> = {
  [PersonalDataKind.email]: ['email', 'emails', 'emailAddress', 'personEmail'],
  [PersonalDataKind.phone]: ['phone', 'phones', 'phoneNumber', 'mobile', 'mobilePhone', 'homePhone', 'personMobilePhone', 'fax'],
  [PersonalDataKind.name]: ['firstName', 'lastName', 'givenName', 'familyName', 'middleName', 'fullName', 'contactName', 'customerName', 'addressee', 'attention'],
  [PersonalDataKind.address]: [
    'address',
    'addresses',
    'billingAddress',
    'shippingAddress',
    'defaultAddress',
    'street',
    'streetLines',
    'line1',
    'line2',
    'address1',
    'address2',
    'addr1',
    'addr2',
    'mailingStreet',
    'billingStreet',
    'shippingStreet',
    'postalCode',
    'mailingPostalCode',
    'zip',
  ],
  [PersonalDataKind.identifier]: ['loyaltyId', 'loyaltyNumber', 'taxId', 'vatNumber', 'nationalId'],
  [PersonalDataKind.freeText]: ['dateOfBirth', 'birthDate', 'birthdate', 'ipAddress'],
};

/** Credentials: replaced entirely, whatever their shape. */
export const SECRET_KEYS: readonly string[] = [
  'authorization',
  'cookie',
  'setCookie',
  'password',
  'passphrase',
  'secret',
  'clientSecret',
  'apiKey',
  'apiKeys',
  'accessToken',
  'refreshToken',
  'token',
  'privateKey',
  'signature',
  'xShopifyHmacSha256',
];

export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, '');
}

/**
 * Masking rules by key name. A rule with `parents` applies only under those keys (nearest
 * last), so `/phones/<item>/number` masks `number` inside `phones` and not an invoice number;
 * a rule without parents applies to the key anywhere.
 */
export type PersonalDataRules = Map<string, { parents: readonly string[]; kind: PersonalDataKind }[]>;

function addRule(rules: PersonalDataRules, key: string, parents: readonly string[], kind: PersonalDataKind): void {
  const list = rules.get(key) ?? [];
  const same = list.find((rule) => rule.parents.join('/') === parents.join('/'));
  // One key path marked with two different rules: mask it fully.
  if (same) same.kind = same.kind === kind ? kind : PersonalDataKind.freeText;
  else list.push({ parents, kind });
  rules.set(key, list);
}

/** The base list, each key masked anywhere. */
export function basePersonalDataRules(): PersonalDataRules {
  const rules: PersonalDataRules = new Map();
  for (const [kind, names] of Object.entries(BASE) as [PersonalDataKind, readonly string[]][]) {
    for (const name of names) addRule(rules, normalizeKey(name), [], kind);
  }
  return rules;
}

/**
 * Adds the fields marked `x-pii` in schemas. Each is keyed by its own name and, when it has one,
 * its parent's (`/name/given` masks `given` under `name`; `/customer/email` masks `email` under
 * `customer`), so a common word such as `number` or `name` is masked only where the schema
 * put personal data. A top-level field (`/notes`, `/taxId`) is masked anywhere.
 */
export function personalDataRulesFromSchemas(schemas: Iterable<TSchema>, into = basePersonalDataRules()): PersonalDataRules {
  for (const schema of schemas) {
    for (const path of personalDataPaths(schema)) {
      const named = path
        .split('/')
        .filter((segment) => segment !== '' && segment !== '*')
        .map((segment) => normalizeKey(segment.replace(/~1/g, '/').replace(/~0/g, '~')));
      const key = named[named.length - 1];
      if (key === undefined) continue;
      addRule(into, key, named.slice(-2, -1), kindAt(schema, path) ?? PersonalDataKind.freeText);
    }
  }
  return into;
}

/** The rules the logger uses by default: the base list plus every canonical entity's marks. */
export function canonicalPersonalDataRules(): PersonalDataRules {
  return personalDataRulesFromSchemas(Object.values(entitySchemas));
}

/** The rule for `key` under `parents` (normalized keys, nearest last), if any. */
export function ruleFor(rules: PersonalDataRules, key: string, parents: readonly string[]): PersonalDataKind | undefined {
  let best: { parents: readonly string[]; kind: PersonalDataKind } | undefined;
  for (const rule of rules.get(key) ?? []) {
    const matches = rule.parents.every((parent, index) => parents[parents.length - rule.parents.length + index] === parent);
    if (matches && (!best || rule.parents.length > best.parents.length)) best = rule;
  }
  return best?.kind;
}

/** The `x-pii` kind of the schema node a pointer path leads to. */
function kindAt(schema: TSchema, path: string): PersonalDataKind | undefined {
  let node: Record<string, unknown> | undefined = schema as Record<string, unknown>;
  for (const segment of path.split('/').filter(Boolean)) {
    if (!node) return undefined;
    node = (segment === '*' ? (node.items ?? node.additionalProperties ?? Object.values((node.patternProperties as object) ?? {})[0]) : (node.properties as Record<string, unknown> | undefined)?.[segment]) as
      | Record<string, unknown>
      | undefined;
  }
  const mark = node?.['x-pii'];
  return typeof mark === 'string' && (Object.values(PersonalDataKind) as string[]).includes(mark) ? (mark as PersonalDataKind) : undefined;
}
