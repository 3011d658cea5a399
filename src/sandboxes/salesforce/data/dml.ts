import { SalesforceApiError, notFound } from '../errors.ts';
import type { IdFactory } from '../ids.ts';
import { isWellFormedId, toId18 } from '../ids.ts';
import type { SchemaCatalog } from '../schema/catalog.ts';
import type { FieldValue, ObjectDef, SObjectRecord } from '../schema/types.ts';
import { afterWrite, beforeDelete, beforeInsert, beforeUpdate } from './business-rules.ts';
import type { RecordStore } from './record-store.ts';
import { missingRequiredFields, normaliseInput, requiredFieldsMissing } from './validate.ts';
import { formatDateTime } from './values.ts';

export interface WriteContext {
  /** The session's user, recorded as CreatedById / LastModifiedById / OwnerId. */
  userId: string;
  now: number;
}

export interface UpsertResult {
  id: string;
  created: boolean;
}

/** Thrown by an upsert whose external id matches several records (HTTP 300 on the single API). */
export class MultipleMatchesError extends SalesforceApiError {
  readonly ids: string[];
  readonly object: ObjectDef;
  constructor(object: ObjectDef, value: string, ids: string[]) {
    super({ status: 300, errorCode: 'DUPLICATE_EXTERNAL_ID', message: `Duplicate external id specified: ${value}`, fields: [] });
    this.ids = ids;
    this.object = object;
  }
}

/**
 * Record writes with the platform's checks, in the order Salesforce applies them: field
 * validation, defaults and derived values, required fields, business rules, unique fields.
 * Optionally refuses writes with UNABLE_TO_LOCK_ROW at a configured rate (lock contention).
 */
export class DmlEngine {
  readonly #catalog: SchemaCatalog;
  readonly #store: RecordStore;
  readonly #ids: IdFactory;
  readonly #lockContention: () => boolean;

  constructor(args: { catalog: SchemaCatalog; store: RecordStore; ids: IdFactory; lockContention: () => boolean }) {
    this.#catalog = args.catalog;
    this.#store = args.store;
    this.#ids = args.ids;
    this.#lockContention = args.lockContention;
  }

  /** The object named in a URL or `attributes.type`; unknown names are NOT_FOUND as in the URL space. */
  object(name: string): ObjectDef {
    const object = this.#catalog.object(name);
    if (!object) throw notFound();
    return object;
  }

  /** The stored record with this id; NOT_FOUND, or ENTITY_IS_DELETED for a record in the Recycle Bin. */
  find(object: ObjectDef, rawId: string): SObjectRecord {
    if (!isWellFormedId(rawId)) throw notFound();
    const id = toId18(rawId);
    const record = this.#store.get(object, id);
    if (record) return record;
    if (this.#store.isDeleted(object, id)) throw new SalesforceApiError({ status: 404, errorCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] });
    throw notFound();
  }

  create(object: ObjectDef, input: Record<string, unknown>, ctx: WriteContext, allowField?: string): string {
    this.#checkLock(null);
    const values = normaliseInput({ catalog: this.#catalog, store: this.#store, object, input, mode: 'insert', ...(allowField ? { allowField } : {}) });
    for (const field of object.fields) {
      if (values[field.name] === undefined && field.defaultValue !== undefined) values[field.name] = field.defaultValue;
    }
    const rules = { catalog: this.#catalog, store: this.#store, now: ctx.now };
    beforeInsert(rules, object, values);
    const missing = missingRequiredFields(object, values);
    if (missing.length > 0) throw requiredFieldsMissing(missing);
    const id = this.#ids.next(object.keyPrefix);
    this.#checkUnique(object, values, id);
    const stamp = formatDateTime(ctx.now);
    const record: SObjectRecord = {};
    for (const field of object.fields) record[field.name] = values[field.name] ?? null;
    for (const field of object.fields) if (field.autoNumber) record[field.name] = this.#store.nextAutoNumber(object, field.name);
    Object.assign(record, {
      Id: id,
      IsDeleted: false,
      CreatedDate: stamp,
      CreatedById: ctx.userId,
      LastModifiedDate: stamp,
      LastModifiedById: ctx.userId,
      SystemModstamp: stamp,
    });
    if ('OwnerId' in record && !record.OwnerId) record.OwnerId = ctx.userId;
    this.#store.insert(object, record);
    afterWrite(rules, object, record, undefined);
    return id;
  }

  update(object: ObjectDef, rawId: string, input: Record<string, unknown>, ctx: WriteContext): void {
    const existing = this.find(object, rawId);
    this.#checkLock(String(existing.Id));
    const changes = normaliseInput({ catalog: this.#catalog, store: this.#store, object, input, mode: 'update' });
    const nulled = Object.keys(changes).filter((name) => changes[name] === null && this.#catalog.field(object, name)?.nillable === false);
    if (nulled.length > 0) throw requiredFieldsMissing(nulled);
    const rules = { catalog: this.#catalog, store: this.#store, now: ctx.now };
    beforeUpdate(rules, object, existing, changes);
    const stamp = formatDateTime(ctx.now);
    const record: SObjectRecord = { ...existing, ...changes, LastModifiedDate: stamp, LastModifiedById: ctx.userId, SystemModstamp: stamp };
    this.#checkUnique(object, record, String(existing.Id));
    this.#store.replace(object, record);
    afterWrite(rules, object, record, existing);
  }

  /** Upsert by an external id field (or `Id`): insert when nothing matches, update one match. */
  upsert(object: ObjectDef, fieldName: string, rawValue: string, input: Record<string, unknown>, ctx: WriteContext): UpsertResult {
    const field = this.#catalog.field(object, fieldName);
    if (!field || !(field.externalId || field.name === 'Id')) {
      throw new SalesforceApiError({
        status: 404,
        errorCode: 'NOT_FOUND',
        message: `Provided external ID field does not exist or is not accessible: ${fieldName}`,
      });
    }
    const bodyKey = Object.keys(input).find((key) => key.toLowerCase() === field.name.toLowerCase());
    const body = { ...input };
    if (bodyKey !== undefined) {
      if (String(body[bodyKey]) !== rawValue) {
        throw new SalesforceApiError({
          errorCode: 'INVALID_FIELD',
          message: `The value of the ${field.name} field in the request body doesn't match the value in the URL`,
          fields: [field.name],
        });
      }
      delete body[bodyKey];
    }
    if (field.name === 'Id') {
      if (rawValue === '') return { id: this.create(object, body, ctx), created: true };
      this.update(object, rawValue, body, ctx);
      return { id: toId18(rawValue), created: false };
    }
    const matches = this.#store.idsByExternalId(object, field.name, rawValue);
    if (matches.length > 1) throw new MultipleMatchesError(object, rawValue, matches);
    const [match] = matches;
    if (match !== undefined) {
      this.update(object, match, body, ctx);
      return { id: match, created: false };
    }
    return { id: this.create(object, { ...body, [field.name]: rawValue }, ctx, field.name), created: true };
  }

  delete(object: ObjectDef, rawId: string, ctx: WriteContext): void {
    const existing = this.find(object, rawId);
    this.#checkLock(String(existing.Id));
    const rules = { catalog: this.#catalog, store: this.#store, now: ctx.now };
    const cascade = beforeDelete(rules, object, existing);
    const stamp = formatDateTime(ctx.now);
    for (const child of cascade) this.#store.recycle(child.object, String(child.record.Id), stamp);
    this.#store.recycle(object, String(existing.Id), stamp);
    afterWrite(rules, object, undefined, existing);
  }

  #checkLock(id: string | null): void {
    if (!this.#lockContention()) return;
    throw new SalesforceApiError({
      errorCode: 'UNABLE_TO_LOCK_ROW',
      message: id ? `unable to obtain exclusive access to this record or 1 records: ${id}` : 'unable to obtain exclusive access to this record',
      fields: [],
    });
  }

  #checkUnique(object: ObjectDef, values: SObjectRecord, ownId: string): void {
    for (const field of object.fields) {
      if (!field.unique) continue;
      const value: FieldValue | undefined = values[field.name];
      if (value === undefined || value === null || value === '') continue;
      const other = this.#store.idsByExternalId(object, field.name, value).find((id) => id !== ownId);
      if (other) {
        throw new SalesforceApiError({
          errorCode: 'DUPLICATE_VALUE',
          message: `duplicate value found: ${field.name} duplicates value on record with id: ${other}`,
          fields: [],
        });
      }
    }
  }
}
