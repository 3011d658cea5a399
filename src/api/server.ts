import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { InboundEventsChannel } from '../observability/inbound-events.ts';
import type { Bus } from '../ports/bus.ts';
import { inboundEventsRoutes } from './events/route.ts';

export interface HubServerOptions {
  /** The event log inbound events are persisted to before they are acknowledged. */
  bus: Bus;
  /** A pino (or pino-compatible) logger; no logging when omitted. */
  logger?: FastifyBaseLogger;
  inbound?: {
    /** Bearer API keys for `POST /events`; omitted or empty means no authentication (the embedded demo). */
    apiKeys?: readonly string[];
    /** Largest accepted request body in bytes (default 1 MiB); larger requests get 413. */
    maxBodyBytes?: number;
  };
  /** Where `POST /events` counts the events it accepts and refuses (for `/metrics`). */
  inboundEvents?: InboundEventsChannel;
}

/**
 * Builds the hub's HTTP server: `POST /events` (inbound CloudEvents) and `GET /healthz`
 * (liveness). It does not listen; the caller does, so tests can use `app.inject`.
 *
 * @example
 * const { bus } = await openSqlite({ path: '.data/crossdock.sqlite' });
 * const app = createHubServer({ bus, logger: pino(), inbound: { apiKeys: [process.env.CROSSDOCK_POS_KEY!] } });
 * await app.listen({ host: '0.0.0.0', port: 8080 });
 */
export function createHubServer(options: HubServerOptions): FastifyInstance {
  const app: FastifyInstance = options.logger ? Fastify({ loggerInstance: options.logger }) : Fastify({ logger: false });
  app.get('/healthz', async () => ({ status: 'ok' }));
  void app.register(inboundEventsRoutes, { bus: options.bus, ...options.inbound, ...(options.inboundEvents && { inboundEvents: options.inboundEvents }) });
  return app;
}
