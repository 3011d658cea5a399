import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import { installSessionGuard } from './auth/guard.ts';
import { seesPersonalData, type ConsoleUser } from './auth/roles.ts';
import { authRoutes } from './auth/routes.ts';
import { backfillRoutes } from './backfills/routes.ts';
import { InMemorySessionStore, type ConsoleSessionStore } from './auth/sessions.ts';
import { exceptionRoutes } from './exceptions/routes.ts';
import { CircuitHistory } from './health/circuits.ts';
import type { HealthHub } from './health/health.ts';
import { HealthPanelRegistry, type HealthPanel } from './health/panels.ts';
import { customerMergeRoutes } from './customer-merges.ts';
import { consoleErrorHandler } from './errors.ts';
import { createViewerMasking } from './masking.ts';
import { MetricsSampler } from './metrics/sampler.ts';
import { readRoutes } from './read-routes.ts';
import { uiRoutes } from './static.ts';

export const CONSOLE_API_PREFIX = '/api/console/';
export const CONSOLE_UI_PREFIX = '/console/';

export interface ConsoleOptions {
  /**
   * The running hub (or anything with its `delivery`, `storage` and `bus`). Given the `Hub`
   * itself, the Health page also shows each connector's own quota report (`Connector.quota`)
   * and a freshness row for every configured flow.
   */
  hub: HealthHub;
  /** Who may log in; passwords as scrypt hashes from `hashConsolePassword`. */
  users: readonly ConsoleUser[];
  /** Signs the session cookie (HMAC); at least 32 characters, kept secret, same on every instance. */
  cookieSecret: string;
  /** Default 8 hours: one shift. */
  sessionTtlMs?: number;
  /** Mark the cookie Secure; true whenever the console is served over HTTPS. Default false (the local demo). */
  secureCookie?: boolean;
  sessions?: ConsoleSessionStore;
  /** Business panels for the Health page; flows register theirs here. */
  healthPanels?: HealthPanelRegistry | readonly HealthPanel[];
  /** Event-log consumers whose lag is shown; default ['flows']. */
  consumers?: readonly string[];
  /** Chart sampling; default every 5 s, one hour kept. Or a sampler of your own (the plugin starts and stops it). */
  metrics?: { intervalMs?: number; capacity?: number } | MetricsSampler;
  /**
   * Where engineers open a trace: a URL with `{traceId}`, e.g. `https://jaeger.example.com/trace/{traceId}`
   * or Grafana Tempo's explore URL. The Trace page links each hop's W3C trace id there; without
   * it the id is shown to copy.
   */
  traceLink?: string;
  /** Serve the web UI under /console/ (default true; false for an API-only deployment). */
  ui?: boolean;
  clock?: () => number;
}

/**
 * The operations console: its JSON API under `/api/console/` and its web UI under `/console/`.
 * Register it on the hub's server without a prefix (the paths are absolute). It is an
 * encapsulated plugin: its cookie parser, session guard and viewer masking apply to its own
 * routes only.
 *
 * @example
 * const app = createHubServer({ bus });
 * await app.register(consolePlugin, { hub, users: await demoConsoleUsers(), cookieSecret: randomBytes(32).toString('hex') });
 */
export async function consolePlugin(app: FastifyInstance, options: ConsoleOptions): Promise<void> {
  if (options.cookieSecret.length < 32) throw new RangeError('console cookieSecret must be at least 32 characters (e.g. 32 random bytes as hex)');
  const names = new Set<string>();
  for (const user of options.users) {
    if (names.has(user.name)) throw new Error(`console user "${user.name}" is configured twice`);
    names.add(user.name);
  }
  if (options.traceLink !== undefined && !options.traceLink.includes('{traceId}')) throw new RangeError('console traceLink must contain {traceId}, e.g. https://jaeger.example.com/trace/{traceId}');
  const clock = options.clock ?? Date.now;
  const sessions = options.sessions ?? new InMemorySessionStore(clock);
  const panels = options.healthPanels instanceof HealthPanelRegistry ? options.healthPanels : new HealthPanelRegistry(options.healthPanels ?? []);
  const consumers = options.consumers ?? ['flows'];
  const masking = createViewerMasking();
  const sampler = options.metrics instanceof MetricsSampler ? options.metrics : new MetricsSampler(options.hub, { ...options.metrics, consumers, clock });
  sampler.start();
  const circuits = new CircuitHistory(options.hub.delivery.events, clock);
  app.addHook('onClose', async () => {
    sampler.stop();
    circuits.stop();
  });

  if (app.hasDecorator('parseCookie') || app.hasRequestDecorator('cookies')) {
    // Its secret would not be ours, and registering a second one fails on its decorators.
    throw new Error('@fastify/cookie is already registered on the server: register consolePlugin in a scope without it (it brings its own, signed with cookieSecret)');
  }
  await app.register(fastifyCookie, { secret: options.cookieSecret });
  app.setErrorHandler(consoleErrorHandler);
  installSessionGuard(app, { sessions, apiPrefix: CONSOLE_API_PREFIX, publicPaths: [`${CONSOLE_API_PREFIX}login`] });
  // Every payload a viewer receives passes through the masker, whichever route produced it.
  app.addHook('preSerialization', async (request, _reply, payload: unknown) => {
    const session = request.consoleSession;
    return session && !seesPersonalData(session.role) ? masking.value(payload) : payload;
  });

  await app.register(authRoutes, { users: options.users, sessions, sessionTtlMs: options.sessionTtlMs ?? 8 * 3_600_000, secureCookie: options.secureCookie ?? false, clock, apiPrefix: CONSOLE_API_PREFIX });
  await app.register(exceptionRoutes, { storage: options.hub.storage, bus: options.hub.bus, clock, apiPrefix: CONSOLE_API_PREFIX });
  await app.register(customerMergeRoutes, { storage: options.hub.storage, bus: options.hub.bus, clock, apiPrefix: CONSOLE_API_PREFIX });
  await app.register(readRoutes, { hub: options.hub, consumers, panels, circuits, sampler, masking, clock, apiPrefix: CONSOLE_API_PREFIX, traceLink: options.traceLink });
  await app.register(backfillRoutes, { records: options.hub.storage.records, clock, apiPrefix: CONSOLE_API_PREFIX });
  if (options.ui !== false) await app.register(uiRoutes, { uiPrefix: CONSOLE_UI_PREFIX });
}
