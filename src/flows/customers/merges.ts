import { createHash } from 'node:crypto';
import type { Customer } from '../../canonical/customer.ts';
import type { RecordStore } from '../../ports/storage.ts';
import { PermanentError } from '../../runtime/errors.ts';
import { CUSTOMER_FIELDS, GROUPS_KEPT_FROM_THEIR_OWNER, groupOf, type CustomerField } from './attribute-groups.ts';
import { comparable } from './comparable.ts';
import { aliasKey, goldenMatchKeys, loadGolden, saveGolden, withState, type GoldenCustomer } from './golden.ts';
import { CustomerRecordEntity, type CustomerMerge } from './records.ts';
import { copyField } from './report.ts';

/** The same trigger merging the same record always gets the same id, so a replayed step records it once. */
export function mergeIdOf(eventId: string, mergedId: string): string {
  return `merge-${createHash('sha256').update(`${eventId}|${mergedId}`).digest('hex').slice(0, 16)}`;
}

export interface MergeInput {
  survivor: GoldenCustomer;
  merged: GoldenCustomer;
  matchedOn: string[];
  trigger: CustomerMerge['trigger'];
  now: number;
  /** Role → system name: which system each of the survivor's target views stands for. */
  systems: Readonly<Record<string, string>>;
}

/**
 * Whether the survivor has a record of its own in `system`: the hub knows its id there, or has
 * sent it there (a record keyed by its hub id exists, or is on its way, though the system has
 * not reported it back yet).
 */
export function hasOwnRecordIn(golden: GoldenCustomer, system: string, systems: Readonly<Record<string, string>>): boolean {
  if (golden.customer.externalIds[system] !== undefined) return true;
  return Object.entries(systems).some(([role, name]) => name === system && golden.state.targets[role] !== undefined);
}

/**
 * Folds a duplicate into the survivor. The survivor's values win; a field the survivor has no
 * value for takes the duplicate's. The duplicate's external ids fill the survivor's gaps (one
 * for a system the survivor already has an id in is kept aside as a conflict), its hub id and
 * aliases become the survivor's aliases, so every system record of the duplicate now resolves
 * to the survivor. Each system keeps its own records: the survivor takes the duplicate's id in a
 * system only where it has no record of its own (known by id, or sent there by hub id), so a
 * write never re-keys the duplicate's record to an external id the survivor's record holds. The
 * duplicate's match keys (e-mails, phones, external ids...) stay keys of the survivor. Returns
 * the new survivor and the merge record, which holds the duplicate in full and what the
 * survivor took from it: what `unmergeCustomers` needs. Pure.
 */
export function combineDuplicates(input: MergeInput): { survivor: GoldenCustomer; merge: CustomerMerge } {
  const { merged } = input;
  const customer: Customer = structuredClone(input.survivor.customer);
  const state = structuredClone(input.survivor.state);
  const contributed: CustomerMerge['contributed'] = { fields: {}, externalIds: {}, aliases: [], sources: [] };
  const conflictingExternalIds: Record<string, string> = {};

  for (const field of CUSTOMER_FIELDS) {
    const theirs = comparable(field, merged.customer);
    if (comparable(field, customer) !== null || theirs === null) continue;
    copyField(customer, merged.customer, field);
    const version = merged.state.fieldVersions[field];
    if (version !== undefined) state.fieldVersions[field] = version;
    contributed.fields[field] = theirs;
  }
  for (const [system, id] of Object.entries(merged.customer.externalIds)) {
    const ours = customer.externalIds[system];
    if (ours === id) continue;
    if (ours !== undefined || hasOwnRecordIn(input.survivor, system, input.systems)) {
      conflictingExternalIds[system] = id;
      continue;
    }
    customer.externalIds = { ...customer.externalIds, [system]: id };
    contributed.externalIds[system] = id;
  }
  for (const alias of [merged.customer.hubId, ...merged.state.aliases]) {
    if (alias === customer.hubId || state.aliases.includes(alias)) continue;
    state.aliases.push(alias);
    contributed.aliases.push(alias);
  }
  for (const [record, view] of Object.entries(merged.state.sources)) {
    if (state.sources[record]) continue;
    state.sources[record] = view;
    contributed.sources.push(record);
  }
  const ownKeys = new Set(goldenMatchKeys(customer, state));
  contributed.matchKeys = goldenMatchKeys(merged.customer, { aliases: [], mergedMatchKeys: merged.state.mergedMatchKeys }).filter((key) => !ownKeys.has(key));
  state.mergedMatchKeys = [...(state.mergedMatchKeys ?? []), ...contributed.matchKeys];
  state.distinctFrom = [...new Set([...state.distinctFrom, ...merged.state.distinctFrom])];
  // The survivor's own records keep their views (what they hold): a write goes where the survivor
  // now differs. Systems where it takes over the duplicate's record are sent it afresh.
  state.targets = Object.fromEntries(Object.entries(state.targets).filter(([role]) => {
    const system = input.systems[role];
    return system === undefined || contributed.externalIds[system] === undefined;
  }));
  customer.version = input.survivor.customer.version + 1;

  const merge: CustomerMerge = {
    mergeId: mergeIdOf(input.trigger.eventId, merged.customer.hubId),
    survivorId: customer.hubId,
    mergedId: merged.customer.hubId,
    status: 'active',
    matchedOn: input.matchedOn,
    reason: `one ${input.trigger.system} profile matched both customers (by ${input.matchedOn.join(', ')})`,
    trigger: input.trigger,
    mergedAt: input.now,
    mergedBy: 'crossdock',
    merged: { record: structuredClone(merged.customer), state: structuredClone(merged.state) },
    contributed,
    conflictingExternalIds,
  };
  return { survivor: { customer, state }, merge };
}

/** Stores a merge: the merge record first (its id is stable), then the duplicate goes. The caller stores the survivor. */
export async function recordMerge(records: RecordStore, merge: CustomerMerge, now: number): Promise<void> {
  await records.put({ entity: CustomerRecordEntity.merge, key: merge.mergeId, data: merge, version: 1 }, now);
  await records.remove(CustomerRecordEntity.golden, merge.mergedId);
  await records.remove(CustomerRecordEntity.syncState, merge.mergedId);
}

export type UnmergeResult =
  | { outcome: 'undone'; merge: CustomerMerge; survivor: GoldenCustomer; restored: GoldenCustomer }
  | { outcome: 'already-undone'; merge: CustomerMerge }
  | { outcome: 'not-found'; mergeId: string };

/**
 * Undoes a merge: the merged customer comes back exactly as it was recorded (with a new
 * revision, so every system is sent it again), and the survivor gives back what it took from
 * it — its hub id and aliases, the external ids and field values it filled in (those it still
 * holds unchanged), its source records. Both are marked as distinct, so the profile that
 * matched both does not merge them again. The systems are sent both customers afresh.
 *
 * @example
 * const result = await unmergeCustomers(deps.records, 'merge-3f9a…', { actor: 'operator', reason: 'two people sharing a phone', now: Date.now() });
 */
export async function unmergeCustomers(records: RecordStore, mergeId: string, options: { actor: string; reason: string; now: number }): Promise<UnmergeResult> {
  const stored = await records.get<CustomerMerge>(CustomerRecordEntity.merge, mergeId);
  if (!stored) return { outcome: 'not-found', mergeId };
  const merge = stored.data;
  if (merge.status === 'undone') return { outcome: 'already-undone', merge };
  if (await records.get(CustomerRecordEntity.golden, merge.mergedId)) {
    throw new PermanentError(`cannot undo ${mergeId}: a customer ${merge.mergedId} exists again`, { code: 'MERGED_ID_IN_USE', field: 'mergedId' });
  }
  const current = await survivorOf(records, merge);
  if (!current) throw new PermanentError(`cannot undo ${mergeId}: the surviving customer ${merge.survivorId} no longer exists`, { code: 'SURVIVOR_MISSING', field: 'survivorId' });

  const customer = structuredClone(current.customer);
  const state = structuredClone(current.state);
  const { contributed } = merge;
  state.aliases = state.aliases.filter((alias) => !contributed.aliases.includes(alias));
  for (const [system, id] of Object.entries(contributed.externalIds)) {
    if (customer.externalIds[system] !== id) continue;
    const { [system]: _given, ...rest } = customer.externalIds;
    customer.externalIds = rest;
  }
  // A value of a group kept from its owner that the survivor's own records have reported back
  // since is what the owner holds for it now: the hub never overwrites an owner, so it stays.
  const heldByOwnRecords = (field: CustomerField, value: string | null) =>
    GROUPS_KEPT_FROM_THEIR_OWNER.includes(groupOf(field)) &&
    Object.entries(state.sources).some(([record, view]) => !contributed.sources.includes(record) && field in view.fields && view.fields[field] === value);
  for (const [field, value] of Object.entries(contributed.fields) as [CustomerField, string | null][]) {
    if (comparable(field, customer) !== value || heldByOwnRecords(field, value)) continue;
    copyField(customer, {}, field);
    delete state.fieldVersions[field];
  }
  for (const record of contributed.sources) delete state.sources[record];
  const givenKeys = new Set(contributed.matchKeys ?? []);
  if (state.mergedMatchKeys) state.mergedMatchKeys = state.mergedMatchKeys.filter((key) => !givenKeys.has(key));
  state.distinctFrom = [...new Set([...state.distinctFrom, merge.mergedId])];
  state.targets = {};
  customer.version += 1;

  const restoredCustomer: Customer = { ...structuredClone(merge.merged.record), version: merge.merged.record.version + 1 };
  const restoredState = { ...structuredClone(merge.merged.state), distinctFrom: [...new Set([...merge.merged.state.distinctFrom, customer.hubId])], targets: {} };

  const survivor = await saveGolden(records, { customer, state }, { customerChanged: true, now: options.now });
  const restored = await saveGolden(records, { customer: restoredCustomer, state: restoredState }, { customerChanged: true, now: options.now });
  const undone: CustomerMerge = { ...merge, status: 'undone', undoneAt: options.now, undoneBy: options.actor, undoReason: options.reason };
  await records.put({ entity: CustomerRecordEntity.merge, key: mergeId, data: undone, version: stored.version + 1 }, options.now);
  return { outcome: 'undone', merge: undone, survivor, restored };
}

/** The survivor now: itself, or the customer it was merged into since (found by its alias). */
async function survivorOf(records: RecordStore, merge: CustomerMerge): Promise<GoldenCustomer | undefined> {
  const direct = await loadGolden(records, merge.survivorId);
  if (direct) return direct;
  const [later] = await records.match<Customer>(CustomerRecordEntity.golden, [aliasKey(merge.survivorId)]);
  return later && withState(records, later);
}
