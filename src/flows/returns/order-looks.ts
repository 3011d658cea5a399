import type { RecordStore } from '../../ports/storage.ts';
import type { FlowContext } from '../../runtime/flows/definition.ts';
import type { FlowSettings } from '../settings.ts';
import type { OrderFacts } from './facts.ts';
import { ReturnsRecord } from './names.ts';

/**
 * The pauses before each look for an order (ms): the first look at once, then one after each of
 * `orderLookPausesSeconds`. The order's events may still be on their way when a return names it
 * (a storefront redelivers the webhooks a stopped hub did not answer in any order, and the ERP
 * booking is reported by a poller), so the flows look again before they decide without it.
 */
export function orderLookPausesMs(settings: Pick<FlowSettings['returns'], 'orderLookPausesSeconds'>): number[] {
  return [0, ...settings.orderLookPausesSeconds.map((seconds) => Math.round(seconds * 1_000))];
}

/**
 * Reads the returns flows' facts of an order (`returns.order`) until `enough` says they will do,
 * waiting durably between looks (each look a journaled step `<name>-look-<n>`, each pause a
 * durable wait `<name>-pause-<n>`, so a restart resumes where it was). A pause ends early when an
 * event of `wakeOn` about the order arrives (its placement, its booking): the flow goes on as soon
 * as what it waits for has happened, not at the end of the pause. Returns what the last look saw,
 * enough or not, and whether the awaited event arrived (the facts may lag it by a moment): the
 * caller decides what a missing order or booking means.
 *
 * @example
 * const { facts } = await lookAtOrder(ctx, { records, orderNumber: 'SHOP-1057', pausesMs: orderLookPausesMs(settings), name: 'booking', wakeOn: 'retail.order.booked.v1', enough: (seen) => seen?.booked !== undefined });
 */
export async function lookAtOrder(
  ctx: FlowContext,
  options: { records: RecordStore; orderNumber: string; pausesMs: readonly number[]; name: string; wakeOn: string; enough: (facts: OrderFacts | undefined) => boolean },
): Promise<{ facts: OrderFacts | undefined; eventSeen: boolean }> {
  let seen: OrderFacts | undefined;
  let eventSeen = false;
  for (const [look, pauseMs] of options.pausesMs.entries()) {
    if (pauseMs > 0) {
      const event = await ctx.waitForEvent(`${options.name}-pause-${look}`, { type: options.wakeOn, key: options.orderNumber, timeoutMs: pauseMs });
      eventSeen ||= event !== null;
    }
    seen = (await ctx.step(`${options.name}-look-${look}`, async () => (await options.records.get<OrderFacts>(ReturnsRecord.order, options.orderNumber))?.data ?? null)) ?? undefined;
    if (options.enough(seen)) return { facts: seen, eventSeen };
  }
  return { facts: seen, eventSeen };
}
