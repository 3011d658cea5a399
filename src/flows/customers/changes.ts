import type { Customer } from '../../canonical/customer.ts';
import type { RecordStore } from '../../ports/storage.ts';
import { CUSTOMER_ATTRIBUTE_GROUPS } from './attribute-groups.ts';
import { CustomerRecordEntity, EMPTY_STATS, type CustomerSyncStats, type RejectedCustomerChange } from './records.ts';
import type { CustomerReport, RejectedGroup } from './report.ts';

/** How many of the latest refused changes the console panel shows. */
export const RECENT_CHANGES_KEPT = 20;

/** The refused change of one group, as it is recorded. */
export function rejectedChange(args: {
  hubId: string;
  report: CustomerReport;
  rejected: RejectedGroup;
  correlationId: string | null;
  now: number;
}): RejectedCustomerChange {
  const { report, rejected } = args;
  const proposed: Partial<Customer> = {};
  for (const field of CUSTOMER_ATTRIBUTE_GROUPS[rejected.group]) {
    if (!rejected.fields.includes(field)) continue;
    const value = report.customer[field];
    if (value !== undefined) (proposed as Record<string, unknown>)[field] = structuredClone(value);
  }
  return {
    hubId: args.hubId,
    group: rejected.group,
    fields: rejected.fields,
    system: report.system,
    role: report.role ?? null,
    owner: rejected.owner ?? null,
    proposed,
    eventId: report.eventId,
    correlationId: args.correlationId,
    changedAt: report.version,
    recordedAt: args.now,
    status: 'rejected',
  };
}

/**
 * Records refused changes: one record per event and group (so a step run again after a crash
 * records it once), and the newest few in a list the console panel reads in one call.
 */
export async function recordRejectedChanges(records: RecordStore, changes: readonly RejectedCustomerChange[], now: number): Promise<number> {
  let added = 0;
  for (const change of changes) {
    const stored = await records.put({ entity: CustomerRecordEntity.change, key: `${change.eventId}/${change.group}`, data: change, version: 1, matchKeys: [`customer:${change.hubId}`] }, now);
    if (stored) added += 1;
  }
  if (added === 0) return 0;
  const recent = await records.get<RejectedCustomerChange[]>(CustomerRecordEntity.recentChanges, 'latest');
  const kept = [...changes, ...(recent?.data ?? [])].slice(0, RECENT_CHANGES_KEPT);
  await records.put({ entity: CustomerRecordEntity.recentChanges, key: 'latest', data: kept, version: (recent?.version ?? 0) + 1 }, now);
  return added;
}

export async function loadStats(records: RecordStore): Promise<{ stats: CustomerSyncStats; version: number }> {
  const stored = await records.get<CustomerSyncStats>(CustomerRecordEntity.stats, 'totals');
  return { stats: { ...EMPTY_STATS, ...stored?.data }, version: stored?.version ?? 0 };
}

/** Adds to the counts of the demo report (one writer at a time: customer sync runs serialized). */
export async function addToStats(records: RecordStore, delta: Partial<CustomerSyncStats>, now: number): Promise<void> {
  if (!Object.values(delta).some((value) => value !== undefined && value !== 0)) return;
  const { stats, version } = await loadStats(records);
  const next: CustomerSyncStats = { ...stats };
  for (const [name, value] of Object.entries(delta) as [keyof CustomerSyncStats, number | undefined][]) next[name] += value ?? 0;
  await records.put({ entity: CustomerRecordEntity.stats, key: 'totals', data: next, version: version + 1 }, now);
}
