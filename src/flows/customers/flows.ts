import type { CloudEvent } from '../../canonical/cloudevent.ts';
import { defineFlow, type FlowContext, type FlowDefinition } from '../../runtime/flows/definition.ts';
import type { RetailFlowDependencies } from '../module.ts';
import { addToStats } from './changes.ts';
import { CustomerSyncEvent, type UnmergeRequest } from './events.ts';
import { UPSERT_CUSTOMER, writesFor, type CustomerWrite } from './fan-out.ts';
import { unmergeCustomers } from './merges.ts';
import { fanOutContext, recordWritesSent, syncCustomerReport } from './sync.ts';

export const CUSTOMER_CREATED = 'retail.customer.created.v1';
export const CUSTOMER_UPDATED = 'retail.customer.updated.v1';
export const CUSTOMER_SYNC_FLOW = 'customer-sync';
export const CUSTOMER_UNMERGE_FLOW = 'customer-unmerge';

/** Runs one job at a time, in arrival order. */
export type Serializer = <T>(work: () => Promise<T>) => Promise<T>;

/**
 * Customer sync runs one profile at a time. Two profiles of one customer often arrive under
 * different subjects (Shopify's id, Salesforce's, NetSuite's), which the engine would run side
 * by side, and a merge touches two golden records: one at a time keeps every read of a golden
 * record current. (Embedded, single-process mode; see docs/flows/customers.md.)
 */
export function createSerializer(): Serializer {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>) => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };
}

/** Hands the writes to delivery (state items: the newest revision of a customer wins) and records them. */
async function deliverWrites(ctx: FlowContext, deps: RetailFlowDependencies, writes: readonly CustomerWrite[]): Promise<void> {
  for (const write of writes) {
    await ctx.deliver(`write-${write.hubId}-${write.role}`, {
      target: write.role,
      kind: 'state',
      key: write.hubId,
      version: write.sequence,
      operation: UPSERT_CUSTOMER,
      payload: write.payload,
      idempotencyKey: `customer:${write.hubId}#${write.sequence}/${write.role}`,
      context: { entity: 'customer', businessKey: write.hubId, operation: UPSERT_CUSTOMER, partyType: write.payload.partyType },
    });
  }
  if (writes.length > 0) {
    await ctx.step('writes-sent', async () => {
      await recordWritesSent(deps, writes);
      return null;
    });
  }
}

/**
 * `customer-sync`: every customer profile from any system (Shopify webhooks, the Salesforce
 * Account and NetSuite customer pollers, customers order capture found on an order) is matched
 * to its golden customer, merged by ownership, and written to the systems that need it.
 */
export function customerSyncFlow(deps: RetailFlowDependencies, serialize: Serializer): FlowDefinition {
  return defineFlow({
    name: CUSTOMER_SYNC_FLOW,
    startsOn: [CUSTOMER_CREATED, CUSTOMER_UPDATED],
    async run(ctx, event: CloudEvent) {
      await serialize(async () => {
        const decision = await ctx.step('merge', () => syncCustomerReport(event, deps));
        if (decision.outcome === 'invalid') {
          await ctx.raise('invalid-customer', {
            code: 'INVALID_CUSTOMER',
            message: `A customer profile from ${event.source} was not synced: ${decision.problem?.field} ${decision.problem?.reason}`,
            context: { entity: 'customer', businessKey: event.subject ?? event.id, field: decision.problem?.field, eventId: event.id },
          });
          return;
        }
        await deliverWrites(ctx, deps, decision.writes);
        for (const merge of decision.merges) {
          await ctx.emit(`merged-${merge.mergedId}`, { type: CustomerSyncEvent.merged, subject: merge.survivorId, data: merge });
        }
      });
    },
  });
}

/** `customer-unmerge`: undoes a merge an operator asked to undo (console), then writes both customers. */
export function customerUnmergeFlow(deps: RetailFlowDependencies, serialize: Serializer): FlowDefinition {
  return defineFlow({
    name: CUSTOMER_UNMERGE_FLOW,
    startsOn: [CustomerSyncEvent.unmergeRequested],
    instanceId: (event) => `${CUSTOMER_UNMERGE_FLOW}:${event.subject}`,
    async run(ctx, event) {
      const request = event.data as UnmergeRequest;
      await serialize(async () => {
        const result = await ctx.step('unmerge', async () => {
          const done = await unmergeCustomers(deps.records, request.mergeId, { actor: request.actor, reason: request.reason, now: deps.clock() });
          if (done.outcome !== 'undone') return { outcome: done.outcome, survivorId: null, restoredId: null, writes: [] as CustomerWrite[] };
          await addToStats(deps.records, { unmerged: 1 }, deps.clock());
          const context = fanOutContext(deps);
          return {
            outcome: done.outcome,
            survivorId: done.survivor.customer.hubId,
            restoredId: done.restored.customer.hubId,
            writes: [...writesFor(done.survivor.customer, done.survivor.state, context), ...writesFor(done.restored.customer, done.restored.state, context)],
          };
        });
        if (result.outcome !== 'undone') {
          await ctx.raise('unmerge-refused', {
            code: result.outcome === 'not-found' ? 'MERGE_NOT_FOUND' : 'MERGE_ALREADY_UNDONE',
            message: `Undo of customer merge ${request.mergeId} requested by ${request.actor}: ${result.outcome === 'not-found' ? 'no such merge' : 'it was undone already'}`,
            context: { entity: 'customer-merge', businessKey: request.mergeId },
          });
          return;
        }
        await deliverWrites(ctx, deps, result.writes);
        await ctx.emit('unmerged', {
          type: CustomerSyncEvent.unmerged,
          subject: result.survivorId!,
          data: { mergeId: request.mergeId, survivorId: result.survivorId, restoredId: result.restoredId, actor: request.actor, reason: request.reason },
        });
      });
    },
  });
}
