import type { SchemaCatalog } from '../schema/catalog.ts';
import type { FieldValue, ObjectDef, SObjectRecord } from '../schema/types.ts';

/**
 * In-memory tables of the sandbox org, one per object, with an index per external id field and
 * per lookup field (children of a parent are found without a scan), and an undo log so that an allOrNone collection or Composite request can roll back every write it
 * made (savepoint / rollbackTo), as a Salesforce transaction does.
 */
export class RecordStore {
  readonly #catalog: SchemaCatalog;
  readonly #tables = new Map<string, Map<string, SObjectRecord>>();
  /** Deleted records (the Recycle Bin), visible to queryAll and getDeleted, with IsDeleted = true. */
  readonly #recycleBin = new Map<string, Map<string, SObjectRecord>>();
  /** object → indexed field → lower-cased value → ids */
  readonly #fieldIndex = new Map<string, Map<string, Map<string, Set<string>>>>();
  readonly #autoNumbers = new Map<string, number>();
  #undo: (() => void)[] = [];

  constructor(catalog: SchemaCatalog) {
    this.#catalog = catalog;
    this.reset();
  }

  reset(): void {
    this.#tables.clear();
    this.#recycleBin.clear();
    this.#fieldIndex.clear();
    this.#autoNumbers.clear();
    this.#undo = [];
    for (const object of this.#catalog.objects) {
      this.#tables.set(object.name, new Map());
      this.#recycleBin.set(object.name, new Map());
      const indexes = new Map<string, Map<string, Set<string>>>();
      for (const field of object.fields) {
        // Audit lookups to User (CreatedById...) would make huge, useless buckets.
        const lookup = field.type === 'reference' && !field.referenceTo.includes('User');
        if (field.externalId || lookup) indexes.set(field.name, new Map());
      }
      this.#fieldIndex.set(object.name, indexes);
    }
  }

  #table(object: ObjectDef): Map<string, SObjectRecord> {
    const table = this.#tables.get(object.name);
    if (!table) throw new Error(`No table for ${object.name}`);
    return table;
  }

  get(object: ObjectDef, id: string): SObjectRecord | undefined {
    return this.#table(object).get(id);
  }

  /** Records of an object in insertion order (ids sort the same way). */
  all(object: ObjectDef): IterableIterator<SObjectRecord> {
    return this.#table(object).values();
  }

  count(object: ObjectDef): number {
    return this.#table(object).size;
  }

  /** Ids of the records whose external id field equals the value (case-insensitive). */
  idsByExternalId(object: ObjectDef, fieldName: string, value: FieldValue): string[] {
    return this.idsByIndexedField(object, fieldName, value);
  }

  /** Ids of the records whose indexed field (external id or lookup) equals the value. */
  idsByIndexedField(object: ObjectDef, fieldName: string, value: FieldValue): string[] {
    if (value === null || value === '') return [];
    const index = this.#fieldIndex.get(object.name)?.get(fieldName);
    if (!index) throw new Error(`${object.name}.${fieldName} is not indexed`);
    return [...(index.get(String(value).toLowerCase()) ?? [])];
  }

  insert(object: ObjectDef, record: SObjectRecord): void {
    const id = String(record.Id);
    this.#put(object, id, record);
    this.#undo.push(() => this.#delete(object, id));
  }

  replace(object: ObjectDef, record: SObjectRecord): void {
    const id = String(record.Id);
    const previous = this.get(object, id);
    if (!previous) throw new Error(`No ${object.name} ${id}`);
    this.#delete(object, id);
    this.#put(object, id, record);
    this.#undo.push(() => {
      this.#delete(object, id);
      this.#put(object, id, previous);
    });
  }

  /** Moves a record to the Recycle Bin, stamped with the deletion time. */
  recycle(object: ObjectDef, id: string, stamp: string): void {
    const previous = this.get(object, id);
    const bin = this.#recycleBin.get(object.name);
    if (!previous || !bin) return;
    this.#delete(object, id);
    bin.set(id, { ...previous, IsDeleted: true, SystemModstamp: stamp });
    this.#undo.push(() => {
      bin.delete(id);
      this.#put(object, id, previous);
    });
  }

  /** Records of an object in the Recycle Bin. */
  deleted(object: ObjectDef): IterableIterator<SObjectRecord> {
    const bin = this.#recycleBin.get(object.name);
    if (!bin) throw new Error(`No recycle bin for ${object.name}`);
    return bin.values();
  }

  isDeleted(object: ObjectDef, id: string): boolean {
    return this.#recycleBin.get(object.name)?.has(id) ?? false;
  }

  /** Auto-number fields never roll back, as on the platform. */
  nextAutoNumber(object: ObjectDef, fieldName: string): string {
    const key = `${object.name}.${fieldName}`;
    const next = (this.#autoNumbers.get(key) ?? 100) + 1;
    this.#autoNumbers.set(key, next);
    return String(next).padStart(8, '0');
  }

  savepoint(): number {
    return this.#undo.length;
  }

  rollbackTo(savepoint: number): void {
    while (this.#undo.length > savepoint) this.#undo.pop()?.();
  }

  /** Ends the outermost transaction: its writes can no longer be rolled back. */
  commit(): void {
    this.#undo = [];
  }

  snapshot(): Record<string, SObjectRecord[]> {
    const out: Record<string, SObjectRecord[]> = {};
    for (const [name, table] of this.#tables) out[name] = [...table.values()].map((r) => ({ ...r }));
    return out;
  }

  #put(object: ObjectDef, id: string, record: SObjectRecord): void {
    this.#table(object).set(id, record);
    for (const [fieldName, index] of this.#fieldIndex.get(object.name) ?? []) {
      const value = record[fieldName];
      if (value === null || value === undefined || value === '') continue;
      const key = String(value).toLowerCase();
      const ids = index.get(key) ?? new Set<string>();
      ids.add(id);
      index.set(key, ids);
    }
  }

  #delete(object: ObjectDef, id: string): void {
    const record = this.#table(object).get(id);
    if (!record) return;
    this.#table(object).delete(id);
    for (const [fieldName, index] of this.#fieldIndex.get(object.name) ?? []) {
      const value = record[fieldName];
      if (value === null || value === undefined || value === '') continue;
      const key = String(value).toLowerCase();
      index.get(key)?.delete(id);
      if (index.get(key)?.size === 0) index.delete(key);
    }
  }
}
