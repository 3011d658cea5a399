import type { RecordStore } from '../../ports/storage.ts';
import type { CheckedLocation, RerouteMode } from './choose.ts';

/** The read model of reroutes: one record per order (its latest reroute attempt), key order number. */
export const REROUTE_ENTITY = 'bopis-reroute';
/** Holds already taken by a reroute, key `<order number>#<hold exception id>`. */
export const REROUTE_CLAIM_ENTITY = 'bopis-reroute-claim';

export const RerouteStatus = {
  /** Moved to another location; order capture re-checks and books it there. */
  rerouted: 'rerouted',
  /** The ERP booked it at the new location; the note of why is in Salesforce. */
  booked: 'booked',
  /** The ERP booked it elsewhere (a later reroute or an operator's fix won). */
  superseded: 'superseded',
  /** Not booked within `bopis.awaitBookingMinutes`: no note was written. */
  notBooked: 'not-booked',
  /** No location could fulfil it: NO_PICKUP_LOCATION raised. */
  unfulfillable: 'unfulfillable',
} as const;
export type RerouteStatus = (typeof RerouteStatus)[keyof typeof RerouteStatus];

/** Why and where an order was rerouted, for the console, the report and the next engineer. */
export interface RerouteRecord {
  orderNumber: string;
  status: RerouteStatus;
  /** The pickup store that could not fulfil the order. */
  from: string;
  /** Where it goes now (absent when unfulfillable). */
  to?: string;
  mode?: RerouteMode;
  reason: string;
  /** What the pickup store lacked, `SKU: available/wanted`. */
  shortAtStore: string[];
  checked: CheckedLocation[];
  /** When the reroute was decided (ms since epoch). */
  decidedAt: number;
  updatedAt: number;
}

/** Writes stages of one reroute in order: the stage is the version's fraction (ms scale). */
const STAGE: Record<RerouteStatus, number> = { rerouted: 0.1, unfulfillable: 0.1, booked: 0.5, superseded: 0.5, 'not-booked': 0.5 };

export async function saveReroute(records: RecordStore, record: RerouteRecord): Promise<void> {
  await records.put({ entity: REROUTE_ENTITY, key: record.orderNumber, data: record, version: record.decidedAt + STAGE[record.status] }, record.updatedAt);
}

/** Every reroute record, in order-number order (reroutes are rare: a scan is cheap). */
export async function* reroutes(records: RecordStore, pageSize = 500): AsyncGenerator<RerouteRecord> {
  let afterKey: string | undefined;
  for (;;) {
    const page = await records.list<RerouteRecord>(REROUTE_ENTITY, { limit: pageSize, ...(afterKey !== undefined && { afterKey }) });
    for (const record of page) yield record.data;
    if (page.length < pageSize) return;
    afterKey = page[page.length - 1]!.key;
  }
}

/** Reroutes that moved an order (rerouted, booked or superseded later) vs. orders no location could take. */
export function isRerouted(record: RerouteRecord): boolean {
  return record.status !== RerouteStatus.unfulfillable;
}
