import { NetSuiteApiError, userError } from '../errors.ts';
import type { RecordType } from './catalog.ts';
import { SUBLISTS, isTransaction } from './catalog.ts';
import { refId, sublistLines } from './fields.ts';
import { RULES } from './rules/registry.ts';
import type { Fields, NsRecord, RecordStore } from './store.ts';

/**
 * Writes of the record API, one record per call, with the business rules of each type. A failed
 * write leaves the account exactly as it was.
 */
export class RecordService {
  readonly store: RecordStore;

  constructor(store: RecordStore) {
    this.store = store;
  }

  create(type: RecordType, fields: Fields, externalId?: string): NsRecord {
    const key = externalId ?? (typeof fields.externalId === 'string' ? fields.externalId : undefined);
    if (key !== undefined && this.store.getByExternalId(type, key)) {
      throw userError(`A record with the external ID ${key} already exists.`, 'externalId');
    }
    const draft = { ...fields };
    delete draft.externalId;
    const prepared = RULES[type].prepare(draft, { store: this.store });
    if (isTransaction(type) && prepared.tranId === undefined) prepared.tranId = this.store.nextTranId(type);
    const record = this.store.insert(type, prepared, key);
    RULES[type].apply?.(record, this.store);
    return record;
  }

  /**
   * PATCH semantics: body fields replace stored ones; a sublist named in `replace` is replaced
   * whole, any other sublist given is merged line by line (`line` picks the line to update, lines
   * without it are added).
   */
  update(record: NsRecord, fields: Fields, replace: readonly string[] = []): NsRecord {
    const rules = RULES[record.type];
    const merged = mergeFields(record, fields, replace);
    const externalId = typeof merged.externalId === 'string' ? merged.externalId : undefined;
    delete merged.externalId;
    if (externalId !== undefined && externalId !== record.externalId) {
      const other = this.store.getByExternalId(record.type, externalId);
      if (other && other.id !== record.id) throw userError(`A record with the external ID ${externalId} already exists.`, 'externalId');
    }
    const previous: NsRecord = structuredClone(record);
    rules.reverse?.(record, this.store);
    let prepared: Fields;
    try {
      prepared = rules.prepare(merged, { store: this.store, previous });
    } catch (error) {
      rules.apply?.(record, this.store);
      throw error;
    }
    record.fields = prepared;
    if (externalId !== undefined) this.store.setExternalId(record, externalId);
    this.store.touch(record);
    rules.apply?.(record, this.store);
    return record;
  }

  /** Upsert by external id: update the record that carries it, else create one with it. */
  upsert(type: RecordType, externalId: string, fields: Fields, replace: readonly string[] = []): { record: NsRecord; created: boolean } {
    const existing = this.store.getByExternalId(type, externalId);
    if (existing) return { record: this.update(existing, { ...fields, externalId }, replace), created: false };
    return { record: this.create(type, fields, externalId), created: true };
  }

  delete(record: NsRecord): void {
    const dependant = this.store.all().find((other) => other !== record && dependsOn(other, record));
    if (dependant) {
      throw new NetSuiteApiError(400, [
        {
          detail: `Error while accessing resource: This record cannot be deleted because it has dependent records (${dependant.type} ${dependant.id}).`,
          'o:errorCode': 'USER_ERROR',
        },
      ]);
    }
    RULES[record.type].reverse?.(record, this.store);
    this.store.remove(record);
  }
}

function mergeFields(record: NsRecord, fields: Fields, replace: readonly string[]): Fields {
  const merged: Fields = structuredClone(record.fields);
  if (record.externalId !== undefined) merged.externalId = record.externalId;
  const sublists = new Set(SUBLISTS[record.type] ?? []);
  for (const [name, value] of Object.entries(fields)) {
    if (!sublists.has(name) || replace.includes(name)) {
      merged[name] = value;
      continue;
    }
    const lines = sublistLines(merged, name).map((line) => ({ ...line }));
    for (const line of sublistLines(fields, name)) {
      const target = line.line === undefined ? undefined : lines.find((existing) => Number(existing.line) === Number(line.line));
      if (target) Object.assign(target, line);
      else lines.push(line);
    }
    merged[name] = { items: lines };
  }
  return merged;
}

function dependsOn(other: NsRecord, record: NsRecord): boolean {
  if (isTransaction(record.type)) {
    if (refId(other.fields.createdFrom) === record.id && isTransaction(other.type)) return true;
    if (record.type === 'creditMemo') return sublistLines(other.fields, 'apply').some((line) => refId(line.doc) === record.id);
    return false;
  }
  if (record.type === 'customer') return isTransaction(other.type) && (refId(other.fields.entity) === record.id || refId(other.fields.customer) === record.id);
  return false;
}
