import { defineLifecycle } from './lifecycle.ts';
import type { TransitionTable } from './lifecycle.ts';
import { OrderStatus } from './order.ts';
import { ReturnStatus } from './return.ts';
import { ShipmentMilestone } from './shipment.ts';

/**
 * Allowed order moves. Forward skips are allowed where systems really skip: many warehouses
 * report "shipped" without "in fulfilment", so booked may go straight to shipped.
 */
export const orderTransitions: TransitionTable<OrderStatus> = {
  [OrderStatus.placed]: [OrderStatus.onHold, OrderStatus.booked, OrderStatus.rejected, OrderStatus.cancelled],
  [OrderStatus.onHold]: [OrderStatus.placed, OrderStatus.booked, OrderStatus.rejected, OrderStatus.cancelled],
  // A rejected order may be corrected and sent to the ERP again, or given up.
  [OrderStatus.rejected]: [OrderStatus.placed, OrderStatus.cancelled],
  [OrderStatus.booked]: [
    OrderStatus.inFulfilment,
    OrderStatus.partiallyShipped,
    OrderStatus.shipped,
    OrderStatus.readyForPickup,
    OrderStatus.cancelled,
  ],
  [OrderStatus.inFulfilment]: [
    OrderStatus.partiallyShipped,
    OrderStatus.shipped,
    OrderStatus.readyForPickup,
    OrderStatus.cancelled,
  ],
  // Once something has shipped the order cannot be cancelled; unshipped lines are cancelled
  // line by line (quantityCancelled) and the order becomes shipped.
  [OrderStatus.partiallyShipped]: [OrderStatus.shipped],
  [OrderStatus.shipped]: [OrderStatus.delivered],
  // Not collected within the pickup window: cancelled and refunded.
  [OrderStatus.readyForPickup]: [OrderStatus.pickedUp, OrderStatus.cancelled],
  [OrderStatus.delivered]: [],
  [OrderStatus.pickedUp]: [],
  [OrderStatus.cancelled]: [],
};

export const returnTransitions: TransitionTable<ReturnStatus> = {
  [ReturnStatus.requested]: [ReturnStatus.authorized, ReturnStatus.rejected, ReturnStatus.cancelled],
  // Authorised returns expire (cancelled) when nothing arrives; in-store returns skip transit.
  [ReturnStatus.authorized]: [ReturnStatus.inTransit, ReturnStatus.received, ReturnStatus.cancelled],
  [ReturnStatus.inTransit]: [ReturnStatus.received],
  [ReturnStatus.received]: [ReturnStatus.inspected, ReturnStatus.credited],
  // Failing inspection (not the item sold, damaged by the customer) rejects the return.
  [ReturnStatus.inspected]: [ReturnStatus.credited, ReturnStatus.rejected],
  // Store credit ends at credited; money back to the card ends at refunded.
  [ReturnStatus.credited]: [ReturnStatus.refunded],
  [ReturnStatus.refunded]: [],
  [ReturnStatus.rejected]: [],
  [ReturnStatus.cancelled]: [],
};

const { picked, packed, labelCreated, handedToCarrier, inTransit, outForDelivery, delivered, deliveryAttemptFailed, exception, returnedToSender } = ShipmentMilestone;
const carrierOutcomes = [delivered, deliveryAttemptFailed, exception, returnedToSender] as const;

/**
 * Allowed moves of a shipment, by its latest milestone. Warehouses and carriers skip milestones
 * (many never report label-created or in-transit), so forward skips are allowed; going back
 * (delivered → handed-to-carrier, a duplicate "shipped" after delivery) is not. An exception may
 * be followed by any milestone but picked-before-it: it is cleared by whatever happens next.
 */
export const shipmentTransitions: TransitionTable<ShipmentMilestone> = {
  [picked]: [packed, labelCreated, handedToCarrier, exception],
  [packed]: [labelCreated, handedToCarrier, exception],
  [labelCreated]: [handedToCarrier, exception],
  [handedToCarrier]: [inTransit, outForDelivery, ...carrierOutcomes],
  [inTransit]: [outForDelivery, ...carrierOutcomes],
  [outForDelivery]: [inTransit, ...carrierOutcomes],
  // A failed attempt goes back to the depot (in transit) or out again the next day.
  [deliveryAttemptFailed]: [inTransit, outForDelivery, delivered, exception, returnedToSender],
  [exception]: [packed, labelCreated, handedToCarrier, inTransit, outForDelivery, delivered, deliveryAttemptFailed, returnedToSender],
  [delivered]: [],
  [returnedToSender]: [],
};

/**
 * The shipment lifecycle, by milestone: `shipmentLifecycle.checkTransition('delivered',
 * 'handed-to-carrier')` is refused (terminal), so a late or duplicate "shipped" never moves a
 * delivered parcel back.
 *
 * @example
 * shipmentLifecycle.checkTransition('packed', 'handed-to-carrier').allowed // true
 */
export const shipmentLifecycle = defineLifecycle('shipment', shipmentTransitions);

/**
 * The order lifecycle: `orderLifecycle.checkTransition(from, to)` says whether a status change
 * is allowed and, if not, why, as a value (an illegal move is a business outcome to record,
 * not a crash).
 *
 * @example
 * orderLifecycle.checkTransition('placed', 'shipped')
 * // { allowed: false, reason: 'not-allowed', message: 'an order cannot go from placed to shipped; ...' }
 */
export const orderLifecycle = defineLifecycle('order', orderTransitions);

/**
 * The return lifecycle, used like `orderLifecycle`.
 *
 * @example
 * returnLifecycle.checkTransition('received', 'credited') // { allowed: true, unchanged: false, ... }
 */
export const returnLifecycle = defineLifecycle('return', returnTransitions);
