import { OrderSchema, OrderStatus, type Order } from '../../canonical/order.ts';
import { ShipmentMilestone, type Shipment } from '../../canonical/shipment.ts';
import { validate } from '../../canonical/validation.ts';
import type { BusinessContext } from '../../ports/storage.ts';
import { defineFlow, type FlowContext, type FlowDefinition } from '../../runtime/flows/definition.ts';
import { raiseAndAwaitOperator } from '../../runtime/flows/operator.ts';
import type { RetailFlowDependencies } from '../module.ts';
import { hasLeftWarehouse, latestMilestone, shipmentVersion } from './milestones.ts';
import { SHIPMENT_MILESTONES_FLOW, type OrderReference } from './records.ts';
import { recordShipment, recordOrderFulfilment, resolveReference, watchVisibility, type OrderUpdate } from './steps.ts';

export const SHIPMENT_MILESTONE_REACHED = 'retail.shipment.milestone-reached.v1';
export const ORDER_STATUS_CHANGED = 'retail.order.status-changed.v1';

/** Order statuses announced with `retail.order.status-changed.v1`. */
const ANNOUNCED: ReadonlySet<OrderStatus> = new Set([OrderStatus.partiallyShipped, OrderStatus.shipped, OrderStatus.delivered]);

/** The exceptions this flow raises (dead-letter codes on the console). */
export const ShipmentExceptionCode = {
  /** Units the warehouse cannot ship for now (short pick, backorder, WMS hold). */
  linesNotShippable: 'LINES_NOT_SHIPPABLE',
  /** A carrier problem with a parcel already sent. */
  shipmentException: 'SHIPMENT_EXCEPTION',
  /** A newer milestone the shipment lifecycle forbids (e.g. picked after delivered). */
  milestoneRefused: 'MILESTONE_OUT_OF_ORDER',
  /** The order lifecycle refuses what the warehouse reports (e.g. a cancelled order shipped). */
  orderStatusConflict: 'ORDER_STATUS_CONFLICT',
  /** A parcel left for an order the hub has never seen: is it a storefront order? Awaits an operator. */
  orderChannelUnknown: 'ORDER_CHANNEL_UNKNOWN',
} as const;

/**
 * Shipment milestones: every `retail.shipment.milestone-reached.v1` (one durable instance per
 * event) updates the shipment read model and its order's fulfilment view, shows the status to
 * agents in Salesforce (`crm` upsertShipment, at every milestone), and when the parcel leaves the
 * warehouse records the item fulfilment in the ERP (`erp` recordFulfillment, once per shipment)
 * and the fulfilment with carrier and tracking in the storefront (`commerce` createFulfillment,
 * storefront orders only). Late, duplicate and out-of-order milestones never move a shipment
 * or its order backwards; the order announces partially shipped / shipped / delivered.
 */
export function shipmentMilestonesFlow(deps: RetailFlowDependencies): FlowDefinition {
  return defineFlow({
    name: SHIPMENT_MILESTONES_FLOW,
    startsOn: [SHIPMENT_MILESTONE_REACHED],
    async run(ctx, event) {
      const shipment = event.data as Shipment;
      const context = shipmentContext(shipment);
      const applied = await ctx.step('shipment', () => recordShipment(deps, shipment));
      if (applied.outcome === 'stale') return;
      if (applied.outcome === 'refused') {
        await ctx.raise('milestone-refused', {
          code: ShipmentExceptionCode.milestoneRefused,
          message: `shipment ${shipment.shipmentNumber} of order ${shipment.orderNumber}: ${applied.incoming} after ${applied.stored} was not applied (${applied.message})`,
          context,
        });
        return;
      }
      const update = await ctx.step('order', () => recordOrderFulfilment(deps, shipment, ctx.instanceId));

      // Agents see every milestone (a consignment closed out is shown closed).
      const shown = update.closed.find((closed) => closed.shipmentNumber === shipment.shipmentNumber) ?? shipment;
      await ctx.deliver('crm', showToAgents(shown, context));
      for (const closed of update.closed) {
        if (closed !== shown) await ctx.deliver(`crm-close-out/${closed.shipmentNumber}`, showToAgents(closed, shipmentContext(closed)));
      }
      if (update.shipActions) await recordShipped(ctx, deps, shipment, update.reference, context);
      await raiseExceptions(ctx, shipment, update, context);
      await closeSettledExceptions(ctx, deps, shipment, applied.outcome === 'applied' ? applied.previous : undefined, update);
      await announceStatus(ctx, shipment, update);
    },
  });
}

function shipmentContext(shipment: Shipment): BusinessContext {
  const latest = latestMilestone(shipment);
  return {
    entity: 'shipment',
    businessKey: shipment.shipmentNumber,
    shipmentNumber: shipment.shipmentNumber,
    orderNumber: shipment.orderNumber,
    location: shipment.fromLocationCode,
    ...(latest && { milestone: latest.milestone }),
  };
}

/** Salesforce Shipment__c: a state (newest wins), keyed and versioned by the shipment. */
function showToAgents(shipment: Shipment, context: BusinessContext) {
  return { target: 'crm', kind: 'state', key: shipment.shipmentNumber, operation: 'upsertShipment', payload: shipment, version: shipmentVersion(shipment), context } as const;
}

/**
 * The parcel left the warehouse: the ERP's item fulfilment and the storefront's fulfilment,
 * each once per shipment (idempotency keys by shipment number, whichever instance gets here).
 */
async function recordShipped(ctx: FlowContext, deps: RetailFlowDependencies, shipment: Shipment, known: OrderReference | undefined, context: BusinessContext): Promise<void> {
  const { shipmentNumber, orderNumber } = shipment;
  // Keyed by the order: it reaches the ERP after the order's booking, and parcels of one order in turn.
  await ctx.deliver('erp-item-fulfilment', {
    target: 'erp',
    kind: 'command',
    key: orderNumber,
    operation: 'recordFulfillment',
    payload: shipment,
    idempotencyKey: `shipment/${shipmentNumber}/item-fulfilment`,
    context,
  });
  const storefront = (reference: OrderReference | undefined) => (reference ? deps.settings.shipments.storefrontChannels.includes(reference.channel) : ('unknown' as const));
  await ctx.step('watch', () => watchVisibility(deps, shipment, storefront(known)));
  let reference = known;
  for (let round = 1; !reference; round += 1) {
    const resolution = await raiseAndAwaitOperator(ctx, `order-channel-unknown-${round}`, {
      code: ShipmentExceptionCode.orderChannelUnknown,
      message: `shipment ${shipmentNumber} left the warehouse for order ${orderNumber}, which the hub has never seen: the storefront was not told. Retry once the order is known, fix with { channel, channelOrderId }, or discard if it is not a storefront order.`,
      context,
      payload: { channel: null, channelOrderId: null },
    });
    if (resolution.decision === 'discard' || resolution.decision === 'override') break;
    reference = await ctx.step(`order-reference-${round}`, () => resolveReference(deps, orderNumber, resolution.decision === 'fix' ? resolution.payload : undefined));
    if (reference) await ctx.step(`watch-${round}`, () => watchVisibility(deps, shipment, storefront(reference)));
  }
  if (!reference || storefront(reference) !== true) return;
  await ctx.deliver('storefront-fulfilment', {
    target: 'commerce',
    kind: 'command',
    key: orderNumber,
    operation: 'createFulfillment',
    payload: {
      orderId: reference.channelOrderId,
      tracking: {
        ...(shipment.carrier && { company: shipment.carrier.code }),
        ...(shipment.trackingNumber !== undefined && { number: shipment.trackingNumber }),
        ...(shipment.trackingUrl !== undefined && { url: shipment.trackingUrl }),
      },
      lines: shipment.lines.map((line) => ({ sku: line.sku, quantity: line.quantity })),
      notifyCustomer: deps.settings.shipments.notifyCustomer,
    },
    idempotencyKey: `shipment/${shipmentNumber}/storefront-fulfilment`,
    context,
  });
}

async function raiseExceptions(ctx: FlowContext, shipment: Shipment, update: OrderUpdate, context: BusinessContext): Promise<void> {
  const latest = latestMilestone(shipment);
  if (update.holdRaised) {
    const units = update.holdRaised.lines.map((line) => `${line.quantity} × ${line.sku}`).join(', ');
    await ctx.raise('lines-not-shippable', {
      code: ShipmentExceptionCode.linesNotShippable,
      message: `order ${shipment.orderNumber}: the warehouse cannot ship ${units || 'the remaining units'} for now: ${update.holdRaised.reason}`,
      context: { ...context, reason: update.holdRaised.reason, lines: update.holdRaised.lines },
    });
  } else if (latest?.milestone === ShipmentMilestone.exception && hasLeftWarehouse(shipment)) {
    await ctx.raise('shipment-exception', {
      code: ShipmentExceptionCode.shipmentException,
      message: `shipment ${shipment.shipmentNumber} of order ${shipment.orderNumber}: ${latest.detail ?? 'the carrier reported an exception'}`,
      context: { ...context, ...(latest.detail !== undefined && { reason: latest.detail }), ...(shipment.trackingNumber !== undefined && { trackingNumber: shipment.trackingNumber }) },
    });
  }
  if (update.conflict) {
    await ctx.raise('order-status-conflict', {
      code: ShipmentExceptionCode.orderStatusConflict,
      message: `order ${shipment.orderNumber}: the warehouse reports it ${update.conflict.to} but it is ${update.conflict.from} (${update.conflict.message})`,
      context: { ...context, from: update.conflict.from, to: update.conflict.to },
    });
  }
}

/**
 * Closes the flow's own exceptions the warehouse has since settled (when the hub gives the flow
 * the exceptions store): a hold once the units move again, a carrier exception once the parcel
 * moves on (delivered, back in transit). The operator no longer has anything to do about them.
 */
async function closeSettledExceptions(ctx: FlowContext, deps: RetailFlowDependencies, shipment: Shipment, previous: ShipmentMilestone | undefined, update: OrderUpdate): Promise<void> {
  const deadLetters = deps.deadLetters;
  const latest = latestMilestone(shipment);
  if (!deadLetters || !latest) return;
  const settled: { key: string; code: string; reason: string }[] = [];
  if (update.holdLifted) {
    settled.push({ key: update.holdLifted.shipmentNumber, code: ShipmentExceptionCode.linesNotShippable, reason: `the warehouse moved on: ${shipment.shipmentNumber} ${latest.milestone} at ${latest.occurredAt}` });
  }
  if (previous === ShipmentMilestone.exception && latest.milestone !== ShipmentMilestone.exception) {
    settled.push({ key: shipment.shipmentNumber, code: ShipmentExceptionCode.shipmentException, reason: `the parcel moved on: ${latest.milestone} at ${latest.occurredAt}` });
  }
  if (settled.length === 0) return;
  await ctx.step('close-settled-exceptions', async () => {
    let closed = 0;
    for (const { key, code, reason } of settled) {
      const open = await deadLetters.list({ status: 'open', kind: 'flow', target: SHIPMENT_MILESTONES_FLOW, key, errorCode: code, limit: 50 });
      for (const entry of open) if (await deadLetters.act(entry.id, 'resolved', { actor: `flow:${SHIPMENT_MILESTONES_FLOW}`, reason, now: deps.clock() })) closed += 1;
    }
    return closed;
  });
}

/**
 * Announces the order's new status with the order as known (the order read model, or the order's
 * own events). An order the hub has no data for is not announced: its status is still in the
 * fulfilment view.
 */
async function announceStatus(ctx: FlowContext, shipment: Shipment, update: OrderUpdate): Promise<void> {
  if (!update.order) return;
  for (const [index, transition] of update.transitions.entries()) {
    if (!ANNOUNCED.has(transition.to)) continue;
    const data: Order = {
      ...update.order,
      status: transition.to,
      sourceSystem: shipment.sourceSystem,
      sourceTimestamp: transition.at,
      version: update.order.version + index + 1,
    };
    if (!validate(OrderSchema, data).ok) continue;
    await ctx.emit(`order-${transition.to}`, { type: ORDER_STATUS_CHANGED, subject: data.orderNumber, data, dataschema: OrderSchema.$id as string });
  }
}
