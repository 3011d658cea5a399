import type { CloudEvent } from '../../canonical/cloudevent.ts';
import type { Customer } from '../../canonical/customer.ts';
import { createRetailEvent } from '../../canonical/events/create-event.ts';
import type { InventoryLevel } from '../../canonical/inventory-level.ts';
import type { Order } from '../../canonical/order.ts';
import { defineFlow } from '../../runtime/flows/definition.ts';
import type { RetailFlowDependencies, RetailFlowModule } from '../module.ts';
import { customerMatchKeys, RecordEntity, recordVersion } from '../reference/records.ts';

/**
 * For order capture's tests and bench only: the customer and inventory read models written
 * straight from their events (customer sync and inventory sync own them in an installation, with
 * matching, merging and ownership rules this stand-in does not have). It lets order capture be
 * tested on its own against the world's initial load.
 */
export function createReadModelStandIn(deps: RetailFlowDependencies): RetailFlowModule {
  const flow = defineFlow({
    name: 'order-capture.test-read-models',
    durable: false,
    startsOn: ['retail.customer.created.v1', 'retail.customer.updated.v1', 'retail.inventory.level-changed.v1'],
    async run(_ctx, event) {
      if (event.type === 'retail.inventory.level-changed.v1') {
        const level = event.data as InventoryLevel;
        if (level.sourceSystem !== deps.systems.erp) return;
        await deps.records.put({ entity: RecordEntity.inventory, key: `${level.sku}@${level.locationCode}`, data: level, version: recordVersion(level) }, deps.clock());
        return;
      }
      const customer = event.data as Customer;
      // Like the customer sync: a profile already known by e-mail or phone is the same customer
      // (the other system's id becomes an alias of it); the ERP's id and data are kept.
      const byId = await deps.records.get<Customer>(RecordEntity.customer, customer.hubId);
      const byProfile = byId ? undefined : (await deps.records.match<Customer>(RecordEntity.customer, customerMatchKeys({ emails: customer.emails, phones: customer.phones })))[0];
      const stored = byId ?? byProfile;
      const externalIds = { ...stored?.data.externalIds, ...customer.externalIds };
      // Its own update wins (an empty list does not wipe a known one: systems hold different
      // parts of a profile); another system's copy of a known customer only adds its ids.
      const kept = <T>(update: readonly T[], known: readonly T[]): T[] => [...(update.length > 0 ? update : known)];
      const ownUpdate = (known: Customer): Customer => ({
        ...known,
        ...customer,
        emails: kept(customer.emails, known.emails),
        phones: kept(customer.phones, known.phones),
        addresses: kept(customer.addresses, known.addresses),
        externalIds,
      });
      const merged: Customer = byId ? ownUpdate(byId.data) : byProfile ? { ...byProfile.data, externalIds } : customer;
      const aliases = [...(stored?.matchKeys.filter((key) => key.startsWith('alias:')) ?? []), ...(byProfile ? [`alias:${customer.hubId}`] : [])];
      const version = Math.max(recordVersion(customer), (stored?.version ?? 0) + 0.001);
      await deps.records.put({ entity: RecordEntity.customer, key: merged.hubId, data: merged, version, matchKeys: [...customerMatchKeys(merged), ...aliases] }, deps.clock());
    },
  });
  return { name: 'order-capture.test-read-models', flows: [flow] };
}

interface LineInput {
  sku: string;
  quantity: number;
  unitPrice: string;
}

/** A canonical order as a POS (channel store, pickup) or the B2B portal (ship) sends it to POST /events. */
export function channelOrder(args: {
  orderNumber: string;
  lines: LineInput[];
  channel?: Order['channel'];
  customer?: Order['customer'];
  method?: Order['fulfilment']['method'];
  locationCode?: string;
  paymentStatus?: Order['paymentStatus'];
}): Order {
  const cents = (amount: string) => Math.round(Number(amount) * 100);
  const money = (minor: number) => (minor / 100).toFixed(2);
  const now = new Date().toISOString();
  const subtotal = args.lines.reduce((sum, line) => sum + cents(line.unitPrice) * line.quantity, 0);
  return {
    hubId: `ord_${args.orderNumber}`,
    externalIds: { pos: args.orderNumber },
    sourceSystem: 'pos',
    sourceTimestamp: now,
    version: 1,
    schemaVersion: 1,
    orderNumber: args.orderNumber,
    channel: args.channel ?? 'store',
    channelOrderId: args.orderNumber,
    placedAt: now,
    customer: args.customer ?? { name: 'Jane Doe', email: 'jane.doe@example.com' },
    currency: 'USD',
    pricesIncludeTax: false,
    lines: args.lines.map((line, index) => ({
      lineNumber: index + 1,
      sku: line.sku,
      name: line.sku,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      discounts: [],
      tax: { amount: '0.00' },
      lineTotal: money(cents(line.unitPrice) * line.quantity),
    })),
    totals: { subtotal: money(subtotal), discountTotal: '0.00', shippingTotal: '0.00', taxTotal: '0.00', grandTotal: money(subtotal) },
    paymentStatus: args.paymentStatus ?? 'paid',
    fulfilment: { method: args.method ?? 'pickup', ...(args.locationCode !== undefined && { locationCode: args.locationCode }) },
    status: 'placed',
    returnEligibility: { eligible: true },
  };
}

export function placedEvent(order: Order, id = `pos-${order.orderNumber}`): CloudEvent {
  return createRetailEvent({ type: 'retail.order.placed.v1', data: order, source: '/pos/store-001', id });
}
