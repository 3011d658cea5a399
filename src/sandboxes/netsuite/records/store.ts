import type { RecordFamily, RecordType } from './catalog.ts';
import { RECORD_TYPES } from './catalog.ts';

/** A sublist line or a body: field name → value; references are `{ id: string }`. */
export type Fields = Record<string, unknown>;

export interface NsRecord {
  type: RecordType;
  id: string;
  externalId?: string;
  createdDate: string;
  lastModifiedDate: string;
  fields: Fields;
}

/** NetSuite REST dates are ISO 8601 in UTC without milliseconds, e.g. 2026-11-23T08:55:30Z. */
export function netSuiteTimestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** In-memory records of one NetSuite account. */
export class RecordStore {
  private readonly clock: () => number;
  private records = new Map<string, NsRecord>();
  private externalIds = new Map<string, string>();
  private sequences = new Map<RecordFamily, number>();
  private tranSequences = new Map<RecordType, number>();
  private lastChange = 0;

  constructor(clock: () => number = Date.now) {
    this.clock = clock;
  }

  now(): string {
    return netSuiteTimestamp(this.clock());
  }

  nowMs(): number {
    return this.clock();
  }

  /**
   * When any record last changed (ms since epoch, 0 before the first). Delta readers see a
   * change only once it is older than their settle window; this tells how long to wait for that.
   */
  lastChangedAt(): number {
    return this.lastChange;
  }

  private changed(): void {
    this.lastChange = Math.max(this.lastChange, this.clock());
  }

  get(type: RecordType, id: string): NsRecord | undefined {
    const record = this.records.get(familyKey(RECORD_TYPES[type].family, id));
    return record?.type === type ? record : undefined;
  }

  /** Any record of a family by internal id (e.g. a `createdFrom` transaction of unknown type). */
  getInFamily(family: RecordFamily, id: string): NsRecord | undefined {
    return this.records.get(familyKey(family, id));
  }

  getByExternalId(type: RecordType, externalId: string): NsRecord | undefined {
    const id = this.externalIds.get(`${type}:${externalId}`);
    return id === undefined ? undefined : this.get(type, id);
  }

  list(type: RecordType): NsRecord[] {
    return [...this.records.values()].filter((record) => record.type === type);
  }

  all(): NsRecord[] {
    return [...this.records.values()];
  }

  /** Inserts a new record with the next internal id of its family. */
  insert(type: RecordType, fields: Fields, externalId?: string): NsRecord {
    const family = RECORD_TYPES[type].family;
    const next = (this.sequences.get(family) ?? 0) + 1;
    this.sequences.set(family, next);
    const now = this.now();
    const record: NsRecord = { type, id: String(next), createdDate: now, lastModifiedDate: now, fields };
    if (externalId !== undefined) record.externalId = externalId;
    this.records.set(familyKey(family, record.id), record);
    if (externalId !== undefined) this.externalIds.set(`${type}:${externalId}`, record.id);
    this.changed();
    return record;
  }

  /** Next document number (tranId) for a transaction type: SO1, SO2... */
  nextTranId(type: RecordType): string {
    const next = (this.tranSequences.get(type) ?? 0) + 1;
    this.tranSequences.set(type, next);
    const prefix = 'tranIdPrefix' in RECORD_TYPES[type] ? (RECORD_TYPES[type] as { tranIdPrefix: string }).tranIdPrefix : '';
    return `${prefix}${next}`;
  }

  touch(record: NsRecord): void {
    record.lastModifiedDate = this.now();
    this.changed();
  }

  setExternalId(record: NsRecord, externalId: string): void {
    if (record.externalId !== undefined) this.externalIds.delete(`${record.type}:${record.externalId}`);
    record.externalId = externalId;
    this.externalIds.set(`${record.type}:${externalId}`, record.id);
  }

  remove(record: NsRecord): void {
    this.records.delete(familyKey(RECORD_TYPES[record.type].family, record.id));
    if (record.externalId !== undefined) this.externalIds.delete(`${record.type}:${record.externalId}`);
    this.changed();
  }

  snapshot(): Record<string, NsRecord[]> {
    const byType: Record<string, NsRecord[]> = {};
    for (const record of this.records.values()) (byType[record.type] ??= []).push(structuredClone(record));
    return byType;
  }

  reset(): void {
    this.records = new Map();
    this.externalIds = new Map();
    this.sequences = new Map();
    this.tranSequences = new Map();
    this.changed();
  }
}

function familyKey(family: RecordFamily, id: string): string {
  return `${family}:${id}`;
}
