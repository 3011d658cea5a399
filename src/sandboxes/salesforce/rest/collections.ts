import { MultipleMatchesError } from '../data/dml.ts';
import type { WriteContext } from '../data/dml.ts';
import { SalesforceApiError, jsonParserError, notFound } from '../errors.ts';
import { isWellFormedId } from '../ids.ts';
import type { RecordError } from '../errors.ts';
import type { ObjectDef } from '../schema/types.ts';
import { isPlainObject, renderRecord } from './records.ts';
import { methodNotAllowed } from './sobjects.ts';
import type { RestCall, RestResult } from './types.ts';

/**
 * sObject Collections: create (POST), update (PATCH), delete (DELETE ?ids=), retrieve, and upsert
 * by external id (PATCH /composite/sobjects/{SObject}/{ExternalIdField}), at most 200 records,
 * with per-record results. allOrNone=true rolls every record back when one fails and reports the
 * others as ALL_OR_NONE_OPERATION_ROLLED_BACK.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections.htm
 */
export const MAX_COLLECTION_RECORDS = 200;

interface RecordResult {
  id?: string;
  success: boolean;
  errors: RecordError[];
  created?: boolean;
}

const ROLLED_BACK: RecordError = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};

export function handleCollections(call: RestCall): RestResult {
  const [typeName, extField, ...rest] = call.path.slice(2);
  if (rest.length > 0) throw notFound();
  if (typeName === undefined) {
    switch (call.method) {
      case 'POST':
        return write(call, (object, input, ctx) => ({ id: call.org.dml.create(object, withoutAttributes(input), ctx), success: true, errors: [] }));
      case 'PATCH':
        return write(call, (object, input, ctx) => {
          const id = typeof input.id === 'string' ? input.id : typeof input.Id === 'string' ? input.Id : '';
          if (!id) throw new SalesforceApiError({ errorCode: 'MISSING_ARGUMENT', message: 'Id not specified in an update call', fields: [] });
          const { id: _lower, Id: _upper, ...fields } = withoutAttributes(input);
          updateById(call, object, id, fields, ctx);
          return { id: call.org.dml.find(object, id).Id as string, success: true, errors: [] };
        });
      case 'DELETE':
        return remove(call);
      default:
        throw methodNotAllowed(call.method);
    }
  }
  const object = call.org.dml.object(typeName);
  if (extField === undefined) {
    if (call.method === 'GET' || call.method === 'POST') return retrieve(call, object);
    throw methodNotAllowed(call.method);
  }
  if (call.method !== 'PATCH') throw methodNotAllowed(call.method);
  return upsertCollection(call, object, extField);
}

/**
 * A record update inside a collection answers as DML does, not as the URL space: an Id of no
 * record is INVALID_CROSS_REFERENCE_KEY (not 404 NOT_FOUND), a malformed one MALFORMED_ID; a
 * deleted record stays ENTITY_IS_DELETED.
 */
function updateById(call: RestCall, object: ObjectDef, id: string, fields: Record<string, unknown>, ctx: WriteContext): void {
  if (!isWellFormedId(id)) throw new SalesforceApiError({ errorCode: 'MALFORMED_ID', message: `malformed id ${id}`, fields: ['Id'] });
  try {
    call.org.dml.update(object, id, fields, ctx);
  } catch (error) {
    if (error instanceof SalesforceApiError && error.errorCode === 'NOT_FOUND') {
      throw new SalesforceApiError({ errorCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: [] });
    }
    throw error;
  }
}

function allOrNone(call: RestCall, value: unknown): boolean {
  return call.forceAllOrNone === true || value === true || value === 'true';
}

function parseRecords(call: RestCall): { records: Record<string, unknown>[]; allOrNone: boolean } {
  if (!isPlainObject(call.body) || !Array.isArray(call.body.records)) {
    throw jsonParserError("Cannot deserialize the request body: 'records' is a required array");
  }
  const records = call.body.records;
  if (records.length > MAX_COLLECTION_RECORDS) {
    throw new SalesforceApiError({
      errorCode: 'EXCEEDED_ID_LIMIT',
      message: `record limit reached. cannot submit more than ${MAX_COLLECTION_RECORDS} records into this call`,
    });
  }
  if (!records.every(isPlainObject)) throw jsonParserError('Cannot deserialize instance of SObject from a value that is not a JSON object');
  return { records, allOrNone: allOrNone(call, call.body.allOrNone) };
}

function withoutAttributes(input: Record<string, unknown>): Record<string, unknown> {
  const { attributes: _attributes, ...fields } = input;
  return fields;
}

function recordType(call: RestCall, input: Record<string, unknown>): ObjectDef {
  const attributes = input.attributes;
  const type = isPlainObject(attributes) && typeof attributes.type === 'string' ? attributes.type : undefined;
  const object = type ? call.org.catalog.object(type) : undefined;
  if (!object) throw new SalesforceApiError({ errorCode: 'INVALID_TYPE', message: 'Must send a concrete entity type.', fields: [] });
  return object;
}

/** Runs each record in its own savepoint; with allOrNone, one failure rolls back them all. */
function runAll(call: RestCall, inputs: Record<string, unknown>[], atomic: boolean, each: (input: Record<string, unknown>) => RecordResult): RestResult {
  const { store } = call.org;
  const start = store.savepoint();
  // Update and delete results name the record even when it failed; create and upsert can't.
  const reportsId = call.method === 'DELETE' || (call.method === 'PATCH' && call.path.length === 2);
  const results = inputs.map((input) => {
    const savepoint = store.savepoint();
    try {
      return each(input);
    } catch (error) {
      store.rollbackTo(savepoint);
      if (!(error instanceof SalesforceApiError)) throw error;
      const failed: RecordResult = { success: false, errors: [error.toRecordError()] };
      const id = input.id ?? input.Id;
      return typeof id === 'string' && reportsId ? { id, ...failed } : failed;
    }
  });
  if (atomic && results.some((r) => !r.success)) {
    store.rollbackTo(start);
    return { status: 200, body: results.map((r) => (r.success ? { ...(r.id && reportsId ? { id: r.id } : {}), success: false, errors: [ROLLED_BACK] } : r)) };
  }
  return { status: 200, body: results };
}

type RecordWriter = (object: ObjectDef, input: Record<string, unknown>, ctx: WriteContext) => RecordResult;

function write(call: RestCall, writer: RecordWriter): RestResult {
  const { records, allOrNone: atomic } = parseRecords(call);
  const ctx = { userId: call.session.userId, now: call.now };
  return runAll(call, records, atomic, (input) => writer(recordType(call, input), input, ctx));
}

function remove(call: RestCall): RestResult {
  const ids = (call.query.ids ?? '').split(',').filter((id) => id !== '');
  if (ids.length > MAX_COLLECTION_RECORDS) {
    throw new SalesforceApiError({ errorCode: 'EXCEEDED_ID_LIMIT', message: `record limit reached. cannot submit more than ${MAX_COLLECTION_RECORDS} records into this call` });
  }
  const ctx = { userId: call.session.userId, now: call.now };
  return runAll(call, ids.map((id) => ({ id })), allOrNone(call, call.query.allOrNone), (input) => {
    const id = String(input.id);
    const object = call.org.catalog.objectForId(id);
    if (!object) throw new SalesforceApiError({ errorCode: 'MALFORMED_ID', message: `malformed id ${id}`, fields: [] });
    call.org.dml.delete(object, id, ctx);
    return { id, success: true, errors: [] };
  });
}

function retrieve(call: RestCall, object: ObjectDef): RestResult {
  const body = isPlainObject(call.body) ? call.body : {};
  const ids = Array.isArray(body.ids) ? body.ids.map(String) : (call.query.ids ?? '').split(',').filter(Boolean);
  const fieldNames = Array.isArray(body.fields) ? body.fields.map(String) : (call.query.fields ?? '').split(',').filter(Boolean);
  if (ids.length > 2000) throw new SalesforceApiError({ errorCode: 'EXCEEDED_ID_LIMIT', message: 'record limit reached. cannot submit more than 2000 records into this call' });
  const fields = fieldNames.map((name) => {
    const field = call.org.catalog.field(object, name);
    if (!field) throw new SalesforceApiError({ errorCode: 'INVALID_FIELD', message: `No such column '${name}' on entity '${object.name}'` });
    return field;
  });
  const records = ids.map((id) => {
    try {
      return renderRecord(object, call.org.dml.find(object, id), call.version, fields.length > 0 ? fields : undefined);
    } catch {
      return null;
    }
  });
  return { status: 200, body: records };
}

function upsertCollection(call: RestCall, object: ObjectDef, extFieldName: string): RestResult {
  const field = call.org.catalog.field(object, extFieldName);
  if (!field || !(field.externalId || field.name === 'Id')) {
    throw new SalesforceApiError({ status: 404, errorCode: 'NOT_FOUND', message: `Provided external ID field does not exist or is not accessible: ${extFieldName}` });
  }
  const { records, allOrNone: atomic } = parseRecords(call);
  const keyOf = (input: Record<string, unknown>): string | undefined => {
    const key = Object.keys(input).find((k) => k.toLowerCase() === field.name.toLowerCase());
    const value = key === undefined ? undefined : input[key];
    return value === undefined || value === null || value === '' ? undefined : String(value);
  };
  const counts = new Map<string, number>();
  for (const input of records) {
    const key = keyOf(input)?.toLowerCase();
    if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const ctx = { userId: call.session.userId, now: call.now };
  return runAll(call, records, atomic, (input) => {
    const type = recordType(call, input);
    if (type.name !== object.name) {
      throw new SalesforceApiError({ errorCode: 'INVALID_TYPE', message: `Record type ${type.name} doesn't match the request's ${object.name}`, fields: [] });
    }
    const value = keyOf(input);
    if (value === undefined) {
      throw new SalesforceApiError({ errorCode: 'MISSING_ARGUMENT', message: `${field.name} not specified`, fields: [field.name] });
    }
    if ((counts.get(value.toLowerCase()) ?? 0) > 1) {
      throw new SalesforceApiError({ errorCode: 'DUPLICATE_EXTERNAL_ID', message: `Duplicate external id specified: ${value}`, fields: [field.name] });
    }
    try {
      const result = call.org.dml.upsert(object, field.name, value, withoutAttributes(input), ctx);
      return { id: result.id, success: true, errors: [], created: result.created };
    } catch (error) {
      if (error instanceof MultipleMatchesError) {
        throw new SalesforceApiError({ errorCode: 'DUPLICATE_EXTERNAL_ID', message: error.message, fields: [field.name] });
      }
      throw error;
    }
  });
}
