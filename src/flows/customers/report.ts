import type { CloudEvent } from '../../canonical/cloudevent.ts';
import type { Customer } from '../../canonical/customer.ts';
import type { Ownership } from '../ownership.ts';
import {
  CUSTOMER_FIELDS,
  groupOf,
  ownershipEntity,
  REQUIRED_FIELDS,
  type CustomerAttributeGroup,
  type CustomerField,
} from './attribute-groups.ts';
import { comparable } from './comparable.ts';
import { sentEarlier } from './fan-out.ts';
import type { CustomerSyncState } from './records.ts';

/** A customer profile as one system reported it: the input of a merge. */
export interface CustomerReport {
  /** The system it came from (`shopify`) and the role that system plays here (`commerce`). */
  system: string;
  role: string | undefined;
  /** The record in its system, `<system>:<its id>`: what "this source said before" is kept by. */
  sourceRecord: string;
  /** When the change happened, in ms (see `changeVersion`): orders changes to one field. */
  version: number;
  eventId: string;
  customer: Customer;
}

/**
 * When a change happened, in ms. Shopify's `updated_at` and NetSuite's change stamp have
 * one-second precision; the event's own time (Shopify's X-Shopify-Triggered-At, or when a
 * poller read the record) is a finer reading, taken when it falls in that second, so two edits
 * of one second still order. An event time after that second (a webhook triggered just past
 * the boundary, a poller reading later) still saw the record as it stood at the end of the
 * second, since nothing changed it after: it is the newest change of that second, the second's
 * last millisecond. Without an event time the source timestamp rules.
 */
export function changeVersion(event: Pick<CloudEvent, 'time'>, customer: Pick<Customer, 'sourceTimestamp'>): number {
  const source = Date.parse(customer.sourceTimestamp);
  const time = event.time === undefined ? Number.NaN : Date.parse(event.time);
  if (Number.isNaN(source)) return Number.isNaN(time) ? 0 : time;
  if (Number.isNaN(time) || time < source) return source;
  const lastOfSecond = Math.floor(source / 1000) * 1000 + 999;
  return Math.min(time, lastOfSecond);
}

/** The record a report comes from, as `<system>:<its id in that system>`. */
export function sourceRecordOf(customer: Pick<Customer, 'sourceSystem' | 'externalIds' | 'hubId'>): string {
  return `${customer.sourceSystem}:${customer.externalIds[customer.sourceSystem] ?? customer.hubId}`;
}

/** A field's fate in one report. */
export type FieldOutcome =
  /** The golden record already has it (an echo of the hub's own write, or nothing new). */
  | 'same'
  /** Taken into the golden record. */
  | 'accepted'
  /**
   * The system still says what it said before, or what the hub sent it earlier: it has not
   * caught up with the hub's newest value yet (an echo of an earlier write).
   */
  | 'pending'
  /** Its system does not own the field's group: recorded, not applied. */
  | 'rejected'
  /** Older than the golden value's own change: not applied. */
  | 'stale';

export interface RejectedGroup {
  group: CustomerAttributeGroup;
  owner: string | undefined;
  fields: CustomerField[];
}

export interface ReportResult {
  golden: Customer;
  state: CustomerSyncState;
  /** The golden record must be stored again (data, external ids or aliases changed). */
  changed: boolean;
  outcomes: Partial<Record<CustomerField, FieldOutcome>>;
  accepted: CustomerField[];
  rejected: RejectedGroup[];
  /** The report is older than one this source record sent before: nothing was looked at. */
  ignored: boolean;
  /** What the reporting system holds now, field by field (for its target view). */
  held: Partial<Record<CustomerField, string | null>>;
}

/** Fields a customer always has a value for: a report without one says nothing about them. */
const NEVER_EMPTY: ReadonlySet<CustomerField> = new Set(['partyType', 'name']);

/** A role that owns nothing and is owned by nothing: how a system bound to no role is treated. */
const NO_ROLE = '\u0000unbound';

/**
 * Applies one system's report to a golden record by the ownership rules. For each field the
 * report states (every field of a group its role owns: the owner saying "none" clears it;
 * otherwise the fields it has a value for):
 * - equal to the golden value → `same` (this is what makes echoes of the hub's writes harmless);
 * - equal to what this source record said last time → `pending` (it has not caught up yet);
 *   so is a value the hub sent this system earlier, unless the system owns the group: an owned
 *   group's golden value only changes by its owner's own reports, so the owner repeating a value
 *   the hub once sent it (opting back in after an opt-out) is its decision, never an echo;
 * - from a system whose role does not own the group → `rejected`;
 * - not newer than the golden value's own change → `stale`;
 * - otherwise → `accepted`, and the golden record takes it.
 * Pure: the caller stores the result.
 */
export function applyReport(args: { golden: Customer; state: CustomerSyncState; report: CustomerReport; ownership: Ownership }): ReportResult {
  const { golden, state, report, ownership } = args;
  const view = state.sources[report.sourceRecord];
  if (view && report.version < view.version) {
    return { golden, state, changed: false, outcomes: {}, accepted: [], rejected: [], ignored: true, held: {} };
  }
  const next: Customer = structuredClone(golden);
  const nextState: CustomerSyncState = structuredClone(state);
  const role = report.role ?? NO_ROLE;
  const ownsGroup = (group: CustomerAttributeGroup) => ownership.ownerOf(ownershipEntity, group) === role;
  const outcomes: Partial<Record<CustomerField, FieldOutcome>> = {};
  const stated: Partial<Record<CustomerField, string | null>> = {};
  const held: Partial<Record<CustomerField, string | null>> = {};
  const rejected = new Map<CustomerAttributeGroup, CustomerField[]>();
  const accepted: CustomerField[] = [];

  for (const field of CUSTOMER_FIELDS) {
    const group = groupOf(field);
    const incoming = comparable(field, report.customer);
    // No value: not stated, unless the owner of the group says "none" (a name cannot be removed).
    if (incoming === null && (!ownsGroup(group) || NEVER_EMPTY.has(field))) continue;
    stated[field] = incoming;
    const current = comparable(field, golden);
    let outcome: FieldOutcome;
    if (incoming === current) outcome = 'same';
    else if ((view && field in view.fields && view.fields[field] === incoming) || (!ownsGroup(group) && sentEarlier(state, report.role, field, incoming))) outcome = 'pending';
    else if (!ownership.owns(role, ownershipEntity, group)) outcome = 'rejected';
    else if (report.version <= (state.fieldVersions[field] ?? Number.NEGATIVE_INFINITY)) outcome = 'stale';
    else outcome = 'accepted';
    outcomes[field] = outcome;
    if (outcome !== 'pending') held[field] = incoming;
    if (outcome === 'rejected') rejected.set(group, [...(rejected.get(group) ?? []), field]);
    if (outcome === 'accepted') {
      copyField(next, report.customer, field);
      nextState.fieldVersions[field] = report.version;
      accepted.push(field);
    }
  }

  const externalIdsChanged = mergeExternalIds(next, report);
  const aliasAdded = report.customer.hubId !== golden.hubId && !nextState.aliases.includes(report.customer.hubId);
  if (aliasAdded) nextState.aliases.push(report.customer.hubId);
  nextState.sources[report.sourceRecord] = { system: report.system, version: report.version, fields: stated };

  const changed = accepted.length > 0 || externalIdsChanged || aliasAdded;
  if (changed) {
    next.version = golden.version + 1;
    if (accepted.length > 0) {
      next.sourceSystem = report.system;
      next.sourceTimestamp = report.customer.sourceTimestamp;
    }
  }
  return {
    golden: changed ? next : golden,
    state: nextState,
    changed,
    outcomes,
    accepted,
    rejected: [...rejected].map(([group, fields]) => ({ group, owner: ownership.ownerOf(ownershipEntity, group), fields })),
    ignored: false,
    held,
  };
}

/** A golden record made from the first report of a customer: it takes everything the report says. */
export function goldenFromReport(report: CustomerReport, now: number): { golden: Customer; state: CustomerSyncState; held: Partial<Record<CustomerField, string | null>> } {
  const golden: Customer = { ...structuredClone(report.customer), version: 1 };
  const fields: Partial<Record<CustomerField, string | null>> = {};
  const held: Partial<Record<CustomerField, string | null>> = {};
  const fieldVersions: Partial<Record<CustomerField, number>> = {};
  for (const field of CUSTOMER_FIELDS) {
    const value = comparable(field, golden);
    // The reporting system holds exactly this record: its "none" is known too.
    held[field] = value;
    if (value === null) continue;
    fields[field] = value;
    fieldVersions[field] = report.version;
  }
  const state: CustomerSyncState = {
    hubId: golden.hubId,
    seq: 0,
    createdAt: now,
    fieldVersions,
    sources: { [report.sourceRecord]: { system: report.system, version: report.version, fields } },
    targets: {},
    aliases: [],
    distinctFrom: [],
  };
  return { golden, state, held };
}

/** Copies one field from a report into the golden record; a required field is replaced, never removed. */
export function copyField(target: Customer, source: Partial<Customer>, field: CustomerField): void {
  const value = source[field];
  if (value === undefined) {
    if (field === 'emails' || field === 'phones' || field === 'addresses') target[field] = [];
    else if (field === 'consents') target.consents = {};
    else if (!REQUIRED_FIELDS.has(field)) delete target[field];
    return;
  }
  (target as Record<string, unknown>)[field] = structuredClone(value);
}

/**
 * Takes the external ids a report carries. The reporting system's own id replaces the one on
 * record when the report names this golden record itself (its id moved: NetSuite's internal id
 * replaces the customer number of the initial load); a record reached through an alias (one
 * merged into this customer) does not replace the survivor's id. Other systems' ids fill gaps.
 */
function mergeExternalIds(target: Customer, report: CustomerReport): boolean {
  let changed = false;
  for (const [system, id] of Object.entries(report.customer.externalIds)) {
    const known = target.externalIds[system];
    const replaces = system === report.system && report.customer.hubId === target.hubId;
    if (known === id || (known !== undefined && !replaces)) continue;
    target.externalIds = { ...target.externalIds, [system]: id };
    changed = true;
  }
  return changed;
}
