import { orderLifecycle } from '../../canonical/lifecycles.ts';
import { OrderStatus, type Order } from '../../canonical/order.ts';
import { ShipmentMilestone, type Shipment } from '../../canonical/shipment.ts';
import { hasLeftWarehouse, latestMilestone, leftWarehouseAt, shipmentVersion, stageOf } from './milestones.ts';
import type { FulfilmentLine, OrderFulfilment, OrderReference, ShipmentSummary } from './records.ts';

/** Where the order's fulfilment stands, in lifecycle order; other statuses are outside it. */
const FULFILMENT_RANK: Partial<Record<OrderStatus, number>> = {
  [OrderStatus.booked]: 0,
  [OrderStatus.inFulfilment]: 1,
  [OrderStatus.partiallyShipped]: 2,
  [OrderStatus.shipped]: 3,
  [OrderStatus.delivered]: 4,
};

/** What applying one shipment state to its order decided, for the flow to act on. */
export interface FulfilmentDecision {
  /** This instance saw the shipment leave the warehouse first: it writes the ERP and storefront fulfilments. */
  shipActions: boolean;
  /** Status changes this instance made (also those of an earlier, interrupted run of it). */
  transitions: { from: OrderStatus; to: OrderStatus; at: string }[];
  /** A hold this instance put on the order's remaining units, to raise for an operator. */
  holdRaised?: { reason: string; since: string; lines: { sku: string; quantity: number }[] };
  /** A hold this instance saw lifted: its exception (raised on that shipment) can be closed. */
  holdLifted?: { shipmentNumber: string; since: string };
  /** A status change the order lifecycle refused, found by this instance. */
  conflict?: { from: OrderStatus; to: OrderStatus; message: string };
  /** Consignments that were being prepared and are now out (or delivered): close them out. */
  closeOuts: { shipmentNumber: string; milestone: ShipmentMilestone; at: string; detail: string }[];
}

/** An order's fulfilment view before any shipment (the order is booked and released). */
export function newOrderFulfilment(orderNumber: string, now: string): OrderFulfilment {
  return { orderNumber, status: OrderStatus.booked, statusHistory: [], lines: [], shipments: {}, updatedAt: now };
}

/**
 * Applies one shipment state to its order's fulfilment view: the shipment's summary, units
 * shipped and delivered per line, a hold on units the warehouse cannot ship, and the order
 * status that follows, moved only as the order lifecycle allows and never backwards. Pure and
 * idempotent: applying the same state again (a replayed step) changes nothing and answers the
 * same decision, because what an instance did is recorded with its id.
 */
export function applyShipment(
  current: OrderFulfilment | undefined,
  input: { shipment: Shipment; instanceId: string; orderRecord?: Order; now: string },
): { model: OrderFulfilment; decision: FulfilmentDecision } {
  const { shipment, instanceId } = input;
  const model = structuredClone(current ?? newOrderFulfilment(shipment.orderNumber, input.now));
  if (input.orderRecord) adoptOrder(model, input.orderRecord, 'order-read-model');

  const previous = model.shipments[shipment.shipmentNumber];
  const version = shipmentVersion(shipment);
  if (!previous || previous.version < version) model.shipments[shipment.shipmentNumber] = summarize(shipment, version, previous);
  const summary = model.shipments[shipment.shipmentNumber]!;
  if (summary.shippedAt !== undefined && summary.shippedBy === undefined) summary.shippedBy = instanceId;

  model.lines = computeLines(model);
  updateHold(model, shipment, instanceId);
  moveStatus(model, targetStatus(model), latestMilestone(shipment)?.occurredAt ?? input.now, instanceId);
  for (const closing of closeOutsOf(model)) {
    const prepared = model.shipments[closing.shipmentNumber]!;
    prepared.milestone = closing.milestone;
    prepared.stage = stageOf(closing.milestone);
    prepared.at = closing.at;
    prepared.closeOut = { ...closing, by: instanceId };
  }
  const closeOuts = Object.values(model.shipments).flatMap((summary) =>
    summary.closeOut?.by === instanceId ? [{ shipmentNumber: summary.shipmentNumber, milestone: summary.closeOut.milestone, at: summary.closeOut.at, detail: summary.closeOut.detail }] : [],
  );
  model.updatedAt = input.now;

  const remaining = model.lines.filter((line) => line.notShippable);
  return {
    model,
    decision: {
      shipActions: summary.shippedBy === instanceId,
      transitions: transitionsOf(model, instanceId),
      ...(model.hold?.raisedBy === instanceId && {
        holdRaised: { reason: model.hold.reason, since: model.hold.since, lines: remaining.map((line) => ({ sku: line.sku, quantity: line.notShippable!.quantity })) },
      }),
      ...(model.liftedHold?.liftedBy === instanceId && { holdLifted: { shipmentNumber: model.liftedHold.shipmentNumber, since: model.liftedHold.since } }),
      ...(model.conflict?.by === instanceId && { conflict: { from: model.conflict.from, to: model.conflict.to, message: model.conflict.message } }),
      closeOuts,
    },
  };
}

/**
 * Records how the order is known (channel and channel order id) and its data, from the order
 * read model, the channel's `order.placed`, or the ERP's `order.booked`. The channel's own
 * word wins over the ERP's (an ERP books web orders under its own channel code); a cancelled
 * order with nothing shipped becomes cancelled here too, so a late shipment shows as a conflict.
 */
export function adoptOrder(model: OrderFulfilment, order: Order, from: OrderReference['from']): void {
  const rank: Record<OrderReference['from'], number> = { 'order-booked': 0, 'order-placed': 1, 'order-cancelled': 1, 'order-read-model': 2, operator: 3 };
  if (!model.reference || rank[model.reference.from] <= rank[from]) {
    model.reference = { channel: order.channel, channelOrderId: order.channelOrderId, from };
  }
  if (!model.order || from !== 'order-booked') {
    model.order = order;
  } else {
    model.order = { ...model.order, ...(order.erpOrderId !== undefined && { erpOrderId: order.erpOrderId }) };
  }
  if (order.status === OrderStatus.cancelled && (model.status === OrderStatus.booked || model.status === OrderStatus.inFulfilment)) {
    model.statusHistory.push({ status: OrderStatus.cancelled, at: order.sourceTimestamp, by: `order:${from}` });
    model.status = OrderStatus.cancelled;
  }
  model.lines = computeLines(model);
}

function summarize(shipment: Shipment, version: number, previous: ShipmentSummary | undefined): ShipmentSummary {
  const latest = latestMilestone(shipment);
  const shippedAt = hasLeftWarehouse(shipment) ? leftWarehouseAt(shipment) : undefined;
  const deliveredAt = shipment.milestones.find((entry) => entry.milestone === ShipmentMilestone.delivered)?.occurredAt;
  return {
    shipmentNumber: shipment.shipmentNumber,
    stage: stageOf(latest?.milestone),
    milestone: latest?.milestone ?? ShipmentMilestone.picked,
    at: latest?.occurredAt ?? shipment.sourceTimestamp,
    lines: shipment.lines.map((line) => ({ ...line })),
    ...(shipment.carrier && { carrier: shipment.carrier.code }),
    ...(shipment.trackingNumber !== undefined && { trackingNumber: shipment.trackingNumber }),
    ...(shippedAt !== undefined && { shippedAt }),
    ...(deliveredAt !== undefined && { deliveredAt }),
    version,
    milestonesReached: shipment.milestones.length,
    ...(previous?.shippedBy !== undefined && { shippedBy: previous.shippedBy }),
  };
}

/**
 * Units per order line. What is to ship comes from the order (quantity less cancelled); with no
 * order known, from what the warehouse said it was preparing (plus what had left before).
 */
function computeLines(model: OrderFulfilment): FulfilmentLine[] {
  const lines = new Map<number, FulfilmentLine>();
  for (const line of model.order?.lines ?? []) {
    lines.set(line.lineNumber, { orderLineNumber: line.lineNumber, sku: line.sku, toShip: line.quantity - (line.quantityCancelled ?? 0), shipped: 0, delivered: 0 });
  }
  const orderKnown = lines.size > 0;
  const lineFor = (orderLineNumber: number, sku: string): FulfilmentLine => {
    const numbered = lines.get(orderLineNumber);
    if (numbered && numbered.sku === sku) return numbered;
    const bySku = [...lines.values()].find((line) => line.sku === sku);
    if (bySku) return bySku;
    const added: FulfilmentLine = { orderLineNumber, sku, shipped: 0, delivered: 0 };
    lines.set(orderLineNumber, added);
    return added;
  };
  const summaries = Object.values(model.shipments);
  for (const summary of summaries) {
    if (summary.shippedAt === undefined) continue;
    for (const shipped of summary.lines) {
      const line = lineFor(shipped.orderLineNumber, shipped.sku);
      line.shipped += shipped.quantity;
      if (summary.deliveredAt !== undefined) line.delivered += shipped.quantity;
    }
  }
  if (!orderKnown) {
    // The warehouse lists the units still to ship when it prepares: those plus what had left before.
    for (const prepared of summaries.filter((summary) => summary.shippedAt === undefined)) {
      for (const unshipped of prepared.lines) {
        const line = lineFor(unshipped.orderLineNumber, unshipped.sku);
        const shippedBefore = summaries
          .filter((summary) => summary.shippedAt !== undefined && summary.shippedAt <= prepared.at)
          .flatMap((summary) => summary.lines)
          .filter((shipped) => shipped.sku === unshipped.sku)
          .reduce((sum, shipped) => sum + shipped.quantity, 0);
        line.toShip = Math.max(line.toShip ?? 0, unshipped.quantity + shippedBefore);
      }
    }
  }
  return [...lines.values()].sort((a, b) => a.orderLineNumber - b.orderLineNumber);
}

/** Units still to ship; undefined when some line's quantity to ship is unknown. */
function remainingUnits(lines: readonly FulfilmentLine[]): number | undefined {
  let remaining = 0;
  for (const line of lines) {
    if (line.toShip === undefined) return undefined;
    remaining += Math.max(0, line.toShip - line.shipped);
  }
  return remaining;
}

/**
 * An exception while units remain in the warehouse holds them (the WMS ships nothing more until
 * it is resolved): those lines are shown as not shippable, with the reason. Any later milestone
 * of the order, or nothing left to ship, lifts the hold.
 */
function updateHold(model: OrderFulfilment, shipment: Shipment, instanceId: string): void {
  const latest = latestMilestone(shipment);
  const remaining = remainingUnits(model.lines);
  // With the order's quantities unknown, an exception before the parcel left still holds units.
  const unitsHeld = remaining === undefined ? !hasLeftWarehouse(shipment) : remaining > 0;
  if (latest?.milestone === ShipmentMilestone.exception && unitsHeld) {
    const same = model.hold && model.hold.since === latest.occurredAt;
    if (!model.hold || model.hold.since < latest.occurredAt || same) {
      model.hold = {
        reason: latest.detail ?? 'exception reported by the warehouse',
        since: latest.occurredAt,
        shipmentNumber: same ? model.hold!.shipmentNumber : shipment.shipmentNumber,
        raisedBy: same ? model.hold!.raisedBy : instanceId,
      };
    }
  } else if (model.hold && (remaining === 0 || (latest !== undefined && latest.occurredAt > model.hold.since))) {
    model.liftedHold = { ...model.hold, liftedBy: instanceId };
    delete model.hold;
  }
  for (const line of model.lines) {
    const open = line.toShip === undefined ? 0 : line.toShip - line.shipped;
    if (model.hold && open > 0) line.notShippable = { quantity: open, reason: model.hold.reason, since: model.hold.since };
  }
}

function targetStatus(model: OrderFulfilment): OrderStatus {
  const summaries = Object.values(model.shipments);
  const parcels = summaries.filter((summary) => summary.shippedAt !== undefined);
  if (parcels.length === 0) return summaries.length > 0 ? OrderStatus.inFulfilment : OrderStatus.booked;
  const remaining = remainingUnits(model.lines);
  if (remaining !== undefined && remaining > 0) return OrderStatus.partiallyShipped;
  return parcels.every((parcel) => parcel.deliveredAt !== undefined) ? OrderStatus.delivered : OrderStatus.shipped;
}

/**
 * Moves the order towards `target` through the order lifecycle: forward only (a late "picked"
 * never takes a shipped order back), through shipped on the way to delivered, and a move the
 * lifecycle refuses (a cancelled order that ships) is kept as a conflict instead.
 */
function moveStatus(model: OrderFulfilment, target: OrderStatus, at: string, instanceId: string): void {
  const from = model.status;
  if (from === target) return;
  const fromRank = FULFILMENT_RANK[from];
  const toRank = FULFILMENT_RANK[target];
  if (fromRank !== undefined && toRank !== undefined && toRank < fromRank) return;
  const direct = orderLifecycle.checkTransition(from, target);
  const path = direct.allowed
    ? [target]
    : target === OrderStatus.delivered && orderLifecycle.checkTransition(from, OrderStatus.shipped).allowed
      ? [OrderStatus.shipped, OrderStatus.delivered]
      : undefined;
  if (!path) {
    const message = direct.allowed ? `an order cannot go from ${from} to ${target}` : direct.message;
    if (model.conflict?.from !== from || model.conflict.to !== target) model.conflict = { from, to: target, message, at, by: instanceId };
    return;
  }
  // Shipped when the last parcel left, even when the news is its delivery.
  const lastLeft = Object.values(model.shipments).map((summary) => summary.shippedAt ?? '').sort().pop();
  for (const status of path) model.statusHistory.push({ status, at: status === OrderStatus.shipped && lastLeft ? lastLeft : at, by: instanceId });
  model.status = target;
  delete model.conflict;
}

function transitionsOf(model: OrderFulfilment, instanceId: string): FulfilmentDecision['transitions'] {
  const transitions: FulfilmentDecision['transitions'] = [];
  model.statusHistory.forEach((entry, index) => {
    if (entry.by !== instanceId) return;
    const from = index === 0 ? OrderStatus.booked : model.statusHistory[index - 1]!.status;
    transitions.push({ from, to: entry.status, at: entry.at });
  });
  return transitions;
}

/**
 * Consignments seen while being prepared (no carrier) are closed out once the order has shipped
 * (and again once delivered), so agents do not see a "Packed" record for an order long out.
 */
function closeOutsOf(model: OrderFulfilment): FulfilmentDecision['closeOuts'] {
  const closing =
    model.status === OrderStatus.delivered ? ShipmentMilestone.delivered : model.status === OrderStatus.shipped ? ShipmentMilestone.handedToCarrier : undefined;
  if (!closing) return [];
  const parcels = Object.values(model.shipments).filter((summary) => summary.shippedAt !== undefined);
  const times = parcels.map((parcel) => (closing === ShipmentMilestone.delivered ? parcel.deliveredAt : parcel.shippedAt) ?? parcel.at).sort();
  const at = times[times.length - 1] ?? model.updatedAt;
  const names = parcels.map((parcel) => parcel.shipmentNumber).sort();
  const detail = `${closing === ShipmentMilestone.delivered ? 'delivered' : 'shipped'} in ${names.length} parcel${names.length === 1 ? '' : 's'}: ${names.join(', ')}`;
  return Object.values(model.shipments)
    .filter((summary) => summary.shippedAt === undefined && summary.milestone !== closing)
    .map((summary) => ({ shipmentNumber: summary.shipmentNumber, milestone: closing, at, detail: detail.slice(0, 500) }));
}
