import { invalidContent, invalidFieldValue } from '../errors.ts';
import type { RecordType } from './catalog.ts';
import { REFERENCE_FIELDS, SUBLISTS, TRANSACTION_TYPES } from './catalog.ts';
import type { Fields, RecordStore } from './store.ts';

/** Fields the server owns: ignored when a client sends them back. */
const READ_ONLY = new Set(['id', 'links', 'lastModifiedDate', 'createdDate', 'refName']);

/**
 * Turns a request body into stored fields: drops read-only fields, checks that sublists have the
 * `{ items: [...] }` shape, and resolves references given as `{ id }` or `{ externalId }`.
 */
export function normaliseBody(type: RecordType, body: unknown, store: RecordStore): Fields {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidContent('The request body must be a JSON object.');
  }
  const sublists = new Set(SUBLISTS[type] ?? []);
  const result: Fields = {};
  for (const [name, value] of Object.entries(body as Fields)) {
    if (READ_ONLY.has(name)) continue;
    if (sublists.has(name)) {
      result[name] = normaliseSublist(name, value, store);
      continue;
    }
    result[name] = normaliseValue(name, value, name, store);
  }
  return result;
}

function normaliseSublist(name: string, value: unknown, store: RecordStore): Fields {
  const items = typeof value === 'object' && value !== null ? (value as { items?: unknown }).items : undefined;
  if (!Array.isArray(items)) throw invalidContent(`The sublist ${name} must be an object with an items array.`, name);
  return {
    items: items.map((line: unknown, index) => {
      if (typeof line !== 'object' || line === null) throw invalidContent('A sublist line must be an object.', `${name}.items[${index}]`);
      const result: Fields = {};
      for (const [field, fieldValue] of Object.entries(line as Fields)) {
        if (READ_ONLY.has(field) && field !== 'id') continue;
        result[field] = normaliseValue(field, fieldValue, `${name}.items[${index}].${field}`, store);
      }
      return result;
    }),
  };
}

function normaliseValue(field: string, value: unknown, path: string, store: RecordStore): unknown {
  const target = REFERENCE_FIELDS[field];
  if (!target || typeof value !== 'object' || value === null) return value;
  const reference = value as { id?: unknown; externalId?: unknown };
  if (reference.id !== undefined) return { id: String(reference.id) };
  if (typeof reference.externalId === 'string') {
    const types = target === 'transaction' ? TRANSACTION_TYPES : [target];
    for (const type of types) {
      const found = store.getByExternalId(type, reference.externalId);
      if (found) return { id: found.id };
    }
    throw invalidFieldValue({ field, path, value: reference.externalId });
  }
  return value;
}
