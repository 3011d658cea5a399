import type { CloudEvent } from '../../src/canonical/cloudevent.ts';
import type { Connector } from '../../src/connectors/connector.ts';
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

/**
 * Order capture end to end on the sandboxes with no service time: `orders` placed events
 * published at once (half store pickups, half shipped web orders, known customers and SKUs),
 * timed until every one is a sales order in the NetSuite sandbox (validated against the read
 * models, journaled, delivered as `bookOrder` within NetSuite's concurrency limit of 5).
 * ERP calls per order: requests the NetSuite connector made for the orders (the minimum is 1:
 * the record API writes one record per request), and every request the NetSuite sandbox
 * served meanwhile, the SuiteQL pollers included.
 */
async function ordersScenario(options: { orders: number }): Promise<void> {
  const world: RetailWorld = await startRetailWorld({
    modules: (deps) => [createReferenceData(deps), createReadModelStandIn(deps), createOrderCapture(deps)],
    sandboxes: { latency: 'fast' },
    pollEveryMs: 1_000,
  });
  try {
    await world.quiet();
    const erp = countRequests(world.connectors.erp);
    const netsuite = world.sandboxes.netsuite;
    netsuite.governance.resetCounters();
    const events = orderEvents(options.orders);
    const started = performance.now();
    for (let from = 0; from < events.length; from += 1_000) await world.publish(events.slice(from, from + 1_000));
    await until(`${options.orders} sales orders in NetSuite`, () => netsuite.records.store.list('salesOrder').length >= options.orders);
    const seconds = (performance.now() - started) / 1000;
    const served = netsuite.governance.stats();
    report({
      name: 'orders.capture_throughput',
      value: round(options.orders / seconds, 1),
      unit: 'orders/s',
      orders: options.orders,
      seconds: round(seconds, 2),
      erp_calls_per_order: round(erp.requests / options.orders, 3),
      erp_calls_minimum_per_order: 1,
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
