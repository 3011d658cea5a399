import type { RecordStore } from '../../ports/storage.ts';

/** The read model entity of this module's own bookkeeping (one record: the newest level seen). */
export const INVENTORY_SYNC_STATE = 'inventory-sync';
const NEWEST_LEVEL_KEY = 'newest-level';
/** How often the newest level is written through to storage at most: freshness, not a ledger. */
const PERSIST_EVERY_MS = 5_000;

export interface NewestLevel {
  /** sku@location */
  key: string;
  /** When the stock changed at the source. */
  sourceTimestamp: string;
  /** When the hub accepted it (ms since epoch). */
  receivedAt: number;
}

/**
 * Remembers the newest accepted level (by source time) for the data-freshness panel. Kept in
 * memory and written through to the record store at most every 5 s, so the panel survives a
 * restart without an extra write per level.
 */
export class FreshnessTracker {
  private newest: NewestLevel | undefined;
  private persistedAt = 0;

  constructor(
    private readonly records: RecordStore,
    private readonly clock: () => number,
  ) {}

  async observe(level: NewestLevel): Promise<void> {
    if (this.newest && Date.parse(this.newest.sourceTimestamp) >= Date.parse(level.sourceTimestamp)) return;
    this.newest = level;
    const now = this.clock();
    if (now - this.persistedAt < PERSIST_EVERY_MS) return;
    this.persistedAt = now;
    await this.records.put({ entity: INVENTORY_SYNC_STATE, key: NEWEST_LEVEL_KEY, data: level, version: sourceMs(level) }, now);
  }

  /** The newest level known here or recorded by an earlier run of the hub. */
  async read(): Promise<NewestLevel | undefined> {
    const stored = (await this.records.get<NewestLevel>(INVENTORY_SYNC_STATE, NEWEST_LEVEL_KEY))?.data;
    if (!stored) return this.newest;
    if (!this.newest) return stored;
    return sourceMs(stored) >= sourceMs(this.newest) ? stored : this.newest;
  }
}

function sourceMs(level: NewestLevel): number {
  const at = Date.parse(level.sourceTimestamp);
  return Number.isNaN(at) ? 0 : at;
}
