import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../../ports/conformance/harness.ts';
import { channelOrder, placedEvent, salesforceOrdersOf, salesOrdersOf, wmsOrdersOf } from '../order-capture/e2e-support.ts';
import { orderCaptureInstanceId } from '../order-capture/index.ts';
import type { RetailFlowModule } from '../module.ts';
import { RecordEntity } from '../reference/records.ts';
import type { RetailWorld } from '../testing/world.ts';
import { erpLevelEvent } from '../inventory-sync/testing.ts';
import { BOPIS_REROUTE_FLOW, NO_PICKUP_LOCATION, PICKUP_REROUTED } from './flow.ts';
import { REROUTE_ENTITY, type RerouteRecord } from './records.ts';
import { polling, startBopisWorld, STORE_001_ADDRESS } from './testing.ts';

/**
 * BOPIS reroute end to end, with order capture: a pickup order its store cannot fulfil moves to
 * the nearest location with stock. Each test ends by reading NetSuite (the sales order and its
 * location), Salesforce (the Order and its note), the WMS (fulfilment orders) and the hub's log.
 */
let world: RetailWorld | undefined;
let module: RetailFlowModule | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const TEE = 'TRAIL-TEE-M-BLK';
const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
const longRetries = { retry: { maxAttempts: 60, initialDelayMs: 20, maxDelayMs: 250 }, circuit: { consecutiveFailures: 3, halfOpenAfterMs: 200 } };

async function start(options: Parameters<typeof startBopisWorld>[0] = {}): Promise<RetailWorld> {
  world = await startBopisWorld({ ...options, onModule: (created) => (module = created) });
  await world.quiet();
  return world;
}

/** Stock as the ERP reports it (the poller's events), and wait until the read model has it. */
async function setStock(w: RetailWorld, levels: Record<string, number>): Promise<void> {
  const at = inSeconds(1);
  await w.publish(Object.entries(levels).map(([key, available]) => {
    const [sku, location] = key.split('@') as [string, string];
    return erpLevelEvent({ sku, location, available, at });
  }));
  await eventually(async () => {
    const found = await w.deps.records.getMany<{ available: number }>(RecordEntity.inventory, Object.keys(levels));
    return found.every((record) => record.data.available === levels[record.key]);
  }, 'the stock levels in the read model');
}

async function pickupOrder(w: RetailWorld, orderNumber: string, quantity: number, eventId?: string): Promise<void> {
  const order = channelOrder({ orderNumber, lines: [{ sku: TEE, quantity, unitPrice: '24.00' }], method: 'pickup', locationCode: 'STORE-001' });
  await w.publish([placedEvent(order, eventId)]);
}

/** The NetSuite location code of an order's sales order(s). */
function bookedLocations(w: RetailWorld, orderNumber: string): string[] {
  const { store } = w.sandboxes.netsuite.records;
  return salesOrdersOf(w, orderNumber).map((order) => store.get('location', String((order.fields.location as { id?: string } | undefined)?.id))?.externalId ?? 'none');
}

async function rerouteOf(w: RetailWorld, orderNumber: string): Promise<RerouteRecord | undefined> {
  return (await w.deps.records.get<RerouteRecord>(REROUTE_ENTITY, orderNumber))?.data;
}

async function rerouteEvents(w: RetailWorld, orderNumber: string) {
  const events = await w.adapters.bus.find({ subject: orderNumber, type: 'retail.order.status-changed.v1' });
  return events.filter((entry) => (entry.event.data as { statusReason?: { code: string } }).statusReason?.code === PICKUP_REROUTED);
}

const untilRerouteStatus = (w: RetailWorld, orderNumber: string, status: RerouteRecord['status']) =>
  polling(w, async () => ((await rerouteOf(w, orderNumber))?.status === status ? true : undefined), `reroute of ${orderNumber} ${status}`);

describe('BOPIS reroute', () => {
  it('moves a pickup to the nearest store with stock, books it there once and tells Salesforce why', async () => {
    const w = await start();
    // STORE-002 is nearest but empty too; STORE-003 has stock.
    await setStock(w, { [`${TEE}@STORE-001`]: 1, [`${TEE}@STORE-002`]: 0 });
    await pickupOrder(w, 'POS-5001', 2);
    // The same order sent twice by the POS (another event id): one capture, one reroute.
    await pickupOrder(w, 'POS-5001', 2, 'pos-POS-5001-resent');
    await untilRerouteStatus(w, 'POS-5001', 'booked');
    await w.quiet();

    expect(bookedLocations(w, 'POS-5001')).toEqual(['STORE-003']);
    const [salesforceOrder, ...more] = salesforceOrdersOf(w, 'POS-5001');
    expect(more).toEqual([]);
    expect(salesforceOrder?.Description).toBe(`${PICKUP_REROUTED}: STORE-001 cannot fulfil it (${TEE}: 1/2); pickup moved to STORE-003 (8 km away), the nearest location with stock`);
    // A store pickup is not the warehouse's business.
    expect(await wmsOrdersOf(w, 'POS-5001')).toEqual([]);
    expect(await rerouteOf(w, 'POS-5001')).toMatchObject({ status: 'booked', from: 'STORE-001', to: 'STORE-003', mode: 'pickup', shortAtStore: [`${TEE}: 1/2`] });
    expect((await rerouteOf(w, 'POS-5001'))?.checked.map((location) => [location.code, location.short])).toEqual([
      ['STORE-002', [`${TEE}: 0/2`]],
      ['STORE-003', []],
    ]);
    expect(await rerouteEvents(w, 'POS-5001')).toHaveLength(1);
    // Order capture's hold was closed by the reroute, not left for an operator.
    const exceptions = await w.adapters.storage.deadLetters.list({ key: 'POS-5001', kind: 'flow' });
    expect(exceptions.map((entry) => [entry.error.code, entry.status])).toEqual([['OUT_OF_STOCK', 'retried']]);
    expect(await module!.report!()).toEqual({ 'bopis.rerouted': 1, 'bopis.unfulfillable': 0 });
    const today = await module!.healthPanels!.find((panel) => panel.id === 'bopis-reroutes-today')!.evaluate({ storage: w.adapters.storage, bus: w.adapters.bus, now: Date.now() });
    expect(today).toMatchObject({ value: 1, items: [{ businessKey: 'POS-5001' }] });
  }, 45_000);

  it('has the DC ship to the pickup store when no store has stock, through a 429 storm from Salesforce', async () => {
    const w = await start({ delivery: longRetries });
    await setStock(w, { [`${TEE}@STORE-001`]: 0, [`${TEE}@STORE-002`]: 1, [`${TEE}@STORE-003`]: 2 });
    let throttled = 0;
    w.retail.hub.delivery.events.on('throttled', (event: { target: string }) => {
      if (event.target === 'crm') throttled++;
    });
    w.sandboxes.salesforce.faults.set({ errorRates: { 429: 1 } });
    await pickupOrder(w, 'POS-5002', 3);
    await untilRerouteStatus(w, 'POS-5002', 'rerouted');
    await eventually(() => throttled >= 1, 'Salesforce throttling the hub', 10_000);
    w.sandboxes.salesforce.faults.set({});
    await untilRerouteStatus(w, 'POS-5002', 'booked');
    await polling(w, async () => ((await wmsOrdersOf(w, 'POS-5002')).length > 0 ? true : undefined), 'the WMS release');
    await w.quiet();

    expect(bookedLocations(w, 'POS-5002')).toEqual(['DC-EAST']);
    const wms = await wmsOrdersOf(w, 'POS-5002');
    expect(wms).toHaveLength(1);
    expect(wms[0]).toMatchObject({ warehouseId: 'DC-EAST', lines: [{ sku: TEE, quantity: 3 }], shipTo: { address1: STORE_001_ADDRESS.line1, city: 'Chicago', postalCode: '60602', country: 'US' } });
    const salesforceOrders = salesforceOrdersOf(w, 'POS-5002');
    expect(salesforceOrders).toHaveLength(1);
    expect(salesforceOrders[0]?.Description).toBe(
      `${PICKUP_REROUTED}: STORE-001 cannot fulfil it (${TEE}: 0/3); DC-EAST (480 km away) ships it to STORE-001 for pickup there`,
    );
    expect(salesforceOrders[0]?.ShippingStreet).toBe(STORE_001_ADDRESS.line1);
    expect(await rerouteOf(w, 'POS-5002')).toMatchObject({ status: 'booked', to: 'DC-EAST', mode: 'ship-to-store' });
    expect(await w.adapters.storage.deadLetters.count({ status: 'open' })).toBe(0);
  }, 50_000);

  it('raises NO_PICKUP_LOCATION with what each location lacks, leaving the order held', async () => {
    const w = await start();
    await pickupOrder(w, 'POS-5003', 400);
    const exception = await eventually(async () => {
      const open = await w.adapters.storage.deadLetters.list({ kind: 'flow', target: BOPIS_REROUTE_FLOW, status: 'open' });
      return open[0];
    }, 'the NO_PICKUP_LOCATION exception');
    await w.quiet();

    expect(exception).toMatchObject({ key: 'POS-5003', error: { code: NO_PICKUP_LOCATION }, context: { orderNumber: 'POS-5003', store: 'STORE-001', lines: `400 × ${TEE}`, amount: '9600.00' } });
    expect(exception.context.checked).toBe(`STORE-002: ${TEE}: 300/400; STORE-003: ${TEE}: 300/400; DC-EAST: ${TEE}: 300/400`);
    // Still held in order capture for an operator; nothing booked, projected or released.
    const holds = await w.adapters.storage.deadLetters.list({ key: 'POS-5003', kind: 'flow', target: 'order-capture', status: 'open' });
    expect(holds.map((entry) => entry.error.code)).toEqual(['OUT_OF_STOCK']);
    expect(salesOrdersOf(w, 'POS-5003')).toEqual([]);
    expect(salesforceOrdersOf(w, 'POS-5003')).toEqual([]);
    expect(await wmsOrdersOf(w, 'POS-5003')).toEqual([]);
    expect(await module!.report!()).toEqual({ 'bopis.rerouted': 0, 'bopis.unfulfillable': 1 });
    const failed = await module!.healthPanels!.find((panel) => panel.id === 'bopis-failed-reroutes')!.evaluate({ storage: w.adapters.storage, bus: w.adapters.bus, now: Date.now() });
    expect(failed).toMatchObject({ status: 'warning', value: 1, items: [{ businessKey: 'POS-5003' }] });
  }, 30_000);

  it('finishes a reroute once after a restart of the hub while the ERP was down', async () => {
    const w = await start({ delivery: longRetries });
    await setStock(w, { [`${TEE}@STORE-001`]: 0 });
    w.sandboxes.netsuite.faults.set({ downtime: [{ from: Date.now(), to: Date.now() + 600_000 }] });
    await pickupOrder(w, 'POS-5004', 1);
    await untilRerouteStatus(w, 'POS-5004', 'rerouted');
    // Order capture has sent the booking; it waits in the ERP's queue while NetSuite is down.
    await eventually(async () => (await w.adapters.storage.delivery.find({ key: 'POS-5004' })).some((item) => item.operation === 'bookOrder'), 'the booking queued');
    await w.restartHub();
    w.sandboxes.netsuite.faults.set({});
    await untilRerouteStatus(w, 'POS-5004', 'booked');
    await w.quiet();

    expect(bookedLocations(w, 'POS-5004')).toEqual(['STORE-002']);
    expect(salesforceOrdersOf(w, 'POS-5004')).toHaveLength(1);
    expect(salesforceOrdersOf(w, 'POS-5004')[0]?.Description).toMatch(/^PICKUP_REROUTED: STORE-001 cannot fulfil it .*pickup moved to STORE-002 \(3 km away\)/);
    expect(await rerouteEvents(w, 'POS-5004')).toHaveLength(1);
    const bookings = (await w.adapters.storage.delivery.find({ key: 'POS-5004' })).filter((item) => item.operation === 'bookOrder');
    expect(bookings.map((item) => item.status)).toEqual(['delivered']);
    const capture = await w.adapters.storage.flows.get(orderCaptureInstanceId('POS-5004'));
    expect(capture?.status).toBe('completed');
  }, 50_000);
});
