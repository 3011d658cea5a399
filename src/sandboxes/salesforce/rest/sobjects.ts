import { SalesforceApiError, invalidField, jsonParserError, notFound } from '../errors.ts';
import { describeGlobal, describeObject, objectBasicInfo } from '../schema/describe.ts';
import type { FieldDef, ObjectDef } from '../schema/types.ts';
import { isPlainObject, renderRecord } from './records.ts';
import { getDeleted, getUpdated } from './replication.ts';
import type { RestCall, RestResult } from './types.ts';

/**
 * `/sobjects` resources: describeGlobal, describe, basic info, get updated / deleted, and
 * single-record create, retrieve, update, delete and upsert (by Id or an external id field).
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_upsert.htm
 */
export function handleSObjects(call: RestCall): RestResult {
  const { org, method, version } = call;
  const [typeName, second, third, ...rest] = call.path.slice(1);
  if (typeName === undefined) {
    if (method !== 'GET') throw methodNotAllowed(method);
    return { status: 200, body: describeGlobal(org.catalog.objects, version) };
  }
  if (rest.length > 0) throw notFound();
  const object = org.dml.object(typeName);
  const ctx = { userId: call.session.userId, now: call.now };
  if (second === undefined) {
    if (method === 'GET') return { status: 200, body: objectBasicInfo(object, version) };
    if (method === 'POST') {
      const id = org.dml.create(object, recordBody(call.body), ctx);
      return { status: 201, body: { id, success: true, errors: [] }, headers: { Location: recordUrl(version, object, id) } };
    }
    throw methodNotAllowed(method);
  }
  if (third === undefined) {
    if (second === 'describe' && method === 'GET') return { status: 200, body: describeObject(object, version) };
    if (second === 'updated' && method === 'GET') return getUpdated(call, object);
    if (second === 'deleted' && method === 'GET') return getDeleted(call, object);
    if (second.toLowerCase() === 'id' && (method === 'PATCH' || method === 'POST')) return upsert(call, object, 'Id', '');
    switch (method) {
      case 'GET':
        return { status: 200, body: renderRecord(object, org.dml.find(object, second), version, selectedFields(call, object)) };
      case 'PATCH':
        org.dml.update(object, second, recordBody(call.body), ctx);
        return { status: 204 };
      case 'DELETE':
        org.dml.delete(object, second, ctx);
        return { status: 204 };
      default:
        throw methodNotAllowed(method);
    }
  }
  switch (method) {
    case 'PATCH':
    case 'POST':
      return upsert(call, object, second, third);
    case 'GET':
    case 'DELETE': {
      const ids = findByExternalId(call, object, second, third);
      if (ids.length === 0) throw notFound();
      if (ids.length > 1) return multipleChoices(version, object, ids);
      const id = ids[0] as string;
      if (method === 'GET') return { status: 200, body: renderRecord(object, org.dml.find(object, id), version, selectedFields(call, object)) };
      org.dml.delete(object, id, ctx);
      return { status: 204 };
    }
    default:
      throw methodNotAllowed(method);
  }
}

function upsert(call: RestCall, object: ObjectDef, fieldName: string, value: string): RestResult {
  const result = call.org.dml.upsert(object, fieldName, value, recordBody(call.body), { userId: call.session.userId, now: call.now });
  if (result.created) return { status: 201, body: { id: result.id, success: true, errors: [], created: true } };
  // Since API version 46.0 an update by upsert answers 200 with a body; before, 204.
  if (Number(call.version) < 46) return { status: 204 };
  return { status: 200, body: { id: result.id, success: true, errors: [], created: false } };
}

function findByExternalId(call: RestCall, object: ObjectDef, fieldName: string, value: string): string[] {
  const field = call.org.catalog.field(object, fieldName);
  if (!field?.externalId) throw notFound();
  return call.org.store.idsByExternalId(object, field.name, value);
}

export function multipleChoices(version: string, object: ObjectDef, ids: string[]): RestResult {
  return { status: 300, body: ids.map((id) => recordUrl(version, object, id)) };
}

function recordUrl(version: string, object: ObjectDef, id: string): string {
  return `/services/data/v${version}/sobjects/${object.name}/${id}`;
}

function selectedFields(call: RestCall, object: ObjectDef): FieldDef[] | undefined {
  const list = call.query.fields;
  if (!list) return undefined;
  return list.split(',').map((name) => {
    const field = call.org.catalog.field(object, name.trim());
    if (!field) throw invalidField(`No such column '${name.trim()}' on entity '${object.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`);
    return field;
  });
}

export function recordBody(body: unknown): Record<string, unknown> {
  if (!isPlainObject(body)) throw jsonParserError('Cannot deserialize instance of SObject from a value that is not a JSON object');
  return body;
}

export function methodNotAllowed(method: string): Error {
  return new SalesforceApiError({
    status: 405,
    errorCode: 'METHOD_NOT_ALLOWED',
    message: `HTTP Method '${method}' not allowed. Allowed are GET,PATCH,POST,DELETE,HEAD`,
  });
}
