import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAllSandboxes } from '../run-all.ts';
import type { RunningSandboxes } from '../run-all.ts';
import { ActionKind } from './actions.ts';
import type { TrafficAction } from './actions.ts';
import type { ActionResult } from './counters.ts';
import { playTraffic, TrafficExecutor } from './executor.ts';
import { readOrderHistory } from './order-history.ts';
import { planRetailDay } from './planner.ts';
import { replayOrderHistory } from './replay.ts';

type State = Record<string, unknown>;
const stateOf = async (url: string): Promise<State> => (await (await fetch(`${url}/__sandbox/state`)).json()) as State;

describe('traffic generator against all sandboxes', () => {
  let sandboxes: RunningSandboxes;
  let hub: Server;
  let hubUrl = '';
  const hubEvents: { contentType: string | undefined; body: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    sandboxes = await startAllSandboxes({ latency: 'fast', seed: 7, webhookTimeScale: 0.001 });
    // A stand-in for the hub's inbound endpoint: refuses an event without a type, as the hub does.
    hub = createServer((request, response) => {
      let raw = '';
      request.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      request.on('end', () => {
        const body = JSON.parse(raw) as Record<string, unknown>;
        hubEvents.push({ contentType: request.headers['content-type'], body });
        response.writeHead(request.url === '/events' && typeof body.type === 'string' ? 202 : 400).end();
      });
    });
    await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
    const address = hub.address();
    hubUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    if (hub) await new Promise<void>((resolve) => hub.close(() => resolve()));
    await sandboxes?.closeAll();
  });

  it('plays a 2-second day and leaves orders, stock movements, shipments and customer edits in the systems', async () => {
    const planned = planRetailDay({ seed: 42, durationMs: 2_000, rate: 15, badDataShare: 0.1, burst: { at: 0.4, length: 0.2, multiplier: 3 }, outage: { at: 0.1, length: 0.05 } });
    // Make sure every kind appears at least once whatever the draw: a few fixed actions at the end.
    const extra: TrafficAction[] = [
      { kind: ActionKind.storefrontOrder, atMs: 1_900, sequence: 0, orderRef: 'WEB-FIXED-1', customerNumber: 'CUST-0001', locationCode: 'DC-EAST', lines: [{ sku: 'CANVAS-CAP-NVY', quantity: 2, unitPrice: '19.50' }] },
      { kind: ActionKind.shipmentMilestone, atMs: 1_950, sequence: 0, orderRef: 'WEB-FIXED-1', milestone: 'picked', carrier: 'UPS', trackingNumber: '1Z0000000000000001' },
      { kind: ActionKind.storefrontReturn, atMs: 1_960, sequence: 0, orderRef: 'WEB-FIXED-1', customerNumber: 'CUST-0001', reason: 'damaged', quantity: 1 },
      { kind: ActionKind.stockReceipt, atMs: 1_970, sequence: 0, sku: 'TRAIL-TEE-M-BLK', quantity: 48, locationCode: 'DC-EAST', reference: 'PO-9001' },
      { kind: ActionKind.customerEdit, atMs: 1_980, sequence: 0, system: 'netsuite', customerNumber: 'CUST-0002', changes: { phone: '+16145550999' } },
      { kind: ActionKind.customerEdit, atMs: 1_981, sequence: 0, system: 'salesforce', customerNumber: 'CUST-0003', changes: { city: 'Brooklyn' } },
      { kind: ActionKind.customerEdit, atMs: 1_982, sequence: 0, system: 'shopify', customerNumber: 'CUST-0001', changes: { note: 'VIP' } },
      { kind: ActionKind.b2bOrder, atMs: 1_990, sequence: 0, orderRef: 'B2B-FIXED-1', customerNumber: 'CUST-B2B-0001', locationCode: 'DC-EAST', lines: [{ sku: 'FLEECE-HOOD-L-GRY', quantity: 12, unitPrice: '68.00' }] },
      { kind: ActionKind.serviceReturnCase, atMs: 1_995, sequence: 0, orderRef: 'B2B-FIXED-1', customerNumber: 'CUST-B2B-0001', reason: 'wrong-item', quantity: 1 },
    ];
    const actions = [...planned, ...extra].map((action, sequence) => ({ ...action, sequence }));
    const executor = new TrafficExecutor({ directory: sandboxes.directory, hub: { url: hubUrl }, releaseOrdersToWarehouse: true });
    const summary = await playTraffic({ actions, executor });

    expect(summary.total).toBe(actions.length);
    expect(summary.notDispatched).toBe(0);
    const problems = JSON.stringify(summary.recentProblems);
    // Every fixed action succeeded.
    for (const kind of [ActionKind.storefrontOrder, ActionKind.b2bOrder, ActionKind.stockReceipt, ActionKind.customerEdit, ActionKind.storefrontReturn, ActionKind.serviceReturnCase]) {
      expect(summary.byKind[kind].ok, `${kind}: ${problems}`).toBeGreaterThan(0);
    }
    // Bad data is refused by the systems, not lost: rejected outcomes exist when bad data was planned.
    if (actions.some((a) => a.badData === 'unknown-sku' && a.kind === ActionKind.storefrontOrder)) {
      expect(summary.byKind[ActionKind.storefrontOrder].rejected).toBeGreaterThan(0);
    }

    const shopify = await stateOf(sandboxes.shopify.url);
    const orders = shopify.orders as { tags: string[] }[];
    // Placed orders are ok, or failed afterwards on the release to the WMS (throttled).
    expect(orders.length).toBeGreaterThanOrEqual(summary.byKind[ActionKind.storefrontOrder].ok);
    expect(orders.length).toBeLessThanOrEqual(summary.byKind[ActionKind.storefrontOrder].ok + summary.byKind[ActionKind.storefrontOrder].failed);
    expect((shopify.refunds as unknown[]).length).toBeGreaterThan(0);
    expect((shopify.customers as { note: string | null }[]).some((c) => c.note === 'VIP')).toBe(true);

    const wms = (await stateOf(sandboxes.wms.url)) as { fulfillmentOrders: { externalOrderId: string; status: string }[]; stock: { levels: { sku: string; onHand: number }[]; adjustments: { reason: string }[] } };
    expect(wms.fulfillmentOrders.find((o) => o.externalOrderId === 'WEB-FIXED-1')?.status).toBe('picked');
    expect(wms.fulfillmentOrders.some((o) => o.externalOrderId === 'B2B-FIXED-1')).toBe(true);
    // A receipt is ok when both WMS and ERP took it; during the ERP outage only the WMS has it.
    expect(wms.stock.adjustments.filter((a) => a.reason === 'receipt').length).toBeGreaterThanOrEqual(summary.byKind[ActionKind.stockReceipt].ok);

    const netsuite = (await stateOf(sandboxes.netsuite.url)) as { records: Record<string, { externalId?: string; fields: Record<string, unknown> }[]> };
    const adjustments = Object.entries(netsuite.records).filter(([type]) => type === 'inventoryAdjustment').flatMap(([, list]) => list);
    expect(adjustments.some((a) => a.fields.memo === 'Receipt PO-9001')).toBe(true);
    const customers = netsuite.records.customer ?? [];
    expect(customers.find((c) => c.externalId === 'CUST-0002')?.fields.phone).toBe('+16145550999');

    const salesforce = (await stateOf(sandboxes.salesforce.url)) as { records: Record<string, Record<string, unknown>[]> };
    expect((salesforce.records.Order ?? []).find((o) => o.External_Id__c === 'B2B-FIXED-1')?.Status).toBe('Activated');
    expect((salesforce.records.Case ?? []).some((c) => c.Reason === 'Wrong Item')).toBe(true);
    expect((salesforce.records.Account ?? []).find((a) => a.External_Id__c === 'CUST-0003')?.BillingCity).toBe('Brooklyn');

    // POS events arrive in structured mode; the malformed one (no type) is among them when planned.
    const captures = hubEvents.filter((e) => e.body.type === 'retail.payment.captured.v1');
    expect(hubEvents.length - captures.length).toBe(summary.byKind[ActionKind.storeOrder].ok + summary.byKind[ActionKind.storeOrder].rejected);
    // Each till payment taken is reported to the hub too (a later return is refunded against it).
    expect(captures.length).toBe(summary.byKind[ActionKind.paymentCapture].ok);
    expect(captures[0]?.body).toMatchObject({ data: { status: 'captured', processor: { name: 'stripe', reference: expect.stringMatching(/^pi_/) } } });
    expect(hubEvents.every((e) => e.contentType === 'application/cloudevents+json')).toBe(true);
    expect(summary.byKind[ActionKind.erpOutage].ok).toBe(1);
    const faults = (await (await fetch(`${sandboxes.netsuite.url}/__sandbox/faults`)).json()) as { downtime?: unknown[] };
    expect(faults.downtime).toHaveLength(1);
  });

  it('cancels storefront orders in Shopify, and skips a second cancellation of one with Shopify\'s refusal', async () => {
    const order = (orderRef: string): TrafficAction => ({
      kind: ActionKind.storefrontOrder, atMs: 0, sequence: 0, orderRef, customerNumber: 'CUST-0001', locationCode: 'DC-EAST', lines: [{ sku: 'CANVAS-CAP-NVY', quantity: 1, unitPrice: '19.50' }],
    });
    const cancel = (orderRef: string, atMs: number): TrafficAction => ({ kind: ActionKind.orderCancel, atMs, sequence: 0, orderRef });
    const actions = [order('WEB-CANCEL-1'), order('WEB-CANCEL-2'), cancel('WEB-CANCEL-1', 20), cancel('WEB-CANCEL-2', 20), cancel('WEB-CANCEL-2', 40)].map((action, sequence) => ({ ...action, sequence }));
    const results = new Map<number, ActionResult>();
    const executor = new TrafficExecutor({ directory: sandboxes.directory, runTag: 'cancel', onResult: (action, result) => results.set(action.sequence, result) });
    const summary = await playTraffic({ actions, executor });

    expect(summary.byKind[ActionKind.orderCancel], JSON.stringify([...results])).toEqual({ ok: 2, rejected: 0, failed: 0, skipped: 1 });
    expect(summary.errors).toBe(0);
    // The same order cancelled twice: Shopify refuses the second, as it does once the parcel has gone.
    expect(results.get(4)).toEqual({ outcome: 'skipped', system: 'shopify', detail: 'Shopify refused the cancellation: Order has already been cancelled.' });
    const shopify = (await stateOf(sandboxes.shopify.url)) as { orders: { note: string | null; cancelledAt: string | null; cancelReason: string | null }[] };
    for (const orderRef of ['WEB-CANCEL-1', 'WEB-CANCEL-2']) {
      const placed = shopify.orders.find((o) => o.note === `Order ${orderRef}-cancel`);
      expect(placed?.cancelledAt, orderRef).toEqual(expect.any(String));
      expect(placed?.cancelReason).toBe('CUSTOMER');
    }
  });

  it('replays the sample order history: orders placed, shipped and delivered in the WMS, returns refunded', async () => {
    const { rows, problems } = readOrderHistory(readFileSync(new URL('./samples/order-history.csv', import.meta.url), 'utf8'));
    expect(problems).toEqual([]);
    const executor = new TrafficExecutor({ directory: sandboxes.directory, hub: { url: hubUrl }, releaseOrdersToWarehouse: true, runTag: 'replay' });
    const summary = await playTraffic({ actions: replayOrderHistory(rows, { durationMs: 1_000 }), executor });
    expect(summary.errors, JSON.stringify(summary.recentProblems)).toBe(0);
    const wms = (await stateOf(sandboxes.wms.url)) as { fulfillmentOrders: { externalOrderId: string; status: string; shipments: { carrier: string; trackingNumber: string }[] }[] };
    const shipped = wms.fulfillmentOrders.find((o) => o.externalOrderId === 'WEB-210001-replay');
    expect(shipped?.status).toBe('delivered');
    expect(shipped?.shipments[0]).toMatchObject({ carrier: 'UPS', trackingNumber: '1Z999AA10123456784' });
    expect(wms.fulfillmentOrders.find((o) => o.externalOrderId === 'WEB-210004-replay')?.status).toBe('received');
    const payments = (await stateOf(sandboxes.payments.url)) as Record<string, unknown[]>;
    expect(JSON.stringify(payments)).toContain('POS-310001-replay');
    expect(summary.byKind[ActionKind.storefrontReturn].ok).toBe(2);
  });
});
