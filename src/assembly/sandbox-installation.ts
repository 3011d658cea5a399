import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { freePort } from './free-port.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite, type EmbeddedAdapters } from '../adapters/sqlite/index.ts';
import { initialLoadEvents } from './initial-load.ts';
import { assembleRetailHub, type RetailHub } from './retail-hub.ts';
import { RETAIL_ROLES, sandboxSystems, type RetailRole } from './sandbox-systems.ts';
import type { CloudEvent } from '../canonical/cloudevent.ts';
import type { Connector } from '../connectors/connector.ts';
import { createConnectorFromConfig } from '../connectors/registry.ts';
import { demoConsoleUsers, type ConsoleUser } from '../console/index.ts';
import type { HubOptions } from '../runtime/hub.ts';
import { startAllSandboxes, type RunningSandboxes, type StartAllSandboxesOptions } from '../sandboxes/run-all.ts';
import type { RetailFlowDependencies, RetailFlowModule } from '../flows/module.ts';
import { createOwnership } from '../flows/ownership.ts';
import { flowSettings } from '../flows/settings.ts';

/**
 * Shopify topics the hub subscribes to. Not fulfillments or inventory: the hub writes those; of
 * the returns topics only a customer's request (approve, decline and close are the hub's answers).
 */
export const SHOPIFY_TOPICS = ['ORDERS_CREATE', 'ORDERS_CANCELLED', 'CUSTOMERS_CREATE', 'CUSTOMERS_UPDATE', 'REFUNDS_CREATE', 'RETURNS_REQUEST'] as const;
export const WMS_TOPICS = [
  'fulfillment_order.picked',
  'fulfillment_order.packed',
  'fulfillment_order.shipped',
  'fulfillment_order.delivered',
  'fulfillment_order.exception',
  'return_receipt.received',
  'stock.adjusted',
] as const;

export interface SandboxInstallationOptions {
  /** The flow modules under test, built from the world's dependencies. */
  modules(deps: RetailFlowDependencies): RetailFlowModule[];
  /** The `flows:` settings (defaults filled in). */
  settings?: unknown;
  /** The `ownership:` rules (defaults from src/flows/ownership.ts). */
  ownership?: Record<string, string>;
  sandboxes?: StartAllSandboxesOptions;
  /** How often the NetSuite and Salesforce pollers run; default 1 s. */
  pollEveryMs?: number;
  /** Publish the ERP's day-one state (products, prices, stock, customers) first; default true. */
  initialLoad?: boolean;
  /** Retry and circuit settings; default the runtime's. */
  delivery?: HubOptions['delivery'];
  /** An existing database file (to restart on the same data); default a fresh temp file, removed on close. */
  databasePath?: string;
  /** Keep the temporary database folder on close (to inspect it with `crossdock dlq` / `trace`). */
  keepDatabase?: boolean;
  /** The hub's preferred port; when it is taken (or 0, the default), any free one. */
  port?: number;
  /** Who may log in to the console; default the demo users (admin / operator / viewer). */
  consoleUsers?: readonly ConsoleUser[];
  logger?: FastifyBaseLogger;
}

/**
 * A retail installation on the sandboxes (the demo, and the flows' end-to-end tests): the five
 * sandboxes, the five built-in connectors configured against them exactly as a user would
 * (credentials, webhook subscriptions pointing at the hub), the hub on a SQLite file with the
 * flow modules under test, and the HTTP server with webhooks and the console.
 *
 * @example
 * const world = await startSandboxInstallation({ modules: (deps) => [createOrderCapture(deps)] });
 * world.sandboxes.shopify.placeOrder({ ... });
 * await world.quiet();
 * expect(world.sandboxes.netsuite.records.list('salesOrder')).toHaveLength(1);
 * await world.close();
 */
export interface SandboxInstallation {
  sandboxes: RunningSandboxes;
  adapters: EmbeddedAdapters;
  retail: RetailHub;
  deps: RetailFlowDependencies;
  connectors: Record<RetailRole, Connector>;
  /** The hub's base URL (webhooks at `/webhooks/<role>`, events at `/events`). */
  baseUrl: string;
  databasePath: string;
  publish(events: readonly CloudEvent[]): Promise<void>;
  /** Runs every poller once now (instead of waiting for its schedule). */
  pollNow(): Promise<void>;
  /**
   * Waits until nothing moves: sandbox webhooks delivered, pollers find nothing new, the flows
   * have read the whole log and no delivery is queued or in flight. Throws on timeout.
   */
  quiet(options?: QuietOptions): Promise<void>;
  /** Stops the hub (work in progress finishes) and closes the database; sandboxes keep running. */
  stopHub(): Promise<void>;
  /**
   * Stops the hub and starts a new one on the same database, sandboxes and port: what a
   * restart after a crash looks like to the flows (they resume from their journals).
   */
  restartHub(): Promise<void>;
  close(): Promise<void>;
}

export async function startSandboxInstallation(options: SandboxInstallationOptions): Promise<SandboxInstallation> {
  const sandboxes = await startAllSandboxes(options.sandboxes);
  const folder = options.databasePath ? undefined : mkdtempSync(join(tmpdir(), 'crossdock-'));
  const databasePath = options.databasePath ?? join(folder!, 'hub.sqlite');
  let current: { adapters: EmbeddedAdapters; retail: RetailHub; deps: RetailFlowDependencies; stopped: boolean } | undefined;
  let connectorList: Connector[] = [];
  const stopHub = async () => {
    if (!current || current.stopped) return;
    current.stopped = true;
    await current.retail.server.close();
    await current.retail.hub.stop();
    await current.adapters.close();
  };
  try {
    // The sandboxes' webhook subscriptions need the hub's real port before it listens.
    const port = await freePort(options.port ?? 0);
    const baseUrl = `http://127.0.0.1:${port}`;
    const { directory } = sandboxes;
    await subscribeShopify(directory.shopify, `${baseUrl}/webhooks/commerce`);
    const wmsWebhookSecret = await subscribeWms(directory.wms, `${baseUrl}/webhooks/wms`);
    const systems = sandboxSystems(directory, { wmsWebhookSecret, ...(options.pollEveryMs !== undefined && { pollEveryMs: options.pollEveryMs }) });
    connectorList = await Promise.all(RETAIL_ROLES.map((role) => createConnectorFromConfig(role, systems[role])));
    const connectors = Object.fromEntries(connectorList.map((connector) => [connector.name, connector])) as Record<RetailRole, Connector>;
    const consoleUsers = options.consoleUsers ?? (await demoConsoleUsers());

    /** Opens the database and starts a hub on it: at start, and again on a restart. */
    const bootHub = async () => {
      const adapters = await openSqlite({ path: databasePath });
      const deps: RetailFlowDependencies = {
        records: adapters.storage.records,
        settings: flowSettings(options.settings ?? {}),
        ownership: createOwnership(options.ownership),
        systems: Object.fromEntries(RETAIL_ROLES.map((role) => [role, systems[role].connector])),
        clock: Date.now,
        deadLetters: adapters.storage.deadLetters,
        deliveries: adapters.storage.delivery,
      };
      const retail = await assembleRetailHub({
        bus: adapters.bus,
        storage: adapters.storage,
        connectors: connectorList,
        modules: options.modules(deps),
        soleWorker: true,
        ...(options.delivery && { delivery: options.delivery }),
        console: { users: consoleUsers, cookieSecret: randomBytes(32).toString('hex') },
        ...(options.logger && { logger: options.logger }),
      });
      current = { adapters, retail, deps, stopped: false };
      await retail.hub.start();
      await retail.server.listen({ host: '127.0.0.1', port });
    };
    await bootHub();
    if (options.initialLoad !== false) await current!.adapters.bus.publish(initialLoadEvents(directory.catalogue));

    const pollNow = async () => {
      const signal = new AbortController().signal;
      for (const job of current!.retail.pollerJobs) await job.run({ dueAt: Date.now(), signal });
    };
    return {
      sandboxes,
      get adapters() {
        return current!.adapters;
      },
      get retail() {
        return current!.retail;
      },
      get deps() {
        return current!.deps;
      },
      connectors,
      baseUrl,
      databasePath,
      publish: async (events) => {
        await current!.adapters.bus.publish(events);
      },
      pollNow,
      quiet: (quietOptions = {}) => waitUntilQuiet({ sandboxes, adapters: current!.adapters, pollNow }, quietOptions.timeoutMs ?? 30_000, quietOptions.signal, quietOptions.erpSettleMs),
      stopHub,
      restartHub: async () => {
        await stopHub();
        await bootHub();
      },
      close: async () => {
        await stopHub();
        await Promise.all(connectorList.map((connector) => connector.close?.()));
        await sandboxes.closeAll();
        if (folder && !options.keepDatabase) rmSync(folder, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopHub();
    await sandboxes.closeAll();
    if (folder) rmSync(folder, { recursive: true, force: true });
    throw error;
  }
}

export interface QuietOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Also wait until the newest change in the NetSuite sandbox is this old: its delta pollers read
   * a change only once it has settled (5 s, stamps in whole seconds, plus a poll interval), so a
   * hub quiet before then has simply not been told yet. The demo's report sets it; tests that
   * wait for a poller's result with `pollNow` leave it out.
   */
  erpSettleMs?: number;
}

/** Longest wait per round for the sandboxes' webhook deliveries. */
const WEBHOOK_DRAIN_MS = 1_000;

/**
 * A flow timer due within this is work to come, not quiet: flows re-check a pending command
 * after a durable pause of up to a minute (`returns.outcomeCheckMaxSeconds`), and look again for
 * an order whose events are on their way. Timers further out (an order's booking SLA, an RMA's
 * expiry) are a business wait, not unfinished work.
 */
export const FLOW_TIMER_HORIZON_MS = 65_000;

async function waitUntilQuiet(
  world: { sandboxes: RunningSandboxes; adapters: EmbeddedAdapters; pollNow(): Promise<void> },
  timeoutMs: number,
  signal?: AbortSignal,
  erpSettleMs = 0,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const { bus, storage } = world.adapters;
  let calmRounds = 0;
  let lastHead = -1;
  let lastDelivered = -1;
  for (;;) {
    // A webhook the hub refused waits for its retry on the system's own schedule (hours, for
    // Shopify): give deliveries under way a moment, but a scheduled retry is not "moving".
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([world.sandboxes.shopify.webhooks.emitter.drain(), world.sandboxes.wms.webhooks.drain()]),
      new Promise((resolve) => (timer = setTimeout(resolve, Math.min(WEBHOOK_DRAIN_MS, Math.max(0, deadline - Date.now()))))),
    ]);
    clearTimeout(timer);
    await world.pollNow();
    const [head, position, stats, nextTimer] = await Promise.all([bus.head(), bus.position('flows'), storage.delivery.stats(), storage.timers.nextFireAt()]);
    const timerSoon = nextTimer !== undefined && nextTimer < Date.now() + FLOW_TIMER_HORIZON_MS;
    const busy = stats.reduce((sum, target) => sum + target.pending + target.inFlight, 0);
    const delivered = stats.reduce((sum, target) => sum + target.delivered, 0);
    // Quiet twice in a row with nothing new: a delivery that finished may have made a
    // sandbox emit a webhook or a poller find a change, which the next round catches.
    if (head === position && busy === 0 && !timerSoon && head === lastHead && delivered === lastDelivered) {
      if (++calmRounds >= 2) {
        const settledAt = world.sandboxes.netsuite.records.store.lastChangedAt() + erpSettleMs;
        if (Date.now() >= settledAt) return;
        // An ERP change the pollers cannot read yet: wait it out, then look again.
        calmRounds = 0;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(0, Math.min(settledAt, deadline) - Date.now()));
          signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
        });
      }
    } else {
      calmRounds = 0;
    }
    lastHead = head;
    lastDelivered = delivered;
    if (signal?.aborted) throw new Error('stopped while waiting for the hub to go quiet');
    if (Date.now() > deadline) {
      const soonest = timerSoon ? await storage.timers.upcoming(3) : [];
      const timer = soonest
        .map((next) => `, flow timer ${next.flowId}/${next.step} due at ${new Date(next.fireAt).toISOString()}${next.leaseUntil !== null ? ` (claimed until ${new Date(next.leaseUntil).toISOString()})` : ''}`)
        .join('');
      // Name what is left, so a stuck item is found from the message alone.
      const unfinished = (await storage.delivery.unfinishedOlderThan({ enqueuedBefore: Date.now() + 1, limit: 3 }))
        .map((item) => `${item.target} ${item.operation} ${item.key} (${item.status}, ${item.attempts} attempts${item.lastError ? `, last error: ${item.lastError.message.slice(0, 200)}` : ''})`)
        .join('; ');
      throw new Error(
        `the world did not go quiet within ${timeoutMs} ms: log head ${head}, flows at ${position}, ${busy} deliveries queued or in flight${unfinished ? ` (${unfinished})` : ''}${timer}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Subscribes the hub (`uri` = its `/webhooks/commerce`) to the Shopify topics it consumes. */
export async function subscribeShopify(shopify: RunningSandboxes['directory']['shopify'], uri: string): Promise<void> {
  for (const topic of SHOPIFY_TOPICS) {
    const response = await fetch(`${shopify.url}/admin/api/${shopify.apiVersion}/graphql.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-access-token': shopify.accessToken },
      body: JSON.stringify({
        query: `mutation($topic: WebhookSubscriptionTopic!, $sub: WebhookSubscriptionInput!) {
          webhookSubscriptionCreate(topic: $topic, webhookSubscription: $sub) { userErrors { field message } } }`,
        variables: { topic, sub: { uri, format: 'JSON' } },
      }),
    });
    const body = (await response.json()) as { data?: { webhookSubscriptionCreate?: { userErrors: unknown[] } } };
    const errors = body.data?.webhookSubscriptionCreate?.userErrors;
    if (!response.ok || !errors || errors.length > 0) throw new Error(`subscribing to Shopify ${topic} failed: ${response.status} ${JSON.stringify(body)}`);
  }
}

/** Subscribes the hub (`url` = its `/webhooks/wms`) to the WMS topics; answers the subscription's signing secret. */
export async function subscribeWms(wms: RunningSandboxes['directory']['wms'], url: string): Promise<string> {
  const response = await fetch(`${wms.url}/v1/webhooks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${wms.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url, topics: WMS_TOPICS }),
  });
  const body = (await response.json()) as { secret?: string };
  if (!response.ok || typeof body.secret !== 'string') throw new Error(`subscribing to the WMS webhooks failed: ${response.status} ${JSON.stringify(body)}`);
  return body.secret;
}

