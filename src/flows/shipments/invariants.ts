import type { Order } from '../../canonical/order.ts';
import type { RecordStore } from '../../ports/storage.ts';
import type { RunningSandboxes } from '../../sandboxes/run-all.ts';
import type { InvariantContext, InvariantResult } from '../invariants.ts';
import { RecordEntity } from '../reference/records.ts';
import type { OrderFulfilment, OrderReference } from './records.ts';

const EXAMPLES_SHOWN = 5;

/** A WMS fulfilment order as the sandbox keeps it (the fields this check reads). */
export interface WmsOrderState {
  id: string;
  externalOrderId: string;
  status: string;
  lines: { quantity: number }[];
  shipments: { id: string; trackingNumber: string; lines: { quantity: number }[] }[];
  events: { type: string; shipmentId?: string }[];
}

/** What the systems hold, gathered once the hub is quiet. */
export interface ShipmentSystemsState {
  fulfilmentOrders: readonly WmsOrderState[];
  /** NetSuite item fulfilments per external id (= shipment number). */
  itemFulfilments: ReadonlyMap<string, number>;
  /** Shopify tracking numbers of the fulfilments per Shopify order id. */
  storefrontTracking: ReadonlyMap<string, ReadonlySet<string>>;
  /** Salesforce Shipment__c status per external id (= shipment number). */
  agentStatus: ReadonlyMap<string, string>;
  /** How the hub knows each order (channel, channel order id), by order number. */
  references: ReadonlyMap<string, Pick<OrderReference, 'channel' | 'channelOrderId'>>;
  storefrontChannels: readonly string[];
}

/**
 * The Salesforce status a parcel must show: from the WMS's own history after the parcel left,
 * as the connector reports it: a delivery, an exception once every unit had left (one while
 * units were still in the warehouse held those, not the parcel); `resolved` is not reported.
 */
export function expectedParcelStatus(order: WmsOrderState, parcelId: string): string {
  const shippedAt = order.events.findIndex((event) => event.type === 'shipped' && event.shipmentId === parcelId);
  const units = (lines: readonly { quantity: number }[]) => lines.reduce((sum, line) => sum + line.quantity, 0);
  const sent = new Set<string>();
  let status = 'Shipped';
  for (const [index, event] of order.events.entries()) {
    if (event.type === 'shipped' && event.shipmentId) sent.add(event.shipmentId);
    if (index <= shippedAt) continue;
    const allLeft = units(order.shipments.filter((parcel) => sent.has(parcel.id)).flatMap((parcel) => parcel.lines)) >= units(order.lines);
    if (event.type === 'delivered') status = 'Delivered';
    if (event.type === 'exception' && allLeft) status = 'Exception';
  }
  return status;
}

const PREPARED_STATUS: Record<string, string> = { shipped: 'Shipped', delivered: 'Delivered' };

/** The Shopify order id in a channel order id (numeric, or a gid). */
function shopifyOrderId(channelOrderId: string): string {
  return /(\d+)$/.exec(channelOrderId)?.[1] ?? channelOrderId;
}

/**
 * `shipments.visibleEverywhere`: every parcel shipped in the WMS has exactly one item fulfilment
 * in the ERP, a fulfilment with its tracking number in the storefront (orders of a storefront
 * channel), and its latest status in Salesforce; a consignment shown while being prepared shows
 * its order's final status once the order has shipped or been delivered.
 */
export function judgeVisibility(state: ShipmentSystemsState): InvariantResult {
  const notOnceInErp: string[] = [];
  const missingInStorefront: string[] = [];
  const staleInSalesforce: string[] = [];
  const channelUnknown: string[] = [];
  let parcels = 0;
  for (const order of state.fulfilmentOrders) {
    const reference = state.references.get(order.externalOrderId);
    for (const parcel of order.shipments) {
      parcels += 1;
      const fulfilments = state.itemFulfilments.get(parcel.id) ?? 0;
      if (fulfilments !== 1) notOnceInErp.push(`${parcel.id} (${fulfilments})`);
      if (!reference) channelUnknown.push(`${order.externalOrderId}/${parcel.id}`);
      else if (state.storefrontChannels.includes(reference.channel) && !state.storefrontTracking.get(shopifyOrderId(reference.channelOrderId))?.has(parcel.trackingNumber)) {
        missingInStorefront.push(`${order.externalOrderId}/${parcel.id}`);
      }
      const expected = expectedParcelStatus(order, parcel.id);
      const actual = state.agentStatus.get(parcel.id);
      if (actual !== expected) staleInSalesforce.push(`${parcel.id} (${actual ?? 'missing'}, expected ${expected})`);
    }
    const prepared = state.agentStatus.get(order.id);
    const final = PREPARED_STATUS[order.status];
    if (prepared !== undefined && final !== undefined && prepared !== final) staleInSalesforce.push(`${order.id} (${prepared}, expected ${final})`);
  }
  const offending = (keys: string[]) => ({ count: keys.length, examples: keys.slice(0, EXAMPLES_SHOWN) });
  return {
    ok: notOnceInErp.length + missingInStorefront.length + staleInSalesforce.length + channelUnknown.length === 0,
    details: {
      parcels,
      notOnceInErp: offending(notOnceInErp),
      missingInStorefront: offending(missingInStorefront),
      staleInSalesforce: offending(staleInSalesforce),
      orderChannelUnknown: offending(channelUnknown),
    },
  };
}

/** Reads the sandboxes' final state and the hub's order references. */
export async function gatherShipmentState(sandboxes: RunningSandboxes, records: RecordStore, storefrontChannels: readonly string[]): Promise<ShipmentSystemsState> {
  const response = await fetch(`${sandboxes.wms.url}/__sandbox/state`);
  if (!response.ok) throw new Error(`reading the WMS sandbox state failed: ${response.status}`);
  const fulfilmentOrders = ((await response.json()) as { fulfillmentOrders?: WmsOrderState[] }).fulfillmentOrders ?? [];

  const itemFulfilments = new Map<string, number>();
  for (const record of sandboxes.netsuite.records.store.list('itemFulfillment')) {
    if (record.externalId !== undefined) itemFulfilments.set(record.externalId, (itemFulfilments.get(record.externalId) ?? 0) + 1);
  }
  const storefrontTracking = new Map<string, Set<string>>();
  for (const fulfilment of sandboxes.shopify.store.fulfillments.values()) {
    if (fulfilment.status !== 'SUCCESS') continue;
    const numbers = storefrontTracking.get(String(fulfilment.orderId)) ?? new Set<string>();
    for (const info of fulfilment.trackingInfo) if (info.number) numbers.add(info.number);
    storefrontTracking.set(String(fulfilment.orderId), numbers);
  }
  const agentStatus = new Map<string, string>();
  for (const record of sandboxes.salesforce.org.snapshot().records.Shipment__c ?? []) {
    if (typeof record.External_Id__c === 'string') agentStatus.set(record.External_Id__c, String(record.Status__c));
  }
  const orderNumbers = [...new Set(fulfilmentOrders.map((order) => order.externalOrderId))];
  const references = new Map<string, Pick<OrderReference, 'channel' | 'channelOrderId'>>();
  for (const record of await records.getMany<Order>(RecordEntity.order, orderNumbers)) {
    references.set(record.key, { channel: record.data.channel, channelOrderId: record.data.channelOrderId });
  }
  for (const record of await records.getMany<OrderFulfilment>(RecordEntity.orderFulfilment, orderNumbers)) {
    if (record.data.reference && (!references.has(record.key) || record.data.reference.from === 'operator')) references.set(record.key, record.data.reference);
  }
  return { fulfilmentOrders, itemFulfilments, storefrontTracking, agentStatus, references, storefrontChannels };
}

/** The invariants of the shipment-milestones flow, for the demo report. */
export async function checkShipmentInvariants(context: InvariantContext): Promise<Record<string, InvariantResult>> {
  const state = await gatherShipmentState(context.sandboxes, context.records, context.settings.shipments.storefrontChannels);
  return { 'shipments.visibleEverywhere': judgeVisibility(state) };
}
