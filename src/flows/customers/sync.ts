import type { CloudEvent } from '../../canonical/cloudevent.ts';
import { CustomerSchema, type Customer } from '../../canonical/customer.ts';
import { validate } from '../../canonical/validation.ts';
import { roleOfSystem, type RetailFlowDependencies } from '../module.ts';
import { addToStats, recordRejectedChanges, rejectedChange } from './changes.ts';
import { confirmHeld, markSent, writesFor, type CustomerWrite, type FanOutContext } from './fan-out.ts';
import { loadGolden, saveGolden, type GoldenCustomer } from './golden.ts';
import { matchReport, type MatchKeyKind } from './matching.ts';
import { combineDuplicates, hasOwnRecordIn, recordMerge } from './merges.ts';
import type { CustomerMerge, CustomerSyncState } from './records.ts';
import { applyReport, changeVersion, goldenFromReport, sourceRecordOf, type CustomerReport } from './report.ts';

/** A merge done while handling a report: what the flow announces. */
export interface MergeDone {
  mergeId: string;
  survivorId: string;
  mergedId: string;
  matchedOn: string[];
}

/** What handling one customer event decided (journaled: a replay carries on from it). */
export interface SyncDecision {
  outcome: 'created' | 'updated' | 'unchanged' | 'ignored' | 'invalid';
  hubId: string | null;
  accepted: string[];
  rejected: { group: string; owner: string | null; fields: string[] }[];
  merges: MergeDone[];
  writes: CustomerWrite[];
  /** For `invalid`: what is wrong with the event's customer. */
  problem?: { field: string; reason: string };
}

export function fanOutContext(deps: RetailFlowDependencies): FanOutContext {
  return { settings: deps.settings, ownership: deps.ownership, systems: deps.systems };
}

/** The report a customer event carries; undefined with the reason when its data is not a Customer. */
export function reportOf(event: CloudEvent, deps: Pick<RetailFlowDependencies, 'systems'>): { report: CustomerReport } | { problem: { field: string; reason: string } } {
  const checked = validate(CustomerSchema, event.data);
  if (!checked.ok) {
    const [first] = checked.errors;
    return { problem: { field: first?.field ?? 'data', reason: first?.reason ?? 'is not a customer' } };
  }
  const customer = checked.value as Customer;
  return {
    report: {
      system: customer.sourceSystem,
      role: roleOfSystem(deps.systems, customer.sourceSystem),
      sourceRecord: sourceRecordOf(customer),
      version: changeVersion(event, customer),
      eventId: event.id,
      customer,
    },
  };
}

/**
 * Handles one customer profile from any system: finds its golden customer (or creates one),
 * merges duplicates the profile reveals, applies the profile by the ownership rules, records the
 * changes refused, stores everything, and works out the writes the systems need. Safe to run
 * again after a crash: the golden record then already holds the change, and the writes still
 * owed are found from what each system is known to hold, not from what changed this time.
 */
export async function syncCustomerReport(event: CloudEvent, deps: RetailFlowDependencies): Promise<SyncDecision> {
  const parsed = reportOf(event, deps);
  if ('problem' in parsed) return { outcome: 'invalid', hubId: null, accepted: [], rejected: [], merges: [], writes: [], problem: parsed.problem };
  const { report } = parsed;
  const { records } = deps;
  const now = deps.clock();
  const correlationId = typeof event.correlationid === 'string' ? event.correlationid : null;
  const match = await matchReport(records, report, deps.settings.customers.matchOn as MatchKeyKind[]);

  let golden: GoldenCustomer;
  let outcome: SyncDecision['outcome'];
  let accepted: string[] = [];
  let rejected: SyncDecision['rejected'] = [];
  let customerChanged: boolean;
  if (!match.survivor) {
    const created = goldenFromReport(report, now);
    golden = { customer: created.golden, state: confirmHeld(created.state, report.role, created.held) };
    outcome = 'created';
    customerChanged = true;
  } else if (!isLinkedRecord(match.survivor, report, deps.systems)) {
    // Another record of this customer in the same system (a merged duplicate's, or a second
    // account found by phone): it resolves here, but its data is not taken (see docs).
    const state = withSecondaryRecord(match.survivor, report);
    customerChanged = state.aliases.length > match.survivor.state.aliases.length;
    golden = { customer: customerChanged ? { ...match.survivor.customer, version: match.survivor.customer.version + 1 } : match.survivor.customer, state };
    outcome = 'unchanged';
  } else {
    const result = applyReport({ golden: match.survivor.customer, state: match.survivor.state, report, ownership: deps.ownership });
    if (result.ignored && match.duplicates.length === 0) return { outcome: 'ignored', hubId: match.survivor.customer.hubId, accepted: [], rejected: [], merges: [], writes: [] };
    golden = { customer: result.golden, state: confirmHeld(result.state, report.role, result.held) };
    outcome = result.accepted.length > 0 ? 'updated' : 'unchanged';
    accepted = result.accepted;
    customerChanged = result.changed;
    const changes = result.rejected.map((group) => rejectedChange({ hubId: golden.customer.hubId, report, rejected: group, correlationId, now }));
    rejected = changes.map((change) => ({ group: change.group, owner: change.owner, fields: change.fields }));
    const recorded = await recordRejectedChanges(records, changes, now);
    await addToStats(records, { rejectedNonOwner: recorded }, now);
  }

  const merges: MergeDone[] = [];
  for (const duplicate of match.duplicates) {
    const combined = combineDuplicates({
      survivor: golden,
      merged: duplicate,
      matchedOn: duplicate.matchedOn,
      trigger: { system: report.system, eventId: report.eventId, correlationId },
      now,
      systems: deps.systems,
    });
    await recordMerge(records, combined.merge, now);
    golden = combined.survivor;
    customerChanged = true;
    merges.push(summaryOf(combined.merge));
  }

  golden = await saveGolden(records, golden, { customerChanged, now });
  const writes = writesFor(golden.customer, golden.state, fanOutContext(deps));
  await addToStats(records, { changes: outcome === 'created' || outcome === 'updated' ? 1 : 0, merged: merges.length }, now);
  return { outcome, hubId: golden.customer.hubId, accepted, rejected, merges, writes };
}

/**
 * Records that writes were handed to delivery, so the next profile of the same customer does
 * not send them again. Counted once, here, as the customers fanned out.
 */
export async function recordWritesSent(deps: RetailFlowDependencies, writes: readonly CustomerWrite[]): Promise<void> {
  const byCustomer = new Map<string, CustomerWrite[]>();
  for (const write of writes) byCustomer.set(write.hubId, [...(byCustomer.get(write.hubId) ?? []), write]);
  const now = deps.clock();
  for (const [hubId, customerWrites] of byCustomer) {
    const golden = await loadGolden(deps.records, hubId);
    if (!golden) continue; // merged away meanwhile: its survivor is written on its own
    await saveGolden(deps.records, { customer: golden.customer, state: markSent(golden.state, customerWrites) }, { customerChanged: false, now });
  }
  await addToStats(deps.records, { fannedOut: writes.length }, now);
}

/** Notes a secondary record's report: its newest version, and its hub id as an alias (so other flows find the customer by it). */
function withSecondaryRecord(golden: GoldenCustomer, report: CustomerReport): CustomerSyncState {
  const previous = golden.state.sources[report.sourceRecord];
  const { hubId } = report.customer;
  return {
    ...golden.state,
    aliases: hubId === golden.customer.hubId || golden.state.aliases.includes(hubId) ? golden.state.aliases : [...golden.state.aliases, hubId],
    sources: { ...golden.state.sources, [report.sourceRecord]: { system: report.system, version: Math.max(previous?.version ?? 0, report.version), fields: previous?.fields ?? {} } },
  };
}

/**
 * Whether a report comes from the record the golden customer is linked to in its system: it
 * names the golden customer's hub id itself (NetSuite's external id, Salesforce's
 * External_Id__c), or carries the system id the golden customer has there (or it has none yet).
 * A record of a customer merged into it (it names that customer's hub id, now an alias) is
 * another record when the golden customer has its own there (sent, not reported back yet): the
 * hub never re-keys it to the hub id the customer's own record holds.
 */
function isLinkedRecord(golden: GoldenCustomer, report: CustomerReport, systems: Readonly<Record<string, string>>): boolean {
  if (report.customer.hubId === golden.customer.hubId) return true;
  const linked = golden.customer.externalIds[report.system];
  if (linked !== undefined) return linked === report.customer.externalIds[report.system];
  return !(golden.state.aliases.includes(report.customer.hubId) && hasOwnRecordIn(golden, report.system, systems));
}

function summaryOf(merge: CustomerMerge): MergeDone {
  return { mergeId: merge.mergeId, survivorId: merge.survivorId, mergedId: merge.mergedId, matchedOn: merge.matchedOn };
}
