import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../adapters/sqlite/index.ts';
import { Hub } from '../runtime/hub.ts';
import { RecordingTarget } from '../runtime/testing/recording-target.ts';
import { registerOperationsRoutes } from './operations-routes.ts';
import { createHubServer } from './server.ts';

describe('operations routes', () => {
  let adapters: EmbeddedAdapters | undefined;
  afterEach(async () => adapters?.close());

  it('serves Prometheus metrics and readiness that checks storage and the log', async () => {
    adapters = await openSqlite({ path: ':memory:' });
    const hub = new Hub({ bus: adapters.bus, storage: adapters.storage, targets: [new RecordingTarget('erp', { maxBatchSize: 1, concurrency: 1 })], flows: [], soleWorker: true });
    const app = createHubServer({ bus: adapters.bus });
    registerOperationsRoutes(app, hub);
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toContain('crossdock_circuit_state{target="erp"} 0');
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.json()).toEqual({ status: 'ready', checks: { bus: 'ok', storage: 'ok' } });
    await adapters.close();
    const down = await app.inject({ method: 'GET', url: '/readyz' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ status: 'not-ready' });
    adapters = undefined;
  });
});
