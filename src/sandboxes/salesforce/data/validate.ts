import { SalesforceApiError, invalidField } from '../errors.ts';
import { isWellFormedId, toId18 } from '../ids.ts';
import type { SchemaCatalog } from '../schema/catalog.ts';
import type { FieldDef, ObjectDef, SObjectRecord } from '../schema/types.ts';
import type { RecordStore } from './record-store.ts';
import { coerceFieldValue } from './values.ts';

export type WriteMode = 'insert' | 'update';

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Turns a JSON record body into stored field values, refusing what the real API refuses, with its
 * error codes: unknown fields (INVALID_FIELD), read-only fields (INVALID_FIELD_FOR_INSERT_UPDATE),
 * wrong JSON types (JSON_PARSER_ERROR), too-long text (STRING_TOO_LONG), bad restricted picklist
 * values, bad emails, and references that are malformed, of the wrong object or missing.
 */
export function normaliseInput(args: {
  catalog: SchemaCatalog;
  store: RecordStore;
  object: ObjectDef;
  input: Record<string, unknown>;
  mode: WriteMode;
  /** Field that may be present though not writable (the external id of an upsert URL). */
  allowField?: string;
}): SObjectRecord {
  const { catalog, store, object, input, mode } = args;
  const values: SObjectRecord = {};
  const readOnly: string[] = [];
  for (const [key, raw] of Object.entries(input)) {
    if (key === 'attributes') continue;
    const field = catalog.field(object, key);
    if (!field) {
      throw invalidField(`No such column '${key}' on sobject of type ${object.name}`, [key]);
    }
    if (field.name === 'Id' && mode === 'update') continue;
    if (field.name === 'Id') throw invalidField('cannot specify Id in an insert call', ['Id']);
    const writable = mode === 'insert' ? field.createable : field.updateable;
    if (!writable && field.name !== args.allowField) {
      readOnly.push(field.name);
      continue;
    }
    values[field.name] = checkValue(catalog, store, field, coerceFieldValue(field, raw));
  }
  if (readOnly.length > 0) {
    throw new SalesforceApiError({
      errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
      message: `Unable to create/update fields: ${readOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
      fields: readOnly,
    });
  }
  return values;
}

function checkValue(catalog: SchemaCatalog, store: RecordStore, field: FieldDef, value: SObjectRecord[string]) {
  if (value === null || value === '') return value === '' && field.type !== 'string' && field.type !== 'textarea' ? null : value;
  if (typeof value === 'string' && field.length > 0 && value.length > field.length && field.type !== 'reference') {
    throw new SalesforceApiError({
      errorCode: 'STRING_TOO_LONG',
      message: `${field.label}: data value too large: ${value.slice(0, 40)}... (max length=${field.length})`,
      fields: [field.name],
    });
  }
  if (field.type === 'picklist' && !field.picklistValues.includes(String(value))) {
    throw new SalesforceApiError({
      errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      message: `${field.label}: bad value for restricted picklist field: ${String(value)}`,
      fields: [field.name],
    });
  }
  if (field.type === 'email' && !EMAIL_PATTERN.test(String(value))) {
    throw new SalesforceApiError({
      errorCode: 'INVALID_EMAIL_ADDRESS',
      message: `${field.label}: invalid email address: ${String(value)}`,
      fields: [field.name],
    });
  }
  if (field.type === 'reference' && field.referenceTo.length > 0 && field.referenceTo[0] !== 'User') {
    return checkReference(catalog, store, field, String(value));
  }
  return value;
}

function checkReference(catalog: SchemaCatalog, store: RecordStore, field: FieldDef, value: string): string {
  if (!isWellFormedId(value)) {
    throw new SalesforceApiError({
      errorCode: 'MALFORMED_ID',
      message: `${field.label}: id value of incorrect type: ${value}`,
      fields: [field.name],
    });
  }
  const id = toId18(value);
  const target = catalog.objectForId(id);
  if (!target || !field.referenceTo.includes(target.name)) {
    throw new SalesforceApiError({
      errorCode: 'FIELD_INTEGRITY_EXCEPTION',
      message: `${field.label}: id value of incorrect type: ${value}`,
      fields: [field.name],
    });
  }
  if (!store.get(target, id)) {
    throw new SalesforceApiError({
      errorCode: 'INVALID_CROSS_REFERENCE_KEY',
      message: `invalid cross reference id`,
      fields: [field.name],
    });
  }
  return id;
}

/** Fields required on insert (not nillable, createable, not defaulted) that are missing. */
export function missingRequiredFields(object: ObjectDef, values: SObjectRecord): string[] {
  return object.fields
    .filter((f) => f.createable && !f.nillable && !f.defaultedOnCreate && f.type !== 'boolean')
    .filter((f) => values[f.name] === undefined || values[f.name] === null || values[f.name] === '')
    .map((f) => f.name);
}

export function requiredFieldsMissing(fields: string[]): SalesforceApiError {
  return new SalesforceApiError({
    errorCode: 'REQUIRED_FIELD_MISSING',
    message: `Required fields are missing: [${fields.join(', ')}]`,
    fields,
  });
}
