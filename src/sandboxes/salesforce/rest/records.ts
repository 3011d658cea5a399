import type { FieldDef, ObjectDef, SObjectRecord } from '../schema/types.ts';

/** A record as the REST API renders it: `attributes { type, url }` first, then the fields. */
export function renderRecord(object: ObjectDef, record: SObjectRecord, version: string, fields?: FieldDef[]): Record<string, unknown> {
  const out: Record<string, unknown> = {
    attributes: { type: object.name, url: `/services/data/v${version}/sobjects/${object.name}/${String(record.Id)}` },
  };
  for (const field of fields ?? object.fields) out[field.name] = record[field.name] ?? null;
  return out;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
