import type { Case } from '../../canonical/case.ts';
import type { CloudEvent } from '../../canonical/cloudevent.ts';
import { schemaUri } from '../../canonical/entity.ts';
import type { Refund } from '../../canonical/payment.ts';
import type { Return } from '../../canonical/return.ts';
import type { RecordStore } from '../../ports/storage.ts';
import { defineFlow, type FlowContext, type FlowDefinition } from '../../runtime/flows/definition.ts';
import { roleOfSystem } from '../module.ts';
import type { FlowSettings } from '../settings.ts';
import { showInCrm } from './crm.ts';
import { orderOf, type OrderFacts } from './facts.ts';
import { ReturnEvent, ReturnFlow } from './names.ts';
import { lookAtOrder, orderLookPausesMs } from './order-looks.ts';
import { returnRequestFromCase, rmaNumberFor, storefrontReturnLines, storefrontReturnOf, type CaseReturnRequest, type StorefrontReturn } from './recognise.ts';
import { applyChange, newReturnRecord, ReturnStage, saveReturnRecord } from './record.ts';

export interface IntakeDeps {
  records: RecordStore;
  settings: FlowSettings['returns'];
  systems: Readonly<Record<string, string>>;
  clock: () => number;
}

type Source = { kind: 'case'; request: CaseReturnRequest; supportCase: Case } | { kind: 'storefront'; storefront: StorefrontReturn } | { kind: 'ignored' };

/**
 * Turns what customers ask in other systems into `retail.return.requested.v1`, one request per
 * source document however often it changes:
 * - a service case in the CRM whose subject names a return and an order (`caseSubjectPattern`);
 * - a refund of goods the storefront issued (the storefront took the return and paid it back).
 * The request gets its RMA number from the case or refund, and its lines from the order (the
 * line the case names, else the first) or from the refund's lines.
 */
export function intakeFlow(deps: IntakeDeps): FlowDefinition {
  const pattern = new RegExp(deps.settings.caseSubjectPattern, 'i');
  const sourceOf = (event: CloudEvent): Source => {
    if (event.type === ReturnEvent.caseUpdated) {
      const supportCase = event.data as Case;
      const request = returnRequestFromCase(supportCase, pattern);
      return request ? { kind: 'case', request, supportCase } : { kind: 'ignored' };
    }
    const refund = event.data as Refund;
    // Only the storefront's own refunds: the hub's refunds through the payment system are its own doing.
    if (roleOfSystem(deps.systems, refund.sourceSystem) !== 'commerce') return { kind: 'ignored' };
    const storefront = storefrontReturnOf(refund);
    return storefront ? { kind: 'storefront', storefront } : { kind: 'ignored' };
  };
  return defineFlow({
    name: ReturnFlow.intake,
    startsOn: [ReturnEvent.caseUpdated, ReturnEvent.refundIssued],
    instanceId: (event) => {
      const source = sourceOf(event);
      if (source.kind === 'case') return `${ReturnFlow.intake}:case:${source.request.caseNumber}`;
      if (source.kind === 'storefront') return `${ReturnFlow.intake}:refund:${source.storefront.refund.hubId}`;
      return `${ReturnFlow.intake}:ignored:${event.source}:${event.id}`;
    },
    async run(ctx, event) {
      const source = sourceOf(event);
      if (source.kind === 'ignored') return;
      const request = source.kind === 'case' ? await fromCase(ctx, deps, source.request, source.supportCase) : await fromStorefront(ctx, deps, source.storefront);
      if (!request) return;
      await ctx.emit('requested', { type: ReturnEvent.requested, subject: request.rmaNumber, data: request, dataschema: schemaUri('return', 1) });
    },
  });
}

async function fromCase(ctx: FlowContext, deps: IntakeDeps, request: CaseReturnRequest, supportCase: Case): Promise<Return | undefined> {
  const rmaNumber = rmaNumberFor({ caseNumber: request.caseNumber });
  // Its events may still be on their way: looked for again after each of `orderLookPausesSeconds`, then refused.
  const facts = await lookForOrder(ctx, deps, request.orderNumber, orderLookPausesMs(deps.settings));
  const order = orderOf(facts);
  const named = order?.lines.find((line) => line.lineNumber === request.orderLineNumber) ?? order?.lines.find((line) => line.sku === request.sku);
  const line = named ?? (request.sku === undefined ? order?.lines[0] : undefined);
  const sku = request.sku ?? line?.sku;
  const base: Omit<Return, 'lines'> = {
    hubId: hubIdOf(rmaNumber),
    externalIds: supportCase.externalIds,
    sourceSystem: supportCase.sourceSystem,
    sourceTimestamp: supportCase.sourceTimestamp,
    version: 1,
    schemaVersion: 1,
    rmaNumber,
    orderNumber: request.orderNumber,
    customerId: order?.customer.customerId ?? request.customerId,
    caseNumber: request.caseNumber,
    requestedAt: request.requestedAt,
    method: 'mail',
    returnLocationCode: deps.settings.returnLocationCode,
    status: 'requested',
    refundIds: [],
  };
  const lines: Return['lines'] = sku
    ? [{ orderLineNumber: line?.lineNumber ?? request.orderLineNumber ?? 1, sku, quantity: request.quantity, reason: request.reason, ...(request.condition !== undefined && { condition: request.condition }) }]
    : [];
  if (order && lines.length > 0) return { ...base, lines };
  // No order to return against: refused here, on the case, without an RMA in any system.
  const refused = await ctx.step('order-unknown', async () => {
    const now = deps.clock();
    const message = order ? `the case names no item of order ${request.orderNumber}` : `order ${request.orderNumber} is not known to the hub`;
    const record = applyChange(newReturnRecord({ ...base, lines }, 'service', now), { status: 'rejected', stage: ReturnStage.done, reached: 'rejected', outcome: { code: order ? 'UNKNOWN_LINE' : 'ORDER_NOT_FOUND', message }, return: { statusReason: message } }, now);
    await saveReturnRecord(deps.records, record, now);
    return record;
  });
  await showInCrm(ctx, deps.records, 'order-unknown', refused);
  return undefined;
}

async function fromStorefront(ctx: FlowContext, deps: IntakeDeps, storefront: StorefrontReturn): Promise<Return> {
  const { refund } = storefront;
  const rmaNumber = rmaNumberFor({ refundHubId: refund.hubId });
  // One look, no waiting: the refund's own lines make the request, and the returns flow waits for
  // the order and its ERP booking (its webhook may come after the refund's) before it decides.
  const facts = await lookForOrder(ctx, deps, storefront.orderNumber, [0]);
  const order = orderOf(facts);
  return {
    hubId: hubIdOf(rmaNumber),
    externalIds: refund.externalIds,
    sourceSystem: refund.sourceSystem,
    sourceTimestamp: refund.sourceTimestamp,
    version: 1,
    schemaVersion: 1,
    rmaNumber,
    orderNumber: storefront.orderNumber,
    ...(order?.customer.customerId !== undefined && { customerId: order.customer.customerId }),
    requestedAt: refund.issuedAt ?? refund.sourceTimestamp,
    method: 'in-store',
    returnLocationCode: order?.fulfilment.locationCode ?? deps.settings.returnLocationCode,
    lines: storefrontReturnLines(storefront, order?.currency ?? refund.currency),
    status: 'requested',
    refundIds: [refund.hubId],
  };
}

/** The order's facts, looking again after each pause while the hub does not know the order. */
async function lookForOrder(ctx: FlowContext, deps: IntakeDeps, orderNumber: string, pausesMs: readonly number[]): Promise<OrderFacts | undefined> {
  const { facts } = await lookAtOrder(ctx, { records: deps.records, orderNumber, pausesMs, name: 'order', wakeOn: 'retail.order.placed.v1', enough: (seen) => orderOf(seen) !== undefined });
  return facts;
}

function hubIdOf(rmaNumber: string): string {
  return `rtn_${rmaNumber.replace(/[^A-Za-z0-9_:.-]/g, '-')}`;
}
