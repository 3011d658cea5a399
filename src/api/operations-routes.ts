import type { FastifyInstance } from 'fastify';
import type { InboundEventsChannel } from '../observability/inbound-events.ts';
import { createHubMetrics } from '../observability/metrics.ts';
import type { Hub } from '../runtime/hub.ts';

/**
 * Routes for orchestrators and monitoring: `GET /metrics` (Prometheus text format) and
 * `GET /readyz` (ready when storage and the event log answer; 503 with the failing part
 * otherwise). Liveness (`/healthz`) is in the server itself: it must not depend on storage.
 * `inboundEvents`: the channel the inbound routes count their events on, for the metrics.
 *
 * @example
 * const app = createHubServer({ bus: hub.bus });
 * registerOperationsRoutes(app, hub);
 */
export function registerOperationsRoutes(app: FastifyInstance, hub: Hub, options: { inboundEvents?: InboundEventsChannel } = {}): void {
  const metrics = createHubMetrics(hub, options.inboundEvents ? { inboundEvents: options.inboundEvents } : {});
  app.get('/metrics', async (_request, reply) => reply.type(metrics.contentType).send(await metrics.registry.metrics()));
  app.get('/readyz', async (_request, reply) => {
    const checks: Record<string, 'ok' | string> = {};
    await Promise.all([
      hub.bus.head().then(
        () => (checks.bus = 'ok'),
        (error: Error) => (checks.bus = error.message),
      ),
      hub.storage.deadLetters.count({ status: 'open' }).then(
        () => (checks.storage = 'ok'),
        (error: Error) => (checks.storage = error.message),
      ),
    ]);
    const ready = Object.values(checks).every((check) => check === 'ok');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', checks });
  });
}
