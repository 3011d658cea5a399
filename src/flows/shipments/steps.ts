import type { Order } from '../../canonical/order.ts';
import type { Shipment } from '../../canonical/shipment.ts';
import type { RetailFlowDependencies } from '../module.ts';
import { RecordEntity } from '../reference/records.ts';
import { adoptOrder, applyShipment, newOrderFulfilment, type FulfilmentDecision } from './fulfilment.ts';
import { judgeShipment, latestMilestone, shipmentVersion, type ShipmentApplication } from './milestones.ts';
import { ShipmentsEntity, updateRecord, type OrderFulfilment, type OrderReference, type VisibilityWatch } from './records.ts';

/**
 * The journaled steps of the shipment-milestones flow: each reads and writes the read models
 * and answers what the flow acts on. They are safe to run again after a crash (versions and
 * compare-and-set make a second run find its own first one).
 */

/** The key shipments of an order are found by: `records.match(RecordEntity.shipment, [orderShipmentsKey(n)])`. */
export function orderShipmentsKey(orderNumber: string): string {
  return `order:${orderNumber}`;
}

/** Stores the shipment's newest state; older and forbidden states are left out (see `judgeShipment`). */
export async function recordShipment(deps: RetailFlowDependencies, shipment: Shipment): Promise<ShipmentApplication> {
  for (;;) {
    const stored = await deps.records.get<Shipment>(RecordEntity.shipment, shipment.shipmentNumber);
    const judged = judgeShipment(stored, shipment);
    if (judged.outcome !== 'applied') return judged;
    const written = await deps.records.put(
      { entity: RecordEntity.shipment, key: shipment.shipmentNumber, data: shipment, version: shipmentVersion(shipment), matchKeys: [orderShipmentsKey(shipment.orderNumber)] },
      deps.clock(),
    );
    if (written) return judged;
    // Someone stored another state meanwhile: judge again against it.
  }
}

export interface OrderUpdate extends Omit<FulfilmentDecision, 'closeOuts'> {
  /** How the storefront knows the order, when the hub does. */
  reference?: OrderReference;
  /** The order's data, for announcing its new status. */
  order?: Order;
  /** Consignments closed out by this instance, as stored (to show in Salesforce). */
  closed: Shipment[];
}

/**
 * Applies the shipment to its order's fulfilment view (compare-and-set) and closes out the
 * consignments the order no longer has in preparation.
 */
export async function recordOrderFulfilment(deps: RetailFlowDependencies, shipment: Shipment, instanceId: string): Promise<OrderUpdate> {
  const now = deps.clock();
  const orderRecord = (await deps.records.get<Order>(RecordEntity.order, shipment.orderNumber))?.data;
  let decision: FulfilmentDecision | undefined;
  const { data: model } = await updateRecord<OrderFulfilment>(deps.records, { entity: RecordEntity.orderFulfilment, key: shipment.orderNumber, now }, (current) => {
    const applied = applyShipment(current, { shipment, instanceId, now: new Date(now).toISOString(), ...(orderRecord && { orderRecord }) });
    decision = applied.decision;
    return applied.model;
  });
  const { closeOuts, ...rest } = decision!;
  const closed: Shipment[] = [];
  for (const closing of closeOuts) {
    const prepared = await deps.records.get<Shipment>(RecordEntity.shipment, closing.shipmentNumber);
    if (!prepared) continue;
    const closedOut = closeOut(prepared.data, closing);
    await deps.records.put(
      { entity: RecordEntity.shipment, key: closedOut.shipmentNumber, data: closedOut, version: shipmentVersion(closedOut), matchKeys: [orderShipmentsKey(closedOut.orderNumber)] },
      now,
    );
    closed.push(closedOut);
  }
  const order = orderRecord ?? model?.order;
  return { ...rest, ...(model?.reference && { reference: model.reference }), ...(order && { order }), closed };
}

/**
 * The consignment that was being prepared, with the milestone the order reached appended (its
 * time never before its last one, its revision one up): the same input gives the same record,
 * and a record already closed this way is returned as it is.
 */
export function closeOut(prepared: Shipment, closing: { milestone: Shipment['milestones'][number]['milestone']; at: string; detail: string }): Shipment {
  const last = latestMilestone(prepared);
  if (last?.milestone === closing.milestone && last.detail === closing.detail) return prepared;
  const at = last && last.occurredAt > closing.at ? last.occurredAt : closing.at;
  return {
    ...prepared,
    sourceTimestamp: at,
    version: prepared.version + 1,
    milestones: [...prepared.milestones, { milestone: closing.milestone, occurredAt: at, detail: closing.detail }],
  };
}

/**
 * Remembers how an order is known (channel, channel order id, data) from its own events, so a
 * shipment knows whether the storefront must hear of it even when no order read model exists.
 */
export async function recordOrderReference(deps: RetailFlowDependencies, order: Order, from: 'order-placed' | 'order-cancelled' | 'order-booked'): Promise<void> {
  const now = deps.clock();
  await updateRecord<OrderFulfilment>(deps.records, { entity: RecordEntity.orderFulfilment, key: order.orderNumber, now }, (current) => {
    const model = structuredClone(current ?? newOrderFulfilment(order.orderNumber, new Date(now).toISOString()));
    const before = JSON.stringify(model);
    adoptOrder(model, order, from);
    return JSON.stringify(model) === before ? undefined : model;
  });
}

/**
 * How the storefront knows the order now: an operator's correction (`{ channel, channelOrderId }`),
 * else the order read model, else the order's own events.
 */
export async function resolveReference(deps: RetailFlowDependencies, orderNumber: string, correction: unknown): Promise<OrderReference | undefined> {
  const fixed = correction as Partial<OrderReference> | null | undefined;
  const now = deps.clock();
  const { data } = await updateRecord<OrderFulfilment>(deps.records, { entity: RecordEntity.orderFulfilment, key: orderNumber, now }, (current) => {
    const model = structuredClone(current ?? newOrderFulfilment(orderNumber, new Date(now).toISOString()));
    if (fixed && typeof fixed.channel === 'string' && typeof fixed.channelOrderId === 'string') {
      model.reference = { channel: fixed.channel, channelOrderId: fixed.channelOrderId, from: 'operator' };
      return model;
    }
    return undefined;
  });
  const orderRecord = (await deps.records.get<Order>(RecordEntity.order, orderNumber))?.data;
  if (data?.reference?.from === 'operator' || !orderRecord) return data?.reference;
  return { channel: orderRecord.channel, channelOrderId: orderRecord.channelOrderId, from: 'order-read-model' };
}

/** Starts (or updates) watching a shipped parcel until Salesforce and the storefront have it. */
export async function watchVisibility(deps: RetailFlowDependencies, shipment: Shipment, storefront: VisibilityWatch['storefront']): Promise<VisibilityWatch> {
  const now = deps.clock();
  const { data } = await updateRecord<VisibilityWatch>(deps.records, { entity: ShipmentsEntity.visibilityWatch, key: shipment.shipmentNumber, now }, (current) => {
    if (current?.storefront === storefront) return undefined;
    return { shipmentNumber: shipment.shipmentNumber, orderNumber: shipment.orderNumber, shippedAt: current?.shippedAt ?? now, storefront };
  });
  return data!;
}
