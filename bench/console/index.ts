import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { openSqlite } from '../../src/adapters/sqlite/index.ts';
import { consolePlugin } from '../../src/console/plugin.ts';
import { consoleGet, consolePost, loginAs, seedDeadLetters, testUsers, type TestSession } from '../../src/console/testing.ts';
import { Hub } from '../../src/runtime/hub.ts';
import { RecordingTarget } from '../../src/runtime/testing/recording-target.ts';
import { percentile, report, round } from '../report.ts';

/**
 * A bad day for the console: 100,000 open dead letters in the embedded SQLite store (a file,
 * WAL, as the hub runs), spread like an ERP outage: 25,000 ERP USER_ERRORs, 40,000 ERP
 * REQUIRED_FIELD_MISSING, 20,000 storefront THROTTLED, 15,000 warehouse UNABLE_TO_LOCK_ROW.
 * Each figure is one console API route through Fastify (`inject`: no network), as the page
 * asks for it, median and p95 of `samples` calls. Groups are measured uncached (the clock moves
 * past the 5 s cache before each call). Last, "Retry all 25,000" of the outage group, once.
 */
export async function consoleBench(options: { quick: boolean }): Promise<void> {
  const scale = options.quick ? 0.1 : 1;
  const sizes = { erpUserError: 25_000 * scale, erpMissing: 40_000 * scale, commerce: 20_000 * scale, wms: 15_000 * scale };
  const total = Object.values(sizes).reduce((sum, size) => sum + size, 0);
  const samples = options.quick ? 10 : 30;
  const directory = mkdtempSync(join(tmpdir(), 'crossdock-console-bench-'));
  const adapters = await openSqlite({ path: join(directory, 'hub.sqlite') });
  // The clock of the console: moved on to measure groups without their 5 s cache.
  let skewMs = 0;
  const clock = () => Date.now() + skewMs;
  let app: FastifyInstance | undefined;
  try {
    const seedStarted = performance.now();
    const { storage } = adapters;
    await seedDeadLetters(storage, { count: sizes.erpUserError + sizes.erpMissing, target: 'erp', keyPrefix: 'SO-', errorCode: (index) => (index % 13 < 5 ? 'USER_ERROR' : 'REQUIRED_FIELD_MISSING') });
    await seedDeadLetters(storage, { count: sizes.commerce, target: 'commerce', keyPrefix: 'WEB-', errorCode: () => 'THROTTLED' });
    await seedDeadLetters(storage, { count: sizes.wms, target: 'wms', keyPrefix: 'WMS-', errorCode: () => 'UNABLE_TO_LOCK_ROW' });
    const seedMs = performance.now() - seedStarted;
    const outage = await storage.deadLetters.count({ status: 'open', target: 'erp', errorCode: 'USER_ERROR' });

    // The hub is not started: nothing delivers (or fails) while the console is measured.
    const targets = ['erp', 'commerce', 'wms'].map((name) => new RecordingTarget(name, { maxBatchSize: 1, concurrency: 1 }, (batch) => batch.map(() => ({ ok: true as const }))));
    const hub = new Hub({ bus: adapters.bus, storage, targets, flows: [], soleWorker: true });
    app = Fastify({ logger: false });
    await app.register(consolePlugin, { hub, users: await testUsers(), cookieSecret: 'bench-secret-bench-secret-bench-secret', clock, metrics: { intervalMs: 3_600_000 } });
    await app.ready();
    const operator = await loginAs(app, 'operator');
    const common = { exceptions: total, samples, store: 'sqlite-file' };
    report({ name: 'console.seed_dead_letters_s', value: round(seedMs / 1000, 1), unit: 's', exceptions: total });

    // A page near the end of the list: paging is by id, so it costs what the first page costs.
    const deepAfterId = (await storage.deadLetters.list({ newestFirst: true, limit: 1 }))[0]!.id - Math.round(total / 10);
    const routes: { name: string; url: string; before?: () => void }[] = [
      { name: 'console.page_first_ms', url: '/api/console/exceptions?limit=50' },
      { name: 'console.page_deep_ms', url: `/api/console/exceptions?limit=200&afterId=${deepAfterId}` },
      { name: 'console.filter_group_ms', url: '/api/console/exceptions?limit=50&target=erp&errorCode=USER_ERROR' },
      { name: 'console.filter_error_code_ms', url: '/api/console/exceptions?limit=50&errorCode=UNABLE_TO_LOCK_ROW' },
      { name: 'console.filter_key_ms', url: '/api/console/exceptions?limit=50&key=SO-10042' },
      { name: 'console.matching_count_ms', url: '/api/console/exceptions/matching?target=erp&errorCode=USER_ERROR' },
      { name: 'console.groups_uncached_ms', url: '/api/console/exceptions/groups', before: () => (skewMs += 6_000) },
      { name: 'console.health_ms', url: '/api/console/health' },
      // An order number: also looked up as a bare sku (every `SO-10042@…` key) and as a return number.
      { name: 'console.trace_key_ms', url: '/api/console/trace?q=SO-10042' },
    ];
    for (const route of routes) {
      const times = await timeRoute(app, operator, route, samples);
      report({ name: route.name, value: round(percentile(times, 50)), unit: 'ms', p95: round(percentile(times, 95)), ...common });
    }

    // "Retry all 25,000": counted, confirmed, acted on in chunks (each exception audited).
    const counted = (await consoleGet(app, operator, '/api/console/exceptions/matching?target=erp&errorCode=USER_ERROR')).json<{ count: number; upToId: number }>();
    const started = performance.now();
    const response = await consolePost(app, operator, '/api/console/exceptions/bulk/matching', {
      action: 'retry',
      reason: 'bench: ERP back after the outage',
      filter: { target: 'erp', errorCode: 'USER_ERROR' },
      expectedCount: counted.count,
      upToId: counted.upToId,
    });
    const bulkMs = performance.now() - started;
    const result = response.json<{ done: number }>();
    if (response.statusCode !== 200 || result.done !== outage) throw new Error(`console bench: bulk retry answered ${response.statusCode}: ${response.body}`);
    report({ name: 'console.bulk_retry_all_s', value: round(bulkMs / 1000, 2), unit: 's', retried: result.done, perSecond: Math.round(result.done / (bulkMs / 1000)), exceptions: total });
  } finally {
    await app?.close();
    await adapters.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

async function timeRoute(app: FastifyInstance, session: TestSession, route: { name: string; url: string; before?: () => void }, samples: number): Promise<number[]> {
  const times: number[] = [];
  // One warm-up call: statements are prepared once per process.
  for (let index = -1; index < samples; index++) {
    route.before?.();
    const started = performance.now();
    const response = await consoleGet(app, session, route.url);
    const elapsed = performance.now() - started;
    if (response.statusCode !== 200) throw new Error(`console bench: ${route.url} answered ${response.statusCode}: ${response.body}`);
    if (index >= 0) times.push(elapsed);
  }
  return times.sort((a, b) => a - b);
}
