import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { registerOperationsRoutes } from '../api/operations-routes.ts';
import { createHubServer, type HubServerOptions } from '../api/server.ts';
import { webhookRoutes } from '../api/webhooks-route.ts';
import type { Connector } from '../connectors/connector.ts';
import { pollerJob } from '../connectors/inbound/poller-job.ts';
import { consolePlugin, type ConsoleUser } from '../console/index.ts';
import type { RetailFlowModule } from '../flows/module.ts';
import { InboundEventsChannel } from '../observability/inbound-events.ts';
import { logHubActivity } from '../observability/runtime-logs.ts';
import type { Bus } from '../ports/bus.ts';
import type { Storage } from '../ports/storage.ts';
import { Hub, type HubOptions } from '../runtime/hub.ts';
import type { ScheduledJob } from '../runtime/scheduler/scheduler.ts';

export interface RetailHubOptions {
  bus: Bus;
  storage: Storage;
  /** One connector per role; each is the delivery target of its role. */
  connectors: readonly Connector[];
  /** The retail flow modules to run (see src/flows). */
  modules: readonly RetailFlowModule[];
  soleWorker: boolean;
  logger?: FastifyBaseLogger;
  inbound?: HubServerOptions['inbound'];
  delivery?: HubOptions['delivery'];
  flowOptions?: HubOptions['flowOptions'];
  /** The operations console, or false to serve the API only. */
  console?: { users: readonly ConsoleUser[]; cookieSecret: string; secureCookie?: boolean; traceLink?: string } | false;
  onSchedulerError?(job: string, error: unknown): void;
}

export interface RetailHub {
  hub: Hub;
  server: FastifyInstance;
  /** The connectors' delta pollers as jobs (also run by the scheduler); tests run them at will. */
  pollerJobs: readonly ScheduledJob[];
  modules: readonly RetailFlowModule[];
}

/**
 * Puts an installation together: connectors as delivery targets, their webhooks on
 * `POST /webhooks/<role>`, their pollers as scheduled jobs, the flow modules' flows, jobs and
 * console panels, and the HTTP server with /events, /metrics, /readyz and the console.
 * `crossdock start`, `crossdock demo` and the end-to-end tests all build the hub this way.
 */
export async function assembleRetailHub(options: RetailHubOptions): Promise<RetailHub> {
  const { bus, storage } = options;
  const pollerJobs = options.connectors.flatMap((connector) => connector.pollers ?? []).map((poller) => pollerJob(poller, { bus, watermarks: storage.watermarks }));
  const hub = new Hub({
    bus,
    storage,
    targets: options.connectors,
    flows: options.modules.flatMap((module) => module.flows),
    jobs: [...pollerJobs, ...options.modules.flatMap((module) => module.jobs ?? [])],
    soleWorker: options.soleWorker,
    ...(options.delivery && { delivery: options.delivery }),
    ...(options.flowOptions && { flowOptions: options.flowOptions }),
    ...(options.onSchedulerError && { onSchedulerError: options.onSchedulerError }),
  });
  // Each flow run and delivery outcome, by correlation id, and the errors the runtime survives
  // (it retries) but an operator must be able to see.
  if (options.logger) logHubActivity(hub, options.logger);
  const inboundEvents = new InboundEventsChannel();
  const server = createHubServer({ bus, inboundEvents, ...(options.logger && { logger: options.logger }), ...(options.inbound && { inbound: options.inbound }) });
  registerOperationsRoutes(server, hub, { inboundEvents });
  const receivers = new Map(options.connectors.flatMap((connector) => (connector.webhook ? [[connector.name, connector.webhook] as const] : [])));
  await server.register(webhookRoutes, { bus, storage, receivers, inboundEvents });
  if (options.console) {
    await server.register(consolePlugin, {
      hub,
      users: options.console.users,
      cookieSecret: options.console.cookieSecret,
      ...(options.console.secureCookie !== undefined && { secureCookie: options.console.secureCookie }),
      ...(options.console.traceLink !== undefined && { traceLink: options.console.traceLink }),
      healthPanels: options.modules.flatMap((module) => module.healthPanels ?? []),
    });
  }
  return { hub, server, pollerJobs, modules: options.modules };
}
