import type { Case, CaseStatus } from '../../canonical/case.ts';
import type { RecordStore } from '../../ports/storage.ts';
import type { FlowContext } from '../../runtime/flows/definition.ts';
import { ReturnsRecord } from './names.ts';
import { RefundRoute, type ReturnRecord } from './record.ts';

/** The line above the hub's part of a case description; everything below it is rewritten on each update. */
export const TIMELINE_HEADER = '--- Return progress (Crossdock) ---';

function when(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The return's milestones in words, oldest first, for the agent reading the case. */
export function timelineOf(record: ReturnRecord): string[] {
  const rma = record.return.rmaNumber;
  const units = record.return.lines.map((line) => `${line.quantity} × ${line.sku}`).join(', ');
  const lines = [`${when(record.claimedAt)} ${rma} requested${units ? `: ${units}` : ''}`];
  const { reached, outcome, refund } = record;
  if (reached.authorized !== undefined) {
    const where = record.return.returnLocationCode;
    lines.push(`${when(reached.authorized)} ${rma} authorized${record.origin !== 'storefront' && where ? `: send the items to ${where}` : ''}`);
  }
  if (reached.received !== undefined) lines.push(`${when(reached.received)} items received${units ? `: ${units}` : ''}`);
  if (reached.credited !== undefined) lines.push(`${when(reached.credited)} credit memo issued${record.credit ? ` for ${record.credit.amount} ${record.credit.currency}` : ''}`);
  if (reached.refunded !== undefined && refund) {
    const how = refund.route === RefundRoute.storefront ? 'refunded by the storefront' : refund.route === RefundRoute.outside ? 'refunded outside the hub' : 'refunded to the original payment';
    lines.push(`${when(reached.refunded)} ${how}: ${refund.amount} ${refund.currency}`);
  } else if (record.stage === 'done' && refund?.route === RefundRoute.account) {
    lines.push(`${when(record.stageSince)} credit kept on the customer account: ${refund.amount} ${refund.currency}`);
  }
  if (reached.rejected !== undefined && outcome) lines.push(`${when(reached.rejected)} return refused: ${outcome.message}`);
  if (reached.expired !== undefined && outcome) lines.push(`${when(reached.expired)} ${outcome.message}`);
  if (reached.rejected === undefined && reached.expired === undefined && outcome && record.stage === 'done') lines.push(`${when(record.stageSince)} ${outcome.message}`);
  return lines;
}

/** The case's own description (what the customer or agent wrote) followed by the return's timeline. */
export function describeCase(description: string | undefined, timeline: readonly string[]): string {
  const own = (description ?? '').split(TIMELINE_HEADER)[0]!.trimEnd();
  return [own, '', TIMELINE_HEADER, ...timeline].join('\n').trimStart();
}

/** The case status a return's progress means: closed when refused or expired, resolved when settled, open meanwhile. */
export function caseStatusOf(record: ReturnRecord): CaseStatus {
  if (record.stage !== 'done') return 'open';
  if (record.reached.refunded !== undefined || record.refund?.route === RefundRoute.account) return 'resolved';
  return 'closed';
}

/** The case as the hub writes it back: status and description only change. */
export function caseUpdate(supportCase: Case, record: ReturnRecord): Case {
  const status = caseStatusOf(record);
  return { ...supportCase, rmaNumber: record.return.rmaNumber, status, description: describeCase(supportCase.description, timelineOf(record)) };
}

/**
 * Shows a return's progress in the CRM: the Return record (status, reason, condition) and, for a
 * return asked for through a case, the case (status and timeline). State updates: a newer one
 * replaces an older one still queued, ordered by the record's revision.
 */
export async function showInCrm(ctx: FlowContext, records: RecordStore, name: string, record: ReturnRecord): Promise<void> {
  const rma = record.return.rmaNumber;
  const context = { entity: 'return', businessKey: rma, orderNumber: record.return.orderNumber };
  await ctx.deliver(`crm:${name}:return`, { target: 'crm', kind: 'state', key: rma, operation: 'upsertReturn', payload: record.return, version: record.revision, context });
  const caseNumber = record.return.caseNumber;
  if (caseNumber === undefined) return;
  const supportCase = await ctx.step(`crm:${name}:case-read`, async () => (await records.get<Case>(ReturnsRecord.case, caseNumber))?.data ?? null);
  // A case the hub never saw (no poll yet) cannot be rewritten without losing what the agent wrote.
  if (!supportCase) return;
  await ctx.deliver(`crm:${name}:case`, {
    target: 'crm',
    kind: 'state',
    key: `case:${caseNumber}`,
    operation: 'upsertCase',
    payload: caseUpdate(supportCase, record),
    version: record.revision,
    context: { ...context, caseNumber },
  });
}
