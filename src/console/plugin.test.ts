import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../adapters/sqlite/index.ts';
import { Hub } from '../runtime/hub.ts';
import { RecordingTarget } from '../runtime/testing/recording-target.ts';
import { contentSecurityPolicy } from './static.ts';
import { consolePlugin, type ConsoleOptions } from './plugin.ts';
import { seedDeadLetters, testUsers } from './testing.ts';

const SECRET = 'plugin-test-secret-plugin-test-secret-0';

describe('consolePlugin', () => {
  let adapters: EmbeddedAdapters;
  let app: FastifyInstance;
  afterEach(async () => {
    await app?.close();
    await adapters?.close();
  });

  async function start(options: Partial<ConsoleOptions> = {}): Promise<{ hub: Hub; cookie: string }> {
    adapters = await openSqlite({ path: ':memory:' });
    const hub = new Hub({ bus: adapters.bus, storage: adapters.storage, targets: [new RecordingTarget('erp', { maxBatchSize: 1, concurrency: 1 })], flows: [], soleWorker: true });
    app = Fastify();
    await app.register(consolePlugin, { hub, users: await testUsers(), cookieSecret: SECRET, ...options });
    const login = await app.inject({ method: 'POST', url: '/api/console/login', payload: { user: 'admin', password: 'admin-pw' } });
    return { hub, cookie: `crossdock_console=${login.cookies[0]!.value}` };
  }

  it('serves the web UI with a strict content security policy, and its modules from node_modules', async () => {
    await start();
    const index = await app.inject({ method: 'GET', url: '/console/' });
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toMatch(/text\/html/);
    expect(index.body).toContain('<script type="importmap">');
    expect(index.headers['content-security-policy']).toBe(contentSecurityPolicy(index.body));
    expect(index.headers['content-security-policy']).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/]+=*'/);
    for (const file of ['preact.mjs', 'preact-hooks.mjs', 'htm.mjs']) {
      const module = await app.inject({ method: 'GET', url: `/console/vendor/${file}` });
      expect(module.statusCode).toBe(200);
      expect(module.headers['content-type']).toMatch(/javascript/);
      expect(module.body).toMatch(/\bexport\s*(\{|default)/);
    }
    expect((await app.inject({ method: 'GET', url: '/console/vendor/../../package.json' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/console/app.js' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/console' })).headers.location).toBe('/console/');
  });

  it('shows a failing business panel as unknown without failing the health page', async () => {
    const { cookie } = await start({
      healthPanels: [
        { id: 'shipments-not-in-salesforce', title: 'Shipments not visible in Salesforce', area: 'shipments', evaluate: async () => Promise.reject(new Error('flow state unavailable')) },
        { id: 'returns-awaiting-credit-memo', title: 'Returns waiting for a credit memo', area: 'returns', evaluate: async () => ({ status: 'critical', value: 12, summary: '12 returns waiting for a credit memo longer than 2 h', items: [{ businessKey: 'RMA-9', detail: 'waiting 3 h', since: 1 }] }) },
      ],
    });
    const health = await app.inject({ method: 'GET', url: '/api/console/health', headers: { cookie } });
    expect(health.statusCode).toBe(200);
    expect(health.json<{ panels: unknown[] }>().panels).toEqual([
      expect.objectContaining({ id: 'shipments-not-in-salesforce', status: 'unknown', value: null, summary: 'could not be evaluated: flow state unavailable' }),
      expect.objectContaining({ id: 'returns-awaiting-credit-memo', status: 'critical', value: 12, items: [{ businessKey: 'RMA-9', detail: 'waiting 3 h', since: 1 }] }),
    ]);
  });

  it('groups in the store when the store can (the proposed port method), instead of scanning', async () => {
    const { hub, cookie } = await start();
    await seedDeadLetters(hub.storage, { count: 3 });
    const calls: unknown[] = [];
    Object.assign(hub.storage.deadLetters, {
      groups: async (query: unknown) => {
        calls.push(query);
        return [{ target: 'erp', errorCode: 'REQUIRED_FIELD_MISSING', count: 3, oldestAt: 5, oldestId: 1 }];
      },
    });
    const response = await app.inject({ method: 'GET', url: '/api/console/exceptions/groups', headers: { cookie } });
    expect(calls).toEqual([{ status: 'open' }]);
    expect(response.json()).toMatchObject({ total: 3, complete: true, groups: [{ errorCode: 'REQUIRED_FIELD_MISSING', count: 3, exampleId: 1, example: 'Order SO-10000 could not be booked in NetSuite: REQUIRED_FIELD_MISSING (Name)' }] });
  });

  it('refuses a short cookie secret and a user configured twice', async () => {
    adapters = await openSqlite({ path: ':memory:' });
    const hub = new Hub({ bus: adapters.bus, storage: adapters.storage, targets: [], flows: [], soleWorker: true });
    const users = await testUsers();
    app = Fastify();
    await expect(app.register(consolePlugin, { hub, users, cookieSecret: 'short' }).ready()).rejects.toThrow(/at least 32 characters/);
    app = Fastify();
    await expect(app.register(consolePlugin, { hub, users: [...users, users[0]!], cookieSecret: SECRET }).ready()).rejects.toThrow(/configured twice/);
  });

  it('says so when the server already has a cookie parser', async () => {
    adapters = await openSqlite({ path: ':memory:' });
    const hub = new Hub({ bus: adapters.bus, storage: adapters.storage, targets: [], flows: [], soleWorker: true });
    app = Fastify();
    await app.register(fastifyCookie);
    await expect(app.register(consolePlugin, { hub, users: await testUsers(), cookieSecret: SECRET }).ready()).rejects.toThrow(/already registered/);
  });

  it('limits a bulk action to 500 entries', async () => {
    const { cookie } = await start();
    const me = await app.inject({ method: 'GET', url: '/api/console/me', headers: { cookie } });
    const csrf = me.json<{ csrfToken: string }>().csrfToken;
    const ids = Array.from({ length: 501 }, (_, index) => index + 1);
    const response = await app.inject({ method: 'POST', url: '/api/console/exceptions/bulk', headers: { cookie, 'x-crossdock-csrf': csrf }, payload: { ids, action: 'retry', reason: 'too many' } });
    expect(response.statusCode).toBe(400);
  });
});
