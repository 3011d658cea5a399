import type { Customer } from '../../canonical/customer.ts';
import type { RecordStore, StoredRecord } from '../../ports/storage.ts';
import { TransientError } from '../../runtime/errors.ts';
import { customerMatchKeys } from '../reference/records.ts';
import { CustomerRecordEntity, type CustomerSyncState } from './records.ts';

/** A golden record with its bookkeeping. */
export interface GoldenCustomer {
  customer: Customer;
  state: CustomerSyncState;
}

/** The match key that finds a customer by another hub id of it (a merged record's, an id another flow gave it). */
export const aliasKey = (hubId: string): string => `alias:${hubId}`;

/** The keys a golden record is found by: its e-mails, phones, loyalty id, external ids, aliases, and those of the records merged into it. */
export function goldenMatchKeys(customer: Customer, state: Pick<CustomerSyncState, 'aliases' | 'mergedMatchKeys'>): string[] {
  return [...new Set([...customerMatchKeys(customer), ...state.aliases.map(aliasKey), ...(state.mergedMatchKeys ?? [])])];
}

/** A fresh bookkeeping record for a golden record that has none (e.g. written by an older version). */
export function emptySyncState(hubId: string, createdAt: number): CustomerSyncState {
  return { hubId, seq: 0, createdAt, fieldVersions: {}, sources: {}, targets: {}, aliases: [], distinctFrom: [] };
}

export async function loadGolden(records: RecordStore, hubId: string): Promise<GoldenCustomer | undefined> {
  const record = await records.get<Customer>(CustomerRecordEntity.golden, hubId);
  return record && withState(records, record);
}

export async function withState(records: RecordStore, record: StoredRecord<Customer>): Promise<GoldenCustomer> {
  const state = await records.get<CustomerSyncState>(CustomerRecordEntity.syncState, record.key);
  return { customer: record.data, state: state?.data ?? emptySyncState(record.key, record.updatedAt) };
}

/**
 * Stores a golden record and its bookkeeping. The golden record's version is its revision; a
 * write that is not newer means another writer got there first, which the caller's step retries.
 */
export async function saveGolden(records: RecordStore, golden: GoldenCustomer, options: { customerChanged: boolean; now: number }): Promise<GoldenCustomer> {
  const { customer } = golden;
  if (options.customerChanged) {
    const stored = await records.put(
      { entity: CustomerRecordEntity.golden, key: customer.hubId, data: customer, version: customer.version, matchKeys: goldenMatchKeys(customer, golden.state) },
      options.now,
    );
    if (!stored) throw new TransientError(`customer ${customer.hubId} changed meanwhile (revision ${customer.version} is not newer): merging again`);
  }
  const state = { ...golden.state, seq: golden.state.seq + 1 };
  const stored = await records.put({ entity: CustomerRecordEntity.syncState, key: customer.hubId, data: state, version: state.seq }, options.now);
  if (!stored) throw new TransientError(`the sync state of customer ${customer.hubId} changed meanwhile: merging again`);
  return { customer, state };
}

/**
 * The golden customer a hub id or a profile belongs to, for other flows (order capture): by hub
 * id, then by an alias (an id another system or flow gave the customer, or a merged record's),
 * then by e-mail, phone, loyalty id or external id. Undefined when nothing matches; with
 * several matches (a duplicate not merged yet), the first by hub id.
 *
 * @example
 * const golden = await findGoldenCustomer(deps.records, { hubId: order.customer.hubId, profile: { email: order.customer.email } });
 */
export async function findGoldenCustomer(
  records: RecordStore,
  query: { hubId?: string; profile?: Parameters<typeof customerMatchKeys>[0] },
): Promise<Customer | undefined> {
  if (query.hubId !== undefined) {
    const direct = await records.get<Customer>(CustomerRecordEntity.golden, query.hubId);
    if (direct) return direct.data;
  }
  const keys = [...(query.hubId !== undefined ? [aliasKey(query.hubId)] : []), ...(query.profile ? customerMatchKeys(query.profile) : [])];
  const [first] = await records.match<Customer>(CustomerRecordEntity.golden, keys);
  return first?.data;
}
