import { CustomerSchema } from '../../canonical/customer.ts';
import { maskPersonalData } from '../../canonical/masking.ts';
import { PanelStatus, type HealthPanel, type HealthPanelItem } from '../../console/health/panels.ts';
import { CustomerRecordEntity, type CustomerMerge, type RejectedCustomerChange } from './records.ts';

/** Merge records looked at per evaluation (merges are rare; beyond this the count is a lower bound). */
const MERGE_SCAN_LIMIT = 1_000;
const DAY_MS = 86_400_000;

function ago(ms: number): string {
  if (ms < 60_000) return 'just now';
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min ago`;
  if (ms < DAY_MS) return `${Math.round(ms / 360_000) / 10} h ago`;
  return `${Math.round(ms / 8_640_000) / 10} days ago`;
}

/**
 * "source tried to change group (fields → masked values), owned by owner": who tried to change
 * what, with personal data masked as everywhere in logs and the console (e-mails keep their
 * domain, names their first letter, identifiers become ***).
 */
export function describeRejectedChange(change: RejectedCustomerChange): string {
  const masked = maskPersonalData(CustomerSchema, change.proposed) as Record<string, unknown>;
  const values = change.fields.map((field) => `${field}: ${JSON.stringify(masked[field] ?? null)}`).join('; ');
  const who = change.role ? `${change.system} (${change.role})` : change.system;
  return `${who} tried to change ${change.group} (${values}); owned by ${change.owner ?? 'nobody'}`;
}

/** Customer changes refused because their system does not own the attribute group. */
export function rejectedChangesPanel(): HealthPanel {
  return {
    id: 'customers-changes-rejected-by-ownership',
    title: 'Customer changes rejected by ownership',
    area: 'customers',
    async evaluate({ storage, now }) {
      const [count, recent] = await Promise.all([
        storage.records.count(CustomerRecordEntity.change),
        storage.records.get<RejectedCustomerChange[]>(CustomerRecordEntity.recentChanges, 'latest'),
      ]);
      const latest = recent?.data ?? [];
      const newest = latest[0];
      const items: HealthPanelItem[] = latest.map((change) => ({ businessKey: change.hubId, detail: describeRejectedChange(change), since: change.recordedAt }));
      return {
        // Refusals are the rule working, not a fault: a warning while one is fresh, so people look.
        status: newest && now - newest.recordedAt < DAY_MS ? PanelStatus.warning : PanelStatus.ok,
        value: count,
        summary:
          count === 0
            ? 'No customer change was refused by ownership'
            : `${count} customer ${count === 1 ? 'change' : 'changes'} refused by ownership; latest ${ago(now - newest!.recordedAt)}: ${newest!.system} tried to change ${newest!.group} (owned by ${newest!.owner ?? 'nobody'})`,
        items,
      };
    },
  };
}

/** Merges of duplicate customers since midnight UTC, each with the merge id an operator can undo. */
export function mergesTodayPanel(): HealthPanel {
  return {
    id: 'customers-merges-today',
    title: 'Customer merges today',
    area: 'customers',
    async evaluate({ storage, now }) {
      const merges = await storage.records.list<CustomerMerge>(CustomerRecordEntity.merge, { limit: MERGE_SCAN_LIMIT });
      const midnight = now - (now % DAY_MS);
      const today = merges.map((record) => record.data).filter((merge) => merge.mergedAt >= midnight).sort((a, b) => b.mergedAt - a.mergedAt);
      const undone = today.filter((merge) => merge.status === 'undone').length;
      return {
        status: PanelStatus.ok,
        value: today.length,
        ...(merges.length >= MERGE_SCAN_LIMIT && { atLeast: true }),
        summary: `${today.length} duplicate ${today.length === 1 ? 'customer' : 'customers'} merged today${undone > 0 ? ` (${undone} undone)` : ''}`,
        items: today.slice(0, 20).map((merge) => ({
          businessKey: merge.survivorId,
          detail:
            merge.status === 'undone'
              ? `${merge.mergedId} merged into ${merge.survivorId}, undone by ${merge.undoneBy ?? 'an operator'} (${merge.mergeId})`
              : `${merge.mergedId} merged into ${merge.survivorId} (matched by ${merge.matchedOn.join(', ')}); undo: POST /api/console/customers/merges/${merge.mergeId}/undo`,
          since: merge.mergedAt,
        })),
      };
    },
  };
}
