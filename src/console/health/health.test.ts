import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../../adapters/sqlite/index.ts';
import type { CloudEvent } from '../../canonical/cloudevent.ts';
import type { QuotaReport } from '../../connectors/connector.ts';
import { eventually } from '../../ports/conformance/harness.ts';
import type { NewDeliveryItem } from '../../ports/storage.ts';
import type { DeliveryEngineOptions } from '../../runtime/delivery/engine.ts';
import type { DeliveryTarget } from '../../runtime/delivery/target.ts';
import { TransientError } from '../../runtime/errors.ts';
import { defineFlow, type FlowDefinition } from '../../runtime/flows/definition.ts';
import { Hub } from '../../runtime/hub.ts';
import { RecordingTarget } from '../../runtime/testing/recording-target.ts';
import { MetricsSampler } from '../metrics/sampler.ts';
import { consolePlugin } from '../plugin.ts';
import { consoleGet, loginAs, testUsers } from '../testing.ts';
import type { Health } from './health.ts';

interface HealthConsole {
  hub: Hub;
  adapters: EmbeddedAdapters;
  health(): Promise<Health>;
  target(name: string): Promise<Health['targets'][number]>;
}

let app: FastifyInstance | undefined;
let hub: Hub | undefined;
let adapters: EmbeddedAdapters | undefined;

afterEach(async () => {
  await app?.close();
  await hub?.stop();
  await adapters?.close();
  app = hub = adapters = undefined;
});

/** A real embedded hub (SQLite in memory) with the console on it, read through its HTTP API. */
async function startHealthConsole(options: {
  targets: DeliveryTarget[];
  flows?: FlowDefinition[];
  delivery?: Omit<Partial<DeliveryEngineOptions>, 'storage' | 'targets'>;
  clock?: () => number;
}): Promise<HealthConsole> {
  adapters = await openSqlite({ path: ':memory:' });
  hub = new Hub({ bus: adapters.bus, storage: adapters.storage, targets: options.targets, flows: options.flows ?? [], soleWorker: true, delivery: { idlePollMs: 10, ...options.delivery } });
  await hub.start();
  app = Fastify({ logger: false });
  await app.register(consolePlugin, {
    hub,
    users: await testUsers(),
    cookieSecret: 'test-secret-test-secret-test-secret-0123',
    metrics: new MetricsSampler(hub, { intervalMs: 60_000 }),
    ...(options.clock && { clock: options.clock }),
  });
  await app.ready();
  const session = await loginAs(app, 'operator');
  const console: HealthConsole = {
    hub,
    adapters,
    async health() {
      const response = await consoleGet(app!, session, '/api/console/health');
      expect(response.statusCode).toBe(200);
      return response.json<Health>();
    },
    async target(name) {
      const found = (await console.health()).targets.find((target) => target.target === name);
      if (!found) throw new Error(`no target ${name} on the Health page`);
      return found;
    },
  };
  return console;
}

const event = (type: string, subject: string, data: unknown): CloudEvent => ({ specversion: '1.0', id: `${type}:${subject}`, source: 'crossdock://test', type, subject, data });
const order = (key: string, extra: Partial<NewDeliveryItem> = {}): NewDeliveryItem => ({ target: 'erp', kind: 'command', key, operation: 'bookOrder', payload: {}, idempotencyKey: `book:${key}`, ...extra });

describe('Health API: quota per target', () => {
  it("shows the connector's own figure, warning from 80 % and critical from 95 %, else the budget window", async () => {
    let dailyUsed = 79_000;
    // A Salesforce-like connector: the figure comes from the org's Sforce-Limit-Info header.
    const crm = Object.assign(new RecordingTarget('crm', { maxBatchSize: 200, concurrency: 10, requests: { limit: 90_000, windowMs: 24 * 3_600_000 } }), {
      quota: (): QuotaReport => ({ name: 'DailyApiRequests', used: dailyUsed, limit: 100_000, source: 'Sforce-Limit-Info response header' }),
    });
    const erp = new RecordingTarget('erp', { maxBatchSize: 1, concurrency: 2, requests: { limit: 1_000, windowMs: 60_000 } });
    const commerce = Object.assign(new RecordingTarget('commerce', { maxBatchSize: 50, concurrency: 2, requests: { limit: 400, windowMs: 3_600_000 } }), {
      quota: (): QuotaReport => {
        throw new Error('no answer from Shopify yet');
      },
    });
    const wms = new RecordingTarget('wms', { maxBatchSize: 10, concurrency: 4 });
    const health = await startHealthConsole({ targets: [crm, erp, commerce, wms] });

    expect((await health.target('crm')).quota).toEqual({
      name: 'DailyApiRequests',
      used: 79_000,
      limit: 100_000,
      percent: 79,
      status: 'ok',
      source: 'Sforce-Limit-Info response header',
      origin: 'connector',
    });
    for (const [used, percent, status] of [
      [80_000, 80, 'warning'],
      [94_999, 95, 'warning'],
      [95_000, 95, 'critical'],
      [100_400, 100.4, 'critical'],
    ] as const) {
      dailyUsed = used;
      expect((await health.target('crm')).quota).toMatchObject({ used, percent, status, origin: 'connector' });
    }

    // No report of its own: the hub's request window, which counts the requests it made.
    await health.hub.delivery.enqueue([order('SO-1'), order('SO-2'), order('SO-3')]);
    await eventually(() => erp.effects.size === 3, 'three orders booked');
    expect((await health.target('erp')).quota).toEqual({
      name: 'requests per 1 min',
      used: 3,
      limit: 1_000,
      percent: 0.3,
      status: 'ok',
      source: "the hub's delivery budget: requests in its rolling window",
      origin: 'budget',
    });
    // A report that fails falls back to the window and says why.
    expect((await health.target('commerce')).quota).toMatchObject({
      name: 'requests per 1 h',
      limit: 400,
      origin: 'budget',
      source: "the hub's delivery budget: requests in its rolling window (the connector's report failed: no answer from Shopify yet)",
    });
    // Neither a report nor a request window: nothing to show.
    expect((await health.target('wms')).quota).toBeNull();
  });
});

describe('Health API: circuit per target', () => {
  it('shows the circuit open since the failures opened it, and closed since the target recovered', async () => {
    let now = 1_750_000_000_000;
    let down = true;
    const erp = new RecordingTarget('erp', { maxBatchSize: 1, concurrency: 1 }, () => {
      if (down) throw new TransientError('HTTP 503 from NetSuite', { system: 'netsuite' });
    });
    const health = await startHealthConsole({
      targets: [erp],
      clock: () => now,
      delivery: { circuit: { consecutiveFailures: 2, halfOpenAfterMs: 100 }, retry: { maxAttempts: 1_000, initialDelayMs: 5, maxDelayMs: 20 } },
    });
    expect(await health.target('erp')).toMatchObject({ circuit: 'closed', circuitSince: null });

    const openedAt = now;
    await health.hub.delivery.enqueue([order('SO-1'), order('SO-2')]);
    const open = await eventually(async () => {
      const target = await health.target('erp');
      return target.circuit === 'open' ? target : undefined;
    }, 'the circuit to open after two failures');
    expect(open.circuitSince).toBe(openedAt);

    now += 5 * 60_000;
    down = false;
    const closed = await eventually(async () => {
      const target = await health.target('erp');
      return target.circuit === 'closed' ? target : undefined;
    }, 'the circuit to close once a trial request succeeds');
    expect(closed.circuitSince).toBe(now);
    await eventually(() => erp.effects.size === 2, 'both orders delivered after the recovery');
  });
});

describe('Health API: data freshness', () => {
  it('tells per flow when it last handled an event and when its last delivery landed, and per target the oldest waiting item', async () => {
    const erp = new RecordingTarget('erp', { maxBatchSize: 1, concurrency: 2 });
    const commerce = new RecordingTarget('commerce', { maxBatchSize: 50, concurrency: 2 });
    const orderCapture = defineFlow({
      name: 'order-capture',
      startsOn: ['retail.order.placed.v1'],
      instanceId: (event) => `order-capture:${event.subject}`,
      async run(ctx, event) {
        await ctx.deliver('book', { target: 'erp', kind: 'command', key: event.subject!, operation: 'bookOrder', payload: event.data });
      },
    });
    // Stateless, like inventory sync: it keeps no instances, only its deliveries tell.
    const inventorySync = defineFlow({
      name: 'inventory-sync',
      durable: false,
      startsOn: ['retail.inventory.level-changed.v1'],
      async run(ctx, event) {
        await ctx.deliver('publish', { target: 'commerce', kind: 'state', key: event.subject!, operation: 'setInventoryLevel', payload: event.data, version: 1 });
      },
    });
    const returns = defineFlow({ name: 'returns', startsOn: ['retail.return.requested.v1'], async run() {} });
    let now = Date.now();
    const health = await startHealthConsole({ targets: [erp, commerce], flows: [orderCapture, inventorySync, returns], clock: () => now });
    expect((await health.health()).freshness.flows).toEqual([
      { flow: 'inventory-sync', lastHandledAt: null, lastHandledAgeMs: null, lastDeliveredAt: null, lastDeliveredAgeMs: null },
      { flow: 'order-capture', lastHandledAt: null, lastHandledAgeMs: null, lastDeliveredAt: null, lastDeliveredAgeMs: null },
      { flow: 'returns', lastHandledAt: null, lastHandledAgeMs: null, lastDeliveredAt: null, lastDeliveredAgeMs: null },
    ]);

    await health.adapters.bus.publish([
      event('retail.order.placed.v1', 'SO-1', { orderNumber: 'SO-1' }),
      event('retail.inventory.level-changed.v1', 'TEE-M@STORE-1', { available: 7 }),
    ]);
    await eventually(() => erp.effects.size === 1 && commerce.effects.size === 1, 'the order booked and the level published');
    const [booked] = await eventually(async () => {
      const items = await health.adapters.storage.delivery.find({ key: 'SO-1' });
      return items[0]?.status === 'delivered' ? items : undefined;
    }, 'SO-1 recorded as delivered');
    const [published] = await eventually(async () => {
      const items = await health.adapters.storage.delivery.find({ key: 'TEE-M@STORE-1' });
      return items[0]?.status === 'delivered' ? items : undefined;
    }, 'the level recorded as delivered');
    const instance = await health.adapters.storage.flows.get('order-capture:SO-1');
    // A backlog: an order that may not go before tomorrow.
    await health.hub.delivery.enqueue([order('SO-2', { availableAt: Date.now() + 86_400_000 })]);
    const [waiting] = await health.adapters.storage.delivery.find({ key: 'SO-2' });

    now = Date.now() + 90_000;
    const result = await health.health();
    const orderHandledAt = Math.max(instance!.updatedAt, booked!.enqueuedAt);
    expect(result.freshness.flows).toEqual([
      {
        flow: 'inventory-sync',
        lastHandledAt: published!.enqueuedAt,
        lastHandledAgeMs: now - published!.enqueuedAt,
        lastDeliveredAt: published!.deliveredAt,
        lastDeliveredAgeMs: now - published!.deliveredAt!,
      },
      { flow: 'order-capture', lastHandledAt: orderHandledAt, lastHandledAgeMs: now - orderHandledAt, lastDeliveredAt: booked!.deliveredAt, lastDeliveredAgeMs: now - booked!.deliveredAt! },
      { flow: 'returns', lastHandledAt: null, lastHandledAgeMs: null, lastDeliveredAt: null, lastDeliveredAgeMs: null },
    ]);
    expect(result.targets.find((target) => target.target === 'erp')!.queue).toEqual({ pending: 1, inFlight: 0, dead: 0, oldestPendingAgeMs: now - waiting!.enqueuedAt });
    expect(result.targets.find((target) => target.target === 'commerce')!.queue.oldestPendingAgeMs).toBeNull();
  });
});

describe('Health API: business panels first', () => {
  it('orders the panels by business area: orders, shipments, returns, inventory, customers, then others', async () => {
    const panel = (id: string, area: string) => ({ id, title: id, area, evaluate: async () => ({ status: 'ok' as const, value: 0, summary: 'fine' }) });
    adapters = await openSqlite({ path: ':memory:' });
    hub = new Hub({ bus: adapters.bus, storage: adapters.storage, targets: [], flows: [], soleWorker: true });
    app = Fastify({ logger: false });
    await app.register(consolePlugin, {
      hub,
      users: await testUsers(),
      cookieSecret: 'test-secret-test-secret-test-secret-0123',
      metrics: new MetricsSampler(hub, { intervalMs: 60_000 }),
      healthPanels: [panel('customers-a', 'customers'), panel('billing-a', 'billing'), panel('inventory-a', 'inventory'), panel('orders-a', 'orders'), panel('returns-a', 'returns'), panel('orders-b', 'orders'), panel('shipments-a', 'shipments'), panel('assortment-a', 'assortment')],
    });
    const session = await loginAs(app, 'viewer');
    const result = (await consoleGet(app, session, '/api/console/health')).json<Health>();
    expect(result.panels.map((entry) => entry.id)).toEqual(['orders-a', 'orders-b', 'shipments-a', 'returns-a', 'inventory-a', 'customers-a', 'assortment-a', 'billing-a']);
  });
});
