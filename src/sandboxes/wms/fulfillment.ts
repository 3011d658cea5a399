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
  // The client cancelled it: the warehouse must not pick, pack or ship it any more.
  cancelled: [],
};

/**
 * Milestones from which the client may cancel: nothing has left the building, so the warehouse
 * puts any picked units back on the shelf. Once a parcel has shipped, cancelling is the
 * carrier's (intercept) or the returns process's business, not the warehouse's.
 */
const CANCELLABLE: ReadonlySet<FulfillmentStatus> = new Set<FulfillmentStatus>(['received', 'picked', 'packed']);

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

export interface CancelledOrder {
  order: FulfillmentOrder;
  /** False when the order was already cancelled: the answer is the same, nothing is published. */
  changed: boolean;
}

/**
 * Cancels a copy of the order at the client's request, or throws a 409 WmsError
 * `already_shipped` when units have left. Cancelling a cancelled order returns it unchanged, so
 * a client retrying after a lost answer gets the same 200. Stock is not touched: nothing shipped,
 * so no unit was taken off the shelf.
 */
export function cancelFulfillmentOrder(
  order: FulfillmentOrder,
  input: { reason?: string | undefined },
  context: { now: string },
): CancelledOrder {
  if (order.status === 'cancelled') return { order, changed: false };
  // An exception holds the order at a milestone; whether it can be cancelled depends on that one.
  const milestone = order.status === 'exception' ? (order.statusBeforeException ?? 'received') : order.status;
  if (!CANCELLABLE.has(milestone)) {
    const held = order.status === 'exception' ? ` (held in exception after ${milestone})` : '';
    throw new WmsError(
      409,
      'already_shipped',
      `Fulfillment order ${order.id} is ${order.status}${held}; it cannot be cancelled once units have shipped.`,
    );
  }
  const cancelled: FulfillmentOrder = {
    ...order,
    status: 'cancelled',
    statusBeforeException: null,
    exceptionReason: null,
    events: [...order.events, { type: 'cancelled', occurredAt: context.now, ...(input.reason ? { reason: input.reason } : {}) }],
    updatedAt: context.now,
  };
  return { order: cancelled, changed: true };
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
