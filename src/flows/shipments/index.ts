import type { Order } from '../../canonical/order.ts';
import type { RecordStore } from '../../ports/storage.ts';
import { defineFlow, type FlowDefinition } from '../../runtime/flows/definition.ts';
import type { RetailFlowDependencies, RetailFlowModule } from '../module.ts';
import { RecordEntity } from '../reference/records.ts';
import { shipmentMilestonesFlow } from './flow.ts';
import { shipmentsNotVisiblePanel } from './health.ts';
import type { OrderFulfilment } from './records.ts';
import { recordOrderReference } from './steps.ts';

export { ORDER_STATUS_CHANGED, SHIPMENT_MILESTONE_REACHED, ShipmentExceptionCode } from './flow.ts';
export { SHIPMENT_MILESTONES_FLOW, type OrderFulfilment, type FulfilmentLine, type ShipmentSummary } from './records.ts';
export { orderShipmentsKey } from './steps.ts';

const ORDER_EVENTS = {
  'retail.order.placed.v1': 'order-placed',
  'retail.order.cancelled.v1': 'order-cancelled',
  'retail.order.booked.v1': 'order-booked',
} as const;

/**
 * Keeps how each order is known (its channel and its id there) from the order's own events, so
 * a shipment knows whether the storefront must hear of it, with or without an order read model.
 */
function orderReferencesFlow(deps: RetailFlowDependencies): FlowDefinition {
  return defineFlow({
    name: 'shipment-order-references',
    durable: false,
    startsOn: Object.keys(ORDER_EVENTS),
    async run(_ctx, event) {
      await recordOrderReference(deps, event.data as Order, ORDER_EVENTS[event.type as keyof typeof ORDER_EVENTS]);
    },
  });
}

/**
 * Shipment milestones (docs/flows/shipments.md): WMS pick / pack / ship / deliver events update
 * the ERP (item fulfilment), the storefront (fulfilment with tracking) and Salesforce (status at
 * every milestone), line by line, without ever moving a shipment or an order backwards.
 *
 * @example
 * const world = await startRetailWorld({ modules: (deps) => [createShipments(deps)] });
 */
export function createShipments(deps: RetailFlowDependencies): RetailFlowModule {
  return {
    name: 'shipments',
    flows: [shipmentMilestonesFlow(deps), orderReferencesFlow(deps)],
    healthPanels: [shipmentsNotVisiblePanel(deps)],
    report: () => shipmentCounts(deps.records),
  };
}

/** Every order's fulfilment view, page by page (reports and invariants). */
export async function* orderFulfilments(records: RecordStore, pageSize = 500): AsyncGenerator<OrderFulfilment> {
  let afterKey: string | undefined;
  for (;;) {
    const page = await records.list<OrderFulfilment>(RecordEntity.orderFulfilment, { ...(afterKey !== undefined && { afterKey }), limit: pageSize });
    for (const record of page) yield record.data;
    if (page.length < pageSize) return;
    afterKey = page[page.length - 1]!.key;
  }
}

/**
 * The demo report's counts: milestones reached (every shipment, the consignments prepared
 * included), parcels shipped and delivered, orders that went through a partial shipment, and
 * orders with units the warehouse cannot ship now.
 */
export async function shipmentCounts(records: RecordStore): Promise<Record<string, number>> {
  const counts = { 'shipments.milestones': 0, 'shipments.shipped': 0, 'shipments.delivered': 0, 'shipments.partial': 0, 'shipments.ordersHeld': 0 };
  for await (const order of orderFulfilments(records)) {
    if (order.statusHistory.some((entry) => entry.status === 'partially-shipped')) counts['shipments.partial'] += 1;
    if (order.hold) counts['shipments.ordersHeld'] += 1;
    for (const shipment of Object.values(order.shipments)) {
      counts['shipments.milestones'] += shipment.milestonesReached;
      if (shipment.shippedAt !== undefined) counts['shipments.shipped'] += 1;
      if (shipment.deliveredAt !== undefined) counts['shipments.delivered'] += 1;
    }
  }
  return counts;
}
