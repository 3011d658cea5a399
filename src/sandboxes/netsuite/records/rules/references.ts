import { invalidFieldValue, missingRequiredField } from '../../errors.ts';
import type { RecordType } from '../catalog.ts';
import { refId } from '../fields.ts';
import type { Fields, NsRecord, RecordStore } from '../store.ts';

/** Resolves a reference field to a stored record of `type`, or throws INVALID_CONTENT at `path`. */
export function requireReference(args: {
  store: RecordStore;
  fields: Fields;
  field: string;
  type: RecordType;
  path: string;
  label: string;
}): NsRecord {
  const value = args.fields[args.field];
  if (value === undefined || value === null) throw missingRequiredField({ label: args.label, path: args.path });
  const id = refId(value);
  const record = id === undefined ? undefined : args.store.get(args.type, id);
  if (!record) throw invalidFieldValue({ field: args.field, path: args.path, value: id ?? JSON.stringify(value) });
  return record;
}

export function optionalReference(args: {
  store: RecordStore;
  fields: Fields;
  field: string;
  type: RecordType;
  path: string;
  label: string;
}): NsRecord | undefined {
  const value = args.fields[args.field];
  if (value === undefined || value === null) return undefined;
  return requireReference(args);
}

/** The transaction a `createdFrom` points at, which must be one of `types`. */
export function requireSource(args: {
  store: RecordStore;
  fields: Fields;
  types: readonly RecordType[];
  label: string;
}): NsRecord {
  const value = args.fields.createdFrom;
  if (value === undefined || value === null) throw missingRequiredField({ label: 'Created From', path: 'createdFrom' });
  const id = refId(value);
  const source = id === undefined ? undefined : args.store.getInFamily('transaction', id);
  if (!source || !args.types.includes(source.type)) {
    throw invalidFieldValue({ field: 'createdFrom', path: 'createdFrom', value: id ?? JSON.stringify(value) });
  }
  return source;
}

export function tranIdOf(record: NsRecord): string {
  return typeof record.fields.tranId === 'string' ? record.fields.tranId : record.id;
}
