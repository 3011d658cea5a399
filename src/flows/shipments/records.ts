import type { Order, OrderStatus } from '../../canonical/order.ts';
import type { ShipmentMilestone } from '../../canonical/shipment.ts';
import type { RecordStore, StoredRecord } from '../../ports/storage.ts';
import { TransientError } from '../../runtime/errors.ts';

/** The flow's name: its instances, its exceptions (dead-letter target) and its delivery context. */
export const SHIPMENT_MILESTONES_FLOW = 'shipment-milestones';

/**
 * Read models of the shipment-milestones flow besides `RecordEntity.shipment` (the newest
 * canonical Shipment per shipment number) and `RecordEntity.orderFulfilment` (`OrderFulfilment`).
 */
export const ShipmentsEntity = {
  /** key: shipment number — `VisibilityWatch`, removed once the parcel is in every system. */
  visibilityWatch: 'shipment-visibility',
} as const;

/** Where a shipment stands, for the order's view of it. */
export const ShipmentStage = {
  /** In the warehouse: picked or packed, no carrier yet (the consignment being prepared). */
  preparing: 'preparing',
  /** Handed to a carrier, on its way. */
  shipped: 'shipped',
  delivered: 'delivered',
  /** The latest milestone is an exception (a WMS hold, a carrier problem). */
  exception: 'exception',
  /** Returned to sender: it will not arrive. */
  returned: 'returned',
} as const;
export type ShipmentStage = (typeof ShipmentStage)[keyof typeof ShipmentStage];

/** One shipment of an order, as the order's fulfilment view keeps it. */
export interface ShipmentSummary {
  shipmentNumber: string;
  stage: ShipmentStage;
  milestone: ShipmentMilestone;
  /** The milestone's time (RFC 3339). */
  at: string;
  lines: { orderLineNumber: number; sku: string; quantity: number }[];
  carrier?: string;
  trackingNumber?: string;
  shippedAt?: string;
  deliveredAt?: string;
  /** The record version of the newest state applied (`recordVersion`). */
  version: number;
  /** Milestones the shipment had reached in its newest state (what the report counts). */
  milestonesReached: number;
  /**
   * The flow instance that saw this shipment leave the warehouse first: it, and only it, writes
   * the item fulfilment to the ERP and the fulfilment to the storefront.
   */
  shippedBy?: string;
  /**
   * For a consignment seen while being prepared: the milestone the flow closed it out with once
   * the order had shipped (or was delivered), and the instance that did.
   */
  closeOut?: { milestone: ShipmentMilestone; at: string; detail: string; by: string };
}

/** One order line as shipped so far. */
export interface FulfilmentLine {
  orderLineNumber: number;
  sku: string;
  /** Units to ship (ordered less cancelled); undefined while neither the order nor the warehouse said. */
  toShip?: number;
  shipped: number;
  delivered: number;
  /** Units the warehouse cannot ship for now (backorder, short pick), with the WMS reason. */
  notShippable?: { quantity: number; reason: string; since: string };
}

/** How the storefront knows the order: its channel and its id there. */
export interface OrderReference {
  channel: string;
  channelOrderId: string;
  /** Where it was learnt: the order read model, the order's own events (the channel's word over the ERP's), an operator. */
  from: 'order-read-model' | 'order-placed' | 'order-cancelled' | 'order-booked' | 'operator';
}

/** An exception that keeps units in the warehouse, as long as no later milestone clears it. */
export interface FulfilmentHold {
  reason: string;
  since: string;
  shipmentNumber: string;
  /** The instance that raised it for an operator to see (once per hold). */
  raisedBy: string;
}

/**
 * Where an order stands in the warehouse and with carriers (`RecordEntity.orderFulfilment`, key
 * order number): its status as shipments move it (booked → in-fulfilment → partially-shipped →
 * shipped → delivered, checked with the order lifecycle), units per line, lines not shippable,
 * and each shipment. Updated by compare-and-set on the record version, so parcels of one order
 * handled at the same time never lose each other's update.
 */
export interface OrderFulfilment {
  orderNumber: string;
  status: OrderStatus;
  /** Every status change, with the flow instance that made it (so a replayed step finds its own). */
  statusHistory: { status: OrderStatus; at: string; by: string }[];
  reference?: OrderReference;
  /** The order as its channel (or the ERP) described it: the base of `order.status-changed` events. */
  order?: Order;
  lines: FulfilmentLine[];
  shipments: Record<string, ShipmentSummary>;
  hold?: FulfilmentHold;
  /** The last hold lifted, and the instance that saw it lifted (it closes the hold's exception). */
  liftedHold?: FulfilmentHold & { liftedBy: string };
  /** A status change the order lifecycle refused (e.g. shipped after cancelled), for an operator. */
  conflict?: { from: OrderStatus; to: OrderStatus; message: string; at: string; by: string };
  updatedAt: string;
}

/** A parcel handed to a carrier whose writes to Salesforce and the storefront are not all confirmed yet. */
export interface VisibilityWatch {
  shipmentNumber: string;
  orderNumber: string;
  /** When the flow saw it leave the warehouse (ms since epoch, hub clock). */
  shippedAt: number;
  /** The storefront must show it too (an order of a storefront channel); `unknown` while the channel is. */
  storefront: boolean | 'unknown';
}

/**
 * Read-modify-write of one record by compare-and-set on its version: the change is applied to
 * what is stored and written as version + 1; when another writer got there first the change is
 * applied again to its result. `change` must be a pure function of the stored data (it may run
 * more than once) and answers undefined to leave the record as it is.
 */
export async function updateRecord<T>(
  records: RecordStore,
  target: { entity: string; key: string; now: number; matchKeys?: readonly string[] },
  change: (current: T | undefined) => T | undefined,
): Promise<{ data: T | undefined; changed: boolean }> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const stored: StoredRecord<T> | undefined = await records.get<T>(target.entity, target.key);
    const next = change(stored?.data);
    if (next === undefined) return { data: stored?.data, changed: false };
    const version = Math.floor(stored?.version ?? 0) + 1;
    const written = await records.put({ entity: target.entity, key: target.key, data: next, version, ...(target.matchKeys && { matchKeys: target.matchKeys }) }, target.now);
    if (written) return { data: next, changed: true };
  }
  throw new TransientError(`${target.entity} ${target.key} keeps changing under concurrent updates; try again`);
}
