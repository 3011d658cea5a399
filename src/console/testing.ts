import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { openSqlite, type EmbeddedAdapters } from '../adapters/sqlite/index.ts';
import { createRetailEvent } from '../canonical/events/create-event.ts';
import type { QuotaReport } from '../connectors/connector.ts';
import { sampleOrder } from '../canonical/fixtures.ts';
import type { Order } from '../canonical/order.ts';
import type { Storage } from '../ports/storage.ts';
import { PermanentError } from '../runtime/errors.ts';
import { defineFlow } from '../runtime/flows/definition.ts';
import { Hub } from '../runtime/hub.ts';
import { RecordingTarget } from '../runtime/testing/recording-target.ts';
import { hashConsolePassword } from './auth/passwords.ts';
import type { ConsoleUser } from './auth/roles.ts';
import { HealthPanelRegistry, waitingPastSlaPanel } from './health/panels.ts';
import { MetricsSampler } from './metrics/sampler.ts';
import { consolePlugin } from './plugin.ts';

/** Test users: the password is the user name + "-pw". Cheap scrypt cost: tests only. */
export async function testUsers(): Promise<ConsoleUser[]> {
  const cost = { N: 1024, r: 8, p: 1 };
  return Promise.all((['admin', 'operator', 'viewer'] as const).map(async (role) => ({ name: role, role, passwordHash: await hashConsolePassword(`${role}-pw`, cost) })));
}

export interface ConsoleFixture {
  app: FastifyInstance;
  hub: Hub;
  adapters: EmbeddedAdapters;
  erp: RecordingTarget;
  /** Orders the fake NetSuite refuses (missing customer name) until removed from the set. */
  brokenOrders: Set<string>;
  /** SKUs the fake NetSuite does not know: an order with one of them is refused until its payload is corrected. */
  unknownSkus: Set<string>;
  /** Publishes an order-placed event (with a W3C `traceparent` when given); the order-capture flow books it in the ERP. */
  placeOrder(orderNumber: string, correlationId?: string, overrides?: Partial<Order>, traceparent?: string): Promise<void>;
  /** Closes the chart sampler's current interval now (its timer is set to a minute). */
  sampleMetrics(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A console on a real embedded hub: SQLite in memory, an `order-capture` flow booking orders in
 * an `erp` target that refuses the orders in `brokenOrders` the way NetSuite refuses a record
 * without a required field, and the three test users. With `erpQuota` the `erp` target reports
 * its system's quota the way a connector does (`Connector.quota`).
 */
export async function startConsoleFixture(options: { startHub?: boolean; panelSlaMs?: number; erpQuota?: () => QuotaReport; traceLink?: string } = {}): Promise<ConsoleFixture> {
  const adapters = await openSqlite({ path: ':memory:' });
  const brokenOrders = new Set<string>();
  const unknownSkus = new Set<string>();
  const erp = new RecordingTarget('erp', { maxBatchSize: 1, concurrency: 2, requests: { limit: 1_000, windowMs: 60_000 } }, (batch) =>
    batch.map((item) => {
      if (brokenOrders.has(item.key)) {
        return { ok: false as const, error: new PermanentError('Please enter value(s) for: Customer Name', { code: 'USER_ERROR', field: 'entity.companyName', system: 'netsuite' }) };
      }
      const unknown = (item.payload as Partial<Order>).lines?.find((line) => unknownSkus.has(line.sku));
      if (unknown) {
        return { ok: false as const, error: new PermanentError(`Invalid item reference key ${unknown.sku}.`, { code: 'INVALID_KEY_OR_REF', field: 'item', system: 'netsuite' }) };
      }
      return { ok: true as const, externalId: `SO-${item.id + 77_000}` };
    }),
  );
  // A connector reports its system's own quota figure (NetSuite: its concurrency slots).
  if (options.erpQuota) Object.assign(erp, { quota: options.erpQuota });
  const orderCapture = defineFlow({
    name: 'order-capture',
    startsOn: ['retail.order.placed.v1'],
    instanceId: (event) => `order-capture:${event.subject}`,
    async run(ctx, event) {
      const order = event.data as Order;
      await ctx.deliver('book', {
        target: 'erp',
        kind: 'command',
        key: order.orderNumber,
        operation: 'bookOrder',
        payload: order,
        context: { entity: 'order', businessKey: order.orderNumber, operation: 'bookOrder', customerName: order.customer?.name, amount: order.totals?.grandTotal },
      });
    },
  });
  const hub = new Hub({ bus: adapters.bus, storage: adapters.storage, targets: [erp], flows: [orderCapture], soleWorker: true, delivery: { idlePollMs: 10 } });
  if (options.startHub !== false) await hub.start();
  const panels = new HealthPanelRegistry([
    waitingPastSlaPanel({ id: 'orders-awaiting-erp-booking', title: 'Orders awaiting ERP booking', area: 'orders', flow: 'order-capture', step: 'booked', slaMs: options.panelSlaMs ?? 15 * 60_000, noun: ['order', 'orders'], waitingFor: 'ERP booking' }),
  ]);
  const sampler = new MetricsSampler(hub, { intervalMs: 60_000 });
  const app = Fastify({ logger: false });
  await app.register(consolePlugin, {
    hub,
    users: await testUsers(),
    cookieSecret: 'test-secret-test-secret-test-secret-0123',
    healthPanels: panels,
    metrics: sampler,
    ...(options.traceLink !== undefined && { traceLink: options.traceLink }),
  });
  await app.ready();
  return {
    app,
    hub,
    adapters,
    erp,
    brokenOrders,
    unknownSkus,
    async placeOrder(orderNumber, correlationId, overrides, traceparent) {
      const order = sampleOrder({ ...overrides, orderNumber });
      const event = createRetailEvent({ type: 'retail.order.placed.v1', data: order, source: 'crossdock://connectors/shopify', ...(correlationId && { correlationId }), ...(traceparent && { traceparent }) });
      await adapters.bus.publish([event]);
    },
    async sampleMetrics() {
      await sampler.sample();
    },
    async close() {
      await app.close();
      await hub.stop();
      await adapters.close();
    },
  };
}

/**
 * Records `count` delivery dead letters straight through the storage port (enqueue, claim,
 * dead-letter), as the delivery engine does: fast enough for thousands.
 */
export async function seedDeadLetters(
  storage: Storage,
  options: { count: number; target?: string; keyPrefix?: string; errorCode?: (index: number) => string; now?: number },
): Promise<number[]> {
  const target = options.target ?? 'erp';
  const prefix = options.keyPrefix ?? 'SO-';
  const now = options.now ?? Date.now();
  await storage.delivery.enqueue(
    Array.from({ length: options.count }, (_, index) => ({
      target,
      kind: 'command' as const,
      key: `${prefix}${10_000 + index}`,
      operation: 'bookOrder',
      payload: { orderNumber: `${prefix}${10_000 + index}`, customer: { name: 'Jane Doe', email: 'jane.doe@example.com' } },
      idempotencyKey: `seed:${prefix}${index}`,
      context: { entity: 'order', businessKey: `${prefix}${10_000 + index}`, operation: 'bookOrder', customerName: 'Jane Doe' },
      correlationId: `corr-${prefix}${index}`,
      availableAt: now - 1,
    })),
  );
  const ids: number[] = [];
  let index = 0;
  for (;;) {
    const claimed = await storage.delivery.claim(target, { limit: 500, now, leaseMs: 60_000 });
    if (claimed.length === 0) break;
    const recorded = await Promise.all(
      claimed.map((item) => {
        const code = options.errorCode?.(index++) ?? 'REQUIRED_FIELD_MISSING';
        return storage.delivery.deadLetter(item.id, { error: { type: 'PermanentError', message: `${code} on ${item.key} for jane.doe@example.com`, retryable: false, code, field: 'Name', system: 'netsuite' }, now });
      }),
    );
    ids.push(...recorded);
  }
  return ids.sort((a, b) => a - b);
}

/** A logged-in console session for API tests: the cookie and the CSRF token its POSTs need. */
export interface TestSession {
  cookie: string;
  csrf: string;
}

/** Logs a test user in (password: user name + "-pw"). */
export async function loginAs(app: FastifyInstance, user: string): Promise<TestSession> {
  const response = await app.inject({ method: 'POST', url: '/api/console/login', payload: { user, password: `${user}-pw` } });
  const cookie = response.cookies.find((entry) => entry.name === 'crossdock_console');
  if (response.statusCode !== 200 || !cookie) throw new Error(`login as ${user} failed with HTTP ${response.statusCode}: ${response.body}`);
  return { cookie: `crossdock_console=${cookie.value}`, csrf: response.json<{ csrfToken: string }>().csrfToken };
}

export function consoleGet(app: FastifyInstance, session: TestSession, url: string): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'GET', url, headers: { cookie: session.cookie } });
}

export function consolePost(app: FastifyInstance, session: TestSession, url: string, payload: unknown): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url, payload: payload as object, headers: { cookie: session.cookie, 'x-crossdock-csrf': session.csrf } });
}
