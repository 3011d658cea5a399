import type { CloudEvent } from '../../src/canonical/cloudevent.ts';
import type { Connector } from '../../src/connectors/connector.ts';
import { COMPOSITE_MAX_COLLECTIONS_OR_QUERIES } from '../../src/connectors/salesforce/limits.ts';
import { WMS_REQUESTS_PER_SECOND } from '../../src/connectors/wms/limits.ts';
import { createOrderCapture } from '../../src/flows/order-capture/index.ts';
import { channelOrder, createReadModelStandIn, placedEvent } from '../../src/flows/order-capture/testing.ts';
import { createReferenceData } from '../../src/flows/reference/projection.ts';
import { startRetailWorld, type RetailWorld } from '../../src/flows/testing/world.ts';
import type { DeliveryItem } from '../../src/ports/storage.ts';
import { DEMO_SEED } from '../../src/sandboxes/traffic/demo-data.ts';
import { report, round } from '../report.ts';

/** Requests the connector was asked to make (one `deliver` call is one request). */
function countRequests(connector: Connector): { requests: number; items: number } {
  const counts = { requests: 0, items: 0 };
  const deliver = connector.deliver.bind(connector);
  (connector as { deliver: Connector['deliver'] }).deliver = (batch: readonly DeliveryItem[], context) => {
    counts.requests++;
    counts.items += batch.length;
    return deliver(batch, context);
  };
  return counts;
}

async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`orders bench: ${what} not reached in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Known customers and catalogue SKUs at list price: every order passes its checks. */
function orderEvents(count: number): CloudEvent[] {
  const people = DEMO_SEED.customers.filter((customer) => customer.kind === 'person');
  return Array.from({ length: count }, (_, index) => {
    const product = DEMO_SEED.products[index % DEMO_SEED.products.length]!;
    const customer = people[index % people.length]!;
    // Half till sales picked up in the store, half shipped from the DC (released to the WMS once booked).
    const shipped = index % 2 === 1;
    const order = channelOrder({
      orderNumber: `BENCH-${String(index).padStart(6, '0')}`,
      channel: shipped ? 'web' : 'store',
      method: shipped ? 'ship' : 'pickup',
      ...(!shipped && { locationCode: 'STORE-001' }),
      customer: { email: customer.email },
      lines: [{ sku: product.sku, quantity: 1, unitPrice: product.listPrice }],
    });
    return placedEvent(order, `bench-${index}`);
  });
}

/** Delivered and unfinished writes of one target, from the hub's delivery queue. */
async function deliveryOf(world: RetailWorld, target: string): Promise<{ delivered: number; unfinished: number; dead: number }> {
  const [stats] = await world.adapters.storage.delivery.stats(target);
  return { delivered: stats?.delivered ?? 0, unfinished: (stats?.pending ?? 0) + (stats?.inFlight ?? 0), dead: stats?.dead ?? 0 };
}

/**
 * Order capture end to end on the sandboxes with no service time: `orders` placed events
 * published at once (half store pickups, half shipped web orders, known customers and SKUs),
 * timed until every order has gone the whole way: a sales order in NetSuite (`bookOrder`,
 * within NetSuite's concurrency limit of 5), an Order with its lines in Salesforce
 * (`projectOrder`, 5 orders per Composite request), and for shipped orders a fulfilment order
 * in the WMS. Validation runs against the read models, every step is journaled.
 * Calls per target are the requests each connector was asked to make, against the minimum for
 * the same work: NetSuite's record API and the WMS take one record per request, Salesforce's
 * Composite request five orders with their lines. `netsuite_requests_per_order` counts every
 * request the NetSuite sandbox served meanwhile, the SuiteQL pollers included.
 */
async function ordersScenario(options: { orders: number }): Promise<void> {
  const world: RetailWorld = await startRetailWorld({
    modules: (deps) => [createReferenceData(deps), createReadModelStandIn(deps), createOrderCapture(deps)],
    sandboxes: { latency: 'fast' },
    pollEveryMs: 1_000,
  });
  try {
    await world.quiet();
    const calls = { erp: countRequests(world.connectors.erp), crm: countRequests(world.connectors.crm), wms: countRequests(world.connectors.wms) };
    const before = { crm: await deliveryOf(world, 'crm'), wms: await deliveryOf(world, 'wms') };
    const netsuite = world.sandboxes.netsuite;
    netsuite.governance.resetCounters();
    const events = orderEvents(options.orders);
    const shippedOrders = Math.floor(options.orders / 2);
    const started = performance.now();
    for (let from = 0; from < events.length; from += 1_000) await world.publish(events.slice(from, from + 1_000));
    await until(`${options.orders} sales orders in NetSuite`, () => netsuite.records.store.list('salesOrder').length >= options.orders);
    const bookedSeconds = (performance.now() - started) / 1000;
    // Projection and release follow the booking: done once every write the orders caused has landed.
    const doneAt: { crm?: number; wms?: number; firstRelease?: number } = {};
    await until('orders projected into Salesforce and released to the WMS', async () => {
      const crm = await deliveryOf(world, 'crm');
      const wms = await deliveryOf(world, 'wms');
      if (doneAt.crm === undefined && crm.unfinished === 0 && crm.delivered - before.crm.delivered >= options.orders) doneAt.crm = (performance.now() - started) / 1000;
      if (doneAt.firstRelease === undefined && wms.delivered > before.wms.delivered) doneAt.firstRelease = (performance.now() - started) / 1000;
      if (doneAt.wms === undefined && wms.unfinished === 0 && wms.delivered - before.wms.delivered >= shippedOrders) doneAt.wms = (performance.now() - started) / 1000;
      return doneAt.crm !== undefined && doneAt.wms !== undefined;
    });
    const seconds = (performance.now() - started) / 1000;
    const served = netsuite.governance.stats();
    const salesforceOrders = (world.sandboxes.salesforce.org.store.snapshot().Order ?? []).filter((order) => String((order as { External_Id__c?: unknown }).External_Id__c).startsWith('BENCH-')).length;
    if (salesforceOrders < options.orders) throw new Error(`orders bench: ${salesforceOrders} of ${options.orders} orders reached Salesforce`);
    const minimum = { erp: options.orders, crm: Math.ceil(options.orders / COMPOSITE_MAX_COLLECTIONS_OR_QUERIES), wms: shippedOrders };
    report({
      name: 'orders.capture_throughput',
      value: round(options.orders / seconds, 1),
      unit: 'orders/s',
      orders: options.orders,
      seconds: round(seconds, 2),
      booked_only_orders_per_s: round(options.orders / bookedSeconds, 1),
      booked_after_s: round(bookedSeconds, 2),
      projected_after_s: round(doneAt.crm ?? 0, 2),
      released_after_s: round(doneAt.wms ?? 0, 2),
      erp_calls_per_order: round(calls.erp.requests / options.orders, 3),
      erp_calls_minimum_per_order: 1,
      erp_calls_vs_min: round(calls.erp.requests / minimum.erp, 2),
      crm_calls: calls.crm.requests,
      crm_calls_vs_min: round(calls.crm.requests / minimum.crm, 2),
      wms_calls: calls.wms.requests,
      wms_calls_vs_min: round(calls.wms.requests / minimum.wms, 2),
      // Releases wait for NetSuite to confirm the booking (its pollers read changes 5 s old), then
      // run at the WMS's 10 requests/s: how much of that limit the releases used once they began.
      wms_limit_per_s: WMS_REQUESTS_PER_SECOND,
      wms_limit_utilisation: round((shippedOrders - 1) / Math.max(0.001, (doneAt.wms ?? 0) - (doneAt.firstRelease ?? 0)) / WMS_REQUESTS_PER_SECOND, 3),
      salesforce_orders: salesforceOrders,
      dead_letters: (await deliveryOf(world, 'erp')).dead + (await deliveryOf(world, 'crm')).dead + (await deliveryOf(world, 'wms')).dead,
      netsuite_requests_per_order: round(served.admitted / options.orders, 3),
      netsuite_429: served.rejected429,
      netsuite_peak_in_flight: served.peakInFlight,
      sandbox_latency_ms: 0,
    });
  } finally {
    await world.close();
  }
}

export async function ordersBench(options: { quick: boolean }): Promise<void> {
  await ordersScenario({ orders: options.quick ? 100 : 500 });
}
