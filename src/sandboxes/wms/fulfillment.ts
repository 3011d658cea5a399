import { WmsError } from './errors.ts';
import type {
  FulfillmentEventInput,
  FulfillmentEventType,
  FulfillmentOrder,
  FulfillmentStatus,
  Shipment,
} from './model.ts';

/**
 * The milestone state machine: which events each status accepts. Checked on every event, so a
 * warehouse cannot report a shipment before packing or a delivery before shipping.
 */
export const ALLOWED_EVENTS: Record<FulfillmentStatus, readonly FulfillmentEventType[]> = {
  received: ['picked', 'exception'],
  picked: ['packed', 'exception'],
  packed: ['shipped', 'exception'],
  partially_shipped: ['shipped', 'exception'],
  shipped: ['delivered', 'exception'],
  delivered: [],
  exception: ['resolved'],
};

/** The status an event moves the order to (shipments decide between partial and full). */
const NEXT_STATUS: Record<Exclude<FulfillmentEventType, 'shipped' | 'resolved'>, FulfillmentStatus> = {
  picked: 'picked',
  packed: 'packed',
  delivered: 'delivered',
  exception: 'exception',
};

export interface AppliedEvent {
  order: FulfillmentOrder;
  /** The shipment created by a `shipped` event. */
  shipment?: Shipment;
}

/**
 * Applies one milestone event to a copy of the order, or throws a 422 WmsError saying why it is
 * not allowed. Stock is not touched here: the caller decrements it for the shipment.
 */
export function applyFulfillmentEvent(
  order: FulfillmentOrder,
  input: FulfillmentEventInput,
  context: { now: string; shipmentId: string },
): AppliedEvent {
  const allowed = ALLOWED_EVENTS[order.status];
  if (!allowed.includes(input.type)) {
    const next = allowed.length > 0 ? `allowed next: ${allowed.join(', ')}` : 'no further events are allowed';
    throw new WmsError(
      422,
      'invalid_transition',
      `Fulfillment order ${order.id} is ${order.status}; cannot record ${input.type} (${next}).`,
      'type',
    );
  }
  const occurredAt = input.occurredAt ?? context.now;
  const updated: FulfillmentOrder = {
    ...order,
    lines: order.lines.map((line) => ({ ...line })),
    shipments: [...order.shipments],
    events: [...order.events],
    updatedAt: context.now,
  };

  switch (input.type) {
    case 'shipped': {
      const shipment = planShipment(updated, input, { id: context.shipmentId, shippedAt: occurredAt });
      for (const shipped of shipment.lines) {
        const line = updated.lines.find((candidate) => candidate.sku === shipped.sku);
        if (line) line.quantityShipped += shipped.quantity;
      }
      updated.shipments.push(shipment);
      updated.status = updated.lines.every((line) => line.quantityShipped >= line.quantity) ? 'shipped' : 'partially_shipped';
      updated.events.push({ type: 'shipped', occurredAt, shipmentId: shipment.id });
      return { order: updated, shipment };
    }
    case 'exception': {
      if (!input.reason) throw new WmsError(400, 'validation_error', 'An exception needs a reason.', 'reason');
      updated.statusBeforeException = order.status;
      updated.exceptionReason = input.reason;
      updated.status = 'exception';
      updated.events.push({ type: 'exception', occurredAt, reason: input.reason });
      return { order: updated };
    }
    case 'resolved': {
      updated.status = order.statusBeforeException ?? 'received';
      updated.statusBeforeException = null;
      updated.exceptionReason = null;
      updated.events.push({ type: 'resolved', occurredAt, ...(input.reason ? { reason: input.reason } : {}) });
      return { order: updated };
    }
    default: {
      updated.status = NEXT_STATUS[input.type];
      updated.events.push({ type: input.type, occurredAt });
      return { order: updated };
    }
  }
}

/** The lines of a shipment: the listed ones (each within what remains to ship) or all remaining. */
function planShipment(
  order: FulfillmentOrder,
  input: FulfillmentEventInput,
  shipment: { id: string; shippedAt: string },
): Shipment {
  if (!input.carrier) throw new WmsError(400, 'validation_error', 'A shipment needs a carrier.', 'carrier');
  if (!input.trackingNumber) {
    throw new WmsError(400, 'validation_error', 'A shipment needs a tracking number.', 'trackingNumber');
  }
  const remaining = order.lines
    .map((line) => ({ sku: line.sku, quantity: line.quantity - line.quantityShipped }))
    .filter((line) => line.quantity > 0);
  const lines = input.lines ?? remaining;
  for (const [index, shipped] of lines.entries()) {
    const open = remaining.find((line) => line.sku === shipped.sku);
    if (!open) {
      throw new WmsError(
        422,
        'line_not_shippable',
        `SKU ${shipped.sku} has nothing left to ship on fulfillment order ${order.id}.`,
        `lines.${index}.sku`,
      );
    }
    const alreadyInShipment = lines.slice(0, index).filter((line) => line.sku === shipped.sku);
    const asked = shipped.quantity + alreadyInShipment.reduce((sum, line) => sum + line.quantity, 0);
    if (asked > open.quantity) {
      throw new WmsError(
        422,
        'quantity_exceeds_remaining',
        `Cannot ship ${asked} of SKU ${shipped.sku}: ${open.quantity} remain to ship.`,
        `lines.${index}.quantity`,
      );
    }
  }
  return {
    id: shipment.id,
    carrier: input.carrier,
    trackingNumber: input.trackingNumber,
    lines: lines.map((line) => ({ sku: line.sku, quantity: line.quantity })),
    shippedAt: shipment.shippedAt,
  };
}
