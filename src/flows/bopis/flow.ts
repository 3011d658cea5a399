import type { CloudEvent } from '../../canonical/cloudevent.ts';
import type { InventoryLevel } from '../../canonical/inventory-level.ts';
import { OrderSchema, type Order } from '../../canonical/order.ts';
import type { BusinessContext } from '../../ports/storage.ts';
import { defineFlow, type FlowContext, type FlowDefinition } from '../../runtime/flows/definition.ts';
import { OperatorDecision } from '../../runtime/flows/operator.ts';
import type { RetailFlowDependencies } from '../module.ts';
import { findHeldOrder, HoldCode, holdResolution, OrderEvent } from '../order-capture/index.ts';
import { RecordEntity } from '../reference/records.ts';
import { chooseLocation, rerouteReason, reroutedOrder, wantedBySku, type LocationChoice } from './choose.ts';
import { REROUTE_CLAIM_ENTITY, RerouteStatus, saveReroute, type RerouteRecord } from './records.ts';

export const BOPIS_REROUTE_FLOW = 'bopis-reroute';
/** The exception raised when no configured location can fulfil a pickup order. */
export const NO_PICKUP_LOCATION = 'NO_PICKUP_LOCATION';
/** `statusReason.code` of the `retail.order.status-changed.v1` a reroute emits. */
export const PICKUP_REROUTED = 'PICKUP_REROUTED';

/**
 * Where every status change that is not a pickup order held out of stock goes: one instance
 * that completed at once, so such events cost a read instead of a stored instance each.
 */
const NOT_A_CANDIDATE = `${BOPIS_REROUTE_FLOW}:not-a-pickup-hold`;
/** Order capture announces a hold, then raises its exception: look for it a few times. */
const FIND_HOLD_ATTEMPTS = 5;
const FIND_HOLD_PAUSE_MS = 500;

const ORDER_SCHEMA = OrderSchema.$id as string;

/** A pickup order order capture held because its pickup store cannot cover it. */
export function isPickupOutOfStock(event: CloudEvent): boolean {
  const order = event.data as Partial<Order> | null;
  return (
    event.type === OrderEvent.statusChanged &&
    order?.status === 'on-hold' &&
    order.statusReason?.code === HoldCode.outOfStock &&
    order.fulfilment?.method === 'pickup' &&
    typeof order.fulfilment.locationCode === 'string'
  );
}

/**
 * BOPIS reroute (flow 6 of docs/flows.md). Order capture holds a pickup order whose store
 * cannot cover it (OUT_OF_STOCK) and announces it with `retail.order.status-changed.v1`. This
 * flow then:
 * 1. finds the hold's exception (order capture's protocol: `findHeldOrder`);
 * 2. picks the nearest configured location that has every line in stock (inventory read model):
 *    another store for the customer to collect from, or a warehouse that ships to the store;
 * 3. records why (reroute record, a `status-changed` event with reason PICKUP_REROUTED) and
 *    resumes order capture with the rerouted order (decision "fix"), which re-checks it, books it
 *    in the ERP at the new location (upsert by order number), projects it into Salesforce and,
 *    for a warehouse, releases it to the WMS;
 * 4. once the ERP has booked it there, writes the note of why on the Salesforce order.
 * When no location can, it raises NO_PICKUP_LOCATION with what each location lacks; the order
 * stays held in order capture for an operator.
 */
export function bopisRerouteFlow(deps: RetailFlowDependencies): FlowDefinition {
  return defineFlow({
    name: BOPIS_REROUTE_FLOW,
    startsOn: [OrderEvent.statusChanged],
    // One instance per hold round (the event names it), so a second hold of the order is rerouted too.
    instanceId: (event) => (isPickupOutOfStock(event) ? `${BOPIS_REROUTE_FLOW}:${event.subject}:${event.id}` : NOT_A_CANDIDATE),
    key: (event) => event.subject ?? event.id,
    async run(ctx, event) {
      if (!isPickupOutOfStock(event)) return;
      await reroute(ctx, deps, event.data as Order);
    },
  });
}

async function reroute(ctx: FlowContext, deps: RetailFlowDependencies, held: Order): Promise<void> {
  const { orderNumber } = held;
  const pickupStore = held.fulfilment.locationCode!;
  let hold: Awaited<ReturnType<typeof findHeldOrder>> | null = null;
  for (let attempt = 1; attempt <= FIND_HOLD_ATTEMPTS; attempt++) {
    hold = await ctx.step(`find-hold-${attempt}`, async () => (await findHeldOrder(deps.deadLetters!, orderNumber)) ?? null);
    if (hold) break;
    if (attempt < FIND_HOLD_ATTEMPTS) await ctx.sleep(`hold-not-raised-yet-${attempt}`, FIND_HOLD_PAUSE_MS);
  }
  // No open hold: an operator (or a cancellation) got there first; nothing to reroute.
  if (!hold || hold.code !== HoldCode.outOfStock) return;
  // One reroute per hold, even if the hold is announced twice (another instance got it first).
  const deadLetterId = hold.deadLetterId;
  const claimed = await ctx.step('claim-hold', () => claimHold(deps, orderNumber, deadLetterId));
  if (!claimed) return;

  const decided = await ctx.step('choose-location', () => decide(deps, held, pickupStore));
  const { choice, shortAtStore } = decided;
  const context = exceptionContext(held, pickupStore);
  if (choice.outcome === 'none') {
    const lacking = choice.checked.map((location) => `${location.code}: ${location.unusable ?? location.short.join(', ')}`);
    const message =
      choice.checked.length === 0
        ? `pickup order ${orderNumber}: ${pickupStore} cannot fulfil it and no other location is configured for reroutes (flows.bopis.locations)`
        : `pickup order ${orderNumber}: neither ${pickupStore} nor any configured location can fulfil it (${lacking.join('; ')})`;
    await ctx.step('record-unfulfillable', () => save(deps, { orderNumber, status: RerouteStatus.unfulfillable, from: pickupStore, reason: message, shortAtStore, checked: choice.checked, decidedAt: decided.at }));
    await ctx.raise('no-pickup-location', { code: NO_PICKUP_LOCATION, message: message.slice(0, 1000), context: { ...context, checked: lacking.join('; ') } });
    return;
  }

  const reason = rerouteReason({ pickupStore, shortAtStore, choice });
  const record = { orderNumber, from: pickupStore, to: choice.location, mode: choice.mode, reason, shortAtStore, checked: choice.checked, decidedAt: decided.at };
  await ctx.step('record-reroute', () => save(deps, { ...record, status: RerouteStatus.rerouted }));
  const statusReason = { code: PICKUP_REROUTED, message: reason.slice(0, 1000) };
  // As order capture knows it (customer resolved), with the new place and why: announced now,
  // written to Salesforce once booked.
  const announced: Order = { ...reroutedOrder(held, { choice, pickupStore, settings: deps.settings }), status: 'on-hold', statusReason };
  await ctx.emit('rerouted', { type: OrderEvent.statusChanged, subject: orderNumber, data: announced, dataschema: ORDER_SCHEMA });
  // The order as offered for correction, rerouted: order capture re-checks, books and releases it.
  const corrected = reroutedOrder(hold.order, { choice, pickupStore, settings: deps.settings });
  await ctx.emit('resume-capture', holdResolution({ orderNumber, deadLetterId: hold.deadLetterId, decision: OperatorDecision.fix, order: corrected, actor: BOPIS_REROUTE_FLOW, reason }));

  const booked = await ctx.waitForEvent('erp-booked', { type: OrderEvent.booked, timeoutMs: deps.settings.bopis.awaitBookingMinutes * 60_000 });
  const bookedOrder = booked?.data as Partial<Order> | undefined;
  if (!bookedOrder) {
    await ctx.step('record-not-booked', () => save(deps, { ...record, status: RerouteStatus.notBooked }));
    return;
  }
  if (bookedOrder.fulfilment?.locationCode !== undefined && bookedOrder.fulfilment.locationCode !== choice.location) {
    await ctx.step('record-superseded', () => save(deps, { ...record, status: RerouteStatus.superseded }));
    return;
  }
  // After order capture's own projection (same key, enqueued before it waited for the booking).
  const noted: Order = { ...announced, status: 'booked', ...(bookedOrder.erpOrderId !== undefined && { erpOrderId: bookedOrder.erpOrderId }) };
  await ctx.deliver('crm-reroute-note', { target: 'crm', kind: 'command', key: orderNumber, operation: 'projectOrder', payload: noted, context: { ...context, operation: 'projectOrder' } });
  await ctx.step('record-booked', () => save(deps, { ...record, status: RerouteStatus.booked }));
}

/** The location choice, with the stock read once from the inventory read model. */
async function decide(deps: RetailFlowDependencies, order: Order, pickupStore: string): Promise<{ choice: LocationChoice; shortAtStore: string[]; at: number }> {
  const skus = [...wantedBySku(order).keys()];
  const locations = [pickupStore, ...deps.settings.bopis.locations.map((location) => location.code)];
  const keys = [...new Set(locations)].flatMap((location) => skus.map((sku) => `${sku}@${location}`));
  const levels = await deps.records.getMany<InventoryLevel>(RecordEntity.inventory, keys);
  const available = new Map(levels.map((record) => [record.key, record.data.available]));
  const availableAt = (sku: string, location: string) => available.get(`${sku}@${location}`) ?? null;
  const shortAtStore = [...wantedBySku(order)].flatMap(([sku, units]) => {
    const atStore = availableAt(sku, pickupStore);
    return atStore !== null && atStore >= units ? [] : [`${sku}: ${atStore ?? 'unknown'}/${units}`];
  });
  return { choice: chooseLocation({ order, pickupStore, settings: deps.settings, availableAt }), shortAtStore, at: deps.clock() };
}

/** True for the first instance to claim a hold (a record written once: version 1 is never newer than itself). */
async function claimHold(deps: RetailFlowDependencies, orderNumber: string, deadLetterId: number): Promise<boolean> {
  return deps.records.put({ entity: REROUTE_CLAIM_ENTITY, key: `${orderNumber}#${deadLetterId}`, data: { orderNumber, deadLetterId }, version: 1 }, deps.clock());
}

async function save(deps: RetailFlowDependencies, record: Omit<RerouteRecord, 'updatedAt'>): Promise<null> {
  await saveReroute(deps.records, { ...record, updatedAt: deps.clock() });
  return null;
}

/** What an operator sees on NO_PICKUP_LOCATION (personal data is masked by the console by key). */
function exceptionContext(order: Order, pickupStore: string): BusinessContext {
  const lines = [...wantedBySku(order)].map(([sku, units]) => `${units} × ${sku}`).join(', ');
  return {
    entity: 'order',
    businessKey: order.orderNumber,
    orderNumber: order.orderNumber,
    store: pickupStore,
    lines,
    amount: order.totals.grandTotal,
    currency: order.currency,
    ...(order.customer.customerId !== undefined && { customerId: order.customer.customerId }),
    ...(order.customer.name !== undefined && { customerName: order.customer.name }),
  };
}
