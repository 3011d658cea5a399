import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../ports/conformance/harness.ts';
import { seedDeadLetters, startConsoleFixture, type ConsoleFixture } from './testing.ts';

interface Session {
  cookie: string;
  csrf: string;
}

async function login(app: FastifyInstance, user: string, password = `${user}-pw`): Promise<Session> {
  const response = await app.inject({ method: 'POST', url: '/api/console/login', payload: { user, password } });
  expect(response.statusCode).toBe(200);
  const cookie = response.cookies.find((entry) => entry.name === 'crossdock_console');
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
  return { cookie: `crossdock_console=${cookie!.value}`, csrf: response.json<{ csrfToken: string }>().csrfToken };
}

function get(app: FastifyInstance, session: Session, url: string): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'GET', url, headers: { cookie: session.cookie } });
}

function post(app: FastifyInstance, session: Session, url: string, payload: unknown, csrf: string | null = session.csrf): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url, payload: payload as object, headers: { cookie: session.cookie, ...(csrf !== null && { 'x-crossdock-csrf': csrf }) } });
}

describe('console API', () => {
  let fixture: ConsoleFixture;
  afterEach(async () => fixture?.close());

  describe('login', () => {
    it('logs in, tells who is logged in, and logs out on the server too', async () => {
      fixture = await startConsoleFixture({ startHub: false });
      const session = await login(fixture.app, 'operator');
      const me = await get(fixture.app, session, '/api/console/me');
      expect(me.json()).toMatchObject({ user: 'operator', role: 'operator', csrfToken: session.csrf, personalDataMasked: false });
      const logout = await post(fixture.app, session, '/api/console/logout', {});
      expect(logout.statusCode).toBe(204);
      // The old cookie no longer opens anything, even if someone kept it.
      expect((await get(fixture.app, session, '/api/console/me')).statusCode).toBe(401);
    });

    it('refuses a wrong password and an unknown user alike with 401', async () => {
      fixture = await startConsoleFixture({ startHub: false });
      for (const payload of [{ user: 'operator', password: 'wrong' }, { user: 'nobody', password: 'operator-pw' }]) {
        const response = await fixture.app.inject({ method: 'POST', url: '/api/console/login', payload });
        expect(response.statusCode).toBe(401);
        expect(response.json()).toEqual({ error: { code: 'INVALID_CREDENTIALS', message: 'the user name or the password is not correct' } });
        expect(response.cookies).toHaveLength(0);
      }
    });

    it('locks a user name after 10 failed logins, even for the right password', async () => {
      fixture = await startConsoleFixture({ startHub: false });
      for (let attempt = 0; attempt < 10; attempt++) {
        expect((await fixture.app.inject({ method: 'POST', url: '/api/console/login', payload: { user: 'admin', password: `guess-${attempt}` } })).statusCode).toBe(401);
      }
      const locked = await fixture.app.inject({ method: 'POST', url: '/api/console/login', payload: { user: 'admin', password: 'admin-pw' } });
      expect(locked.statusCode).toBe(429);
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      expect(locked.json<{ error: { code: string } }>().error.code).toBe('TOO_MANY_LOGIN_ATTEMPTS');
      // Other users are not affected.
      await login(fixture.app, 'operator');
    });

    it('answers 401 without a session and with a forged cookie', async () => {
      fixture = await startConsoleFixture({ startHub: false });
      expect((await fixture.app.inject({ method: 'GET', url: '/api/console/health' })).statusCode).toBe(401);
      const forged = await fixture.app.inject({ method: 'GET', url: '/api/console/health', headers: { cookie: 'crossdock_console=made-up.signature' } });
      expect(forged.statusCode).toBe(401);
      expect(forged.json<{ error: { code: string } }>().error.code).toBe('NOT_LOGGED_IN');
    });

    it('requires the CSRF header on state-changing requests', async () => {
      fixture = await startConsoleFixture({ startHub: false });
      const [id] = await seedDeadLetters(fixture.adapters.storage, { count: 1 });
      const session = await login(fixture.app, 'operator');
      const missing = await post(fixture.app, session, `/api/console/exceptions/${id}/resolve`, { reason: 'fixed in NetSuite' }, null);
      expect(missing.statusCode).toBe(403);
      expect(missing.json<{ error: { code: string } }>().error.code).toBe('CSRF_TOKEN_MISSING_OR_WRONG');
      const wrong = await post(fixture.app, session, `/api/console/exceptions/${id}/resolve`, { reason: 'fixed in NetSuite' }, 'not-the-token');
      expect(wrong.statusCode).toBe(403);
      expect((await fixture.adapters.storage.deadLetters.get(id!))?.status).toBe('open');
    });
  });

  describe('exceptions', () => {
    it('pages 1,000 dead letters server side without gaps or repeats', async () => {
      fixture = await startConsoleFixture({ startHub: false });
      const ids = await seedDeadLetters(fixture.adapters.storage, { count: 1_000 });
      const session = await login(fixture.app, 'operator');
      const seen: number[] = [];
      let afterId: number | null = null;
      let pages = 0;
      do {
        const response = await get(fixture.app, session, `/api/console/exceptions?limit=200${afterId !== null ? `&afterId=${afterId}` : ''}`);
        expect(response.statusCode).toBe(200);
        const page = response.json<{ items: { id: number }[]; nextAfterId: number | null; total: number }>();
        expect(page.total).toBe(1_000);
        expect(page.items.length).toBeLessThanOrEqual(200);
        seen.push(...page.items.map((item) => item.id));
        afterId = page.nextAfterId;
        pages++;
      } while (afterId !== null);
      expect(pages).toBe(5);
      expect(seen).toEqual(ids);
    });

    it('refuses a page larger than 200', async () => {
      fixture = await startConsoleFixture({ startHub: false });
      const session = await login(fixture.app, 'viewer');
      const response = await get(fixture.app, session, '/api/console/exceptions?limit=201');
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error: { code: 'BAD_REQUEST', message: 'querystring/limit must be <= 200' } });
    });

    it('groups by target and error code, and filters by error code with a cursor', async () => {
      fixture = await startConsoleFixture({ startHub: false });
      const codes = ['REQUIRED_FIELD_MISSING', 'INVALID_KEY_OR_REF', 'REQUIRED_FIELD_MISSING', 'DUPLICATE_VALUE'];
      await seedDeadLetters(fixture.adapters.storage, { count: 400, errorCode: (index) => codes[index % 4]! });
      const session = await login(fixture.app, 'operator');
      const groups = (await get(fixture.app, session, '/api/console/exceptions/groups')).json<{ groups: { target: string; errorCode: string; count: number; example: string }[]; total: number; complete: boolean }>();
      expect(groups.complete).toBe(true);
      expect(groups.total).toBe(400);
      expect(groups.groups.map(({ target, errorCode, count }) => ({ target, errorCode, count }))).toEqual([
        { target: 'erp', errorCode: 'REQUIRED_FIELD_MISSING', count: 200 },
        { target: 'erp', errorCode: 'INVALID_KEY_OR_REF', count: 100 },
        { target: 'erp', errorCode: 'DUPLICATE_VALUE', count: 100 },
      ]);
      expect(groups.groups[0]!.example).toBe('Order SO-10000 could not be booked in NetSuite: REQUIRED_FIELD_MISSING (Name)');

      let afterId: number | null = null;
      let found = 0;
      do {
        const page: { items: { errorCode: string }[]; nextAfterId: number | null; total: number | null } = (
          await get(fixture.app, session, `/api/console/exceptions?errorCode=DUPLICATE_VALUE&limit=30${afterId !== null ? `&afterId=${afterId}` : ''}`)
        ).json();
        expect(page.items.every((item) => item.errorCode === 'DUPLICATE_VALUE')).toBe(true);
        expect(page.total).toBe(100);
        found += page.items.length;
        afterId = page.nextAfterId;
      } while (afterId !== null);
      expect(found).toBe(100);
    });

    it('retry puts the item back in its queue and audits it with the logged-in user', async () => {
      fixture = await startConsoleFixture({ startHub: false });
      const [id] = await seedDeadLetters(fixture.adapters.storage, { count: 1 });
      const session = await login(fixture.app, 'operator');
      const response = await post(fixture.app, session, `/api/console/exceptions/${id}/retry`, { reason: 'customer name added in NetSuite' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ id, outcome: 'done', status: 'retried' });

      const entry = await fixture.adapters.storage.deadLetters.get(id!);
      expect(entry?.status).toBe('retried');
      expect((await fixture.adapters.storage.delivery.get(Number(entry!.ref)))?.status).toBe('pending');
      const detail = (await get(fixture.app, session, `/api/console/exceptions/${id}`)).json<{ history: { actor: string; action: string; reason: string }[]; now: string }>();
      expect(detail.history).toEqual([expect.objectContaining({ actor: 'operator', action: 'dead-letter.retried', reason: 'customer name added in NetSuite' })]);
      expect(detail.now).toMatch(/back in the erp queue/);

      const again = await post(fixture.app, session, `/api/console/exceptions/${id}/retry`, { reason: 'again' });
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({ outcome: 'not-open', status: 'retried' });
    });

    it('requires a reason', async () => {
      fixture = await startConsoleFixture({ startHub: false });
      const [id] = await seedDeadLetters(fixture.adapters.storage, { count: 1 });
      const session = await login(fixture.app, 'admin');
      expect((await post(fixture.app, session, `/api/console/exceptions/${id}/discard`, { reason: '   ' })).statusCode).toBe(400);
      expect((await post(fixture.app, session, `/api/console/exceptions/${id}/discard`, {})).statusCode).toBe(400);
      expect((await fixture.adapters.storage.deadLetters.get(id!))?.status).toBe('open');
    });

    it('acts in bulk, each entry audited, reporting those no longer open', async () => {
      fixture = await startConsoleFixture({ startHub: false });
      const ids = await seedDeadLetters(fixture.adapters.storage, { count: 5 });
      const session = await login(fixture.app, 'admin');
      await post(fixture.app, session, `/api/console/exceptions/${ids[0]}/resolve`, { reason: 'booked by hand' });
      const response = await post(fixture.app, session, '/api/console/exceptions/bulk', { ids: [...ids, 999_999], action: 'discard', reason: 'test orders from the flash sale rehearsal' });
      expect(response.statusCode).toBe(200);
      const body = response.json<{ results: { id: number; outcome: string }[]; done: number; skipped: number }>();
      expect(body.done).toBe(4);
      expect(body.results.map((result) => result.outcome)).toEqual(['not-open', 'done', 'done', 'done', 'done', 'not-found']);
      const audit = await fixture.adapters.storage.audit.list({ limit: 10 });
      expect(audit.filter((entry) => entry.action === 'dead-letter.discarded' && entry.actor === 'admin')).toHaveLength(4);
    });

    it('lets a viewer read but not act (403), with personal data masked', async () => {
      fixture = await startConsoleFixture({ startHub: false });
      const [id] = await seedDeadLetters(fixture.adapters.storage, { count: 1 });
      const viewer = await login(fixture.app, 'viewer');
      expect((await get(fixture.app, viewer, '/api/console/me')).json()).toMatchObject({ role: 'viewer', personalDataMasked: true });
      const denied = await post(fixture.app, viewer, `/api/console/exceptions/${id}/retry`, { reason: 'try' });
      expect(denied.statusCode).toBe(403);
      expect(denied.json<{ error: { code: string } }>().error.code).toBe('FORBIDDEN');
      expect((await post(fixture.app, viewer, '/api/console/exceptions/bulk', { ids: [id], action: 'retry', reason: 'try' })).statusCode).toBe(403);

      const list = await get(fixture.app, viewer, '/api/console/exceptions');
      const detail = await get(fixture.app, viewer, `/api/console/exceptions/${id}`);
      for (const body of [list.body, detail.body]) {
        expect(body).not.toContain('Jane Doe');
        expect(body).not.toContain('jane.doe@');
        expect(body).toContain('***@example.com');
      }
      expect(detail.json<{ subject: { item: { payload: { customer: { name: string } } } } }>().subject.item.payload.customer.name).toBe('J***');

      // The operator sees what they are fixing.
      const operator = await login(fixture.app, 'operator');
      expect((await get(fixture.app, operator, `/api/console/exceptions/${id}`)).body).toContain('Jane Doe');
    });
  });

  describe('health, trace and series on a running hub', () => {
    it('shows a failed booking as an exception, traces the order, and a retry delivers it', async () => {
      fixture = await startConsoleFixture();
      fixture.brokenOrders.add('SO-1001');
      await fixture.placeOrder('SO-1001', 'corr-so-1001');
      await fixture.placeOrder('SO-1002');
      await eventually(async () => (await fixture.adapters.storage.deadLetters.count({ status: 'open' })) === 1 && fixture.erp.effects.size === 1, 'one booked, one dead-lettered');
      const operator = await login(fixture.app, 'operator');

      const health = (await get(fixture.app, operator, '/api/console/health')).json<{
        targets: { target: string; circuit: string; quota: { used: number; limit: number } | null; queue: { dead: number } }[];
        exceptions: { open: number };
        eventLog: { consumers: { name: string; lag: number }[] };
        panels: { id: string; status: string; summary: string }[];
      }>();
      expect(health.targets).toEqual([expect.objectContaining({ target: 'erp', circuit: 'closed', queue: expect.objectContaining({ dead: 1 }) })]);
      expect(health.targets[0]!.quota?.limit).toBe(1_000);
      expect(health.exceptions.open).toBe(1);
      expect(health.eventLog.consumers).toEqual([{ name: 'flows', position: expect.any(Number), lag: 0 }]);
      expect(health.panels).toEqual([expect.objectContaining({ id: 'orders-awaiting-erp-booking', status: 'ok', summary: '0 orders waiting for ERP booking longer than 15 min' })]);

      const list = (await get(fixture.app, operator, '/api/console/exceptions')).json<{ items: { id: number; summary: string; businessKey: string }[] }>();
      expect(list.items).toHaveLength(1);
      expect(list.items[0]).toMatchObject({ businessKey: 'SO-1001', summary: 'Order SO-1001 could not be booked in NetSuite: USER_ERROR (entity.companyName)' });

      const trace = (await get(fixture.app, operator, '/api/console/trace?q=SO-1001')).json<{ matchedAs: string[]; correlationIds: string[]; hops: { kind: string; outcome: string; exceptionId: number | null }[] }>();
      expect(trace.matchedAs).toEqual(['business key']);
      expect(trace.correlationIds).toEqual(['corr-so-1001']);
      expect(trace.hops.map((hop) => hop.kind)).toEqual(['event', 'flow', 'delivery', 'dead-letter']);
      expect(trace.hops.at(-1)).toMatchObject({ outcome: 'failed', exceptionId: list.items[0]!.id });
      const byCorrelation = (await get(fixture.app, operator, '/api/console/trace?q=corr-so-1001')).json<{ matchedAs: string[]; hops: unknown[] }>();
      expect(byCorrelation.matchedAs).toEqual(['correlation id']);
      expect(byCorrelation.hops).toHaveLength(trace.hops.length);

      fixture.brokenOrders.delete('SO-1001');
      const retried = await post(fixture.app, operator, `/api/console/exceptions/${list.items[0]!.id}/retry`, { reason: 'customer name completed in NetSuite' });
      expect(retried.statusCode).toBe(200);
      // Delivered means recorded as delivered by the hub, which the trace reads back.
      const after = await eventually(async () => {
        const trace = (await get(fixture.app, operator, '/api/console/trace?q=SO-1001')).json<{ hops: { kind: string; outcome: string; externalId: string | null }[] }>();
        const delivered = trace.hops.filter((hop) => hop.kind === 'delivery' && hop.outcome === 'ok');
        return delivered.length > 0 ? delivered : undefined;
      }, 'SO-1001 delivered after the retry');
      expect(after).toEqual([expect.objectContaining({ externalId: expect.stringMatching(/^SO-77/) })]);
      const detail = (await get(fixture.app, operator, `/api/console/exceptions/${list.items[0]!.id}`)).json<{ exception: { status: string }; now: string }>();
      expect(detail.exception.status).toBe('retried');
      expect(detail.now).toMatch(/^delivered to the ERP \(id SO-77/);
    });

    it('masks event data in a trace for a viewer', async () => {
      fixture = await startConsoleFixture();
      await fixture.placeOrder('SO-2001');
      await eventually(() => fixture.erp.effects.size === 1, 'booked');
      const viewer = await login(fixture.app, 'viewer');
      const trace = await get(fixture.app, viewer, '/api/console/trace?q=SO-2001');
      expect(trace.statusCode).toBe(200);
      expect(trace.body).toContain('SO-2001');
      expect(trace.body).not.toContain('Jane Doe');
      expect(trace.body).not.toContain('jane.doe@');
      expect(trace.body).not.toContain('+447700900123');
    });

    it('samples chart series: throughput, latency percentiles, queue depth', async () => {
      fixture = await startConsoleFixture();
      const admin = await login(fixture.app, 'admin');
      expect((await get(fixture.app, admin, '/api/console/metrics/series')).json<{ samples: unknown[] }>().samples).toEqual([]);
      await fixture.placeOrder('SO-3001');
      await fixture.placeOrder('SO-3002');
      await eventually(async () => (await fixture.adapters.storage.delivery.stats('erp'))[0]?.delivered === 2, 'both recorded as delivered');
      const series = await sampleThroughRoute(fixture, admin);
      expect(series.delivered).toBe(2);
      expect(series.latencyMs.p50).toBeGreaterThanOrEqual(0);
      expect(series.queueDepth).toBe(0);
      expect(series.byTarget.erp).toMatchObject({ delivered: 2, errors: 0 });
    });

    it('shows the audit log to an admin only', async () => {
      fixture = await startConsoleFixture({ startHub: false });
      const [id] = await seedDeadLetters(fixture.adapters.storage, { count: 1 });
      const admin = await login(fixture.app, 'admin');
      await post(fixture.app, admin, `/api/console/exceptions/${id}/resolve`, { reason: 'booked by hand' });
      const audit = await get(fixture.app, admin, '/api/console/audit');
      expect(audit.json<{ entries: { actor: string; subject: string }[] }>().entries).toEqual([expect.objectContaining({ actor: 'admin', subject: `dead-letter:${id}` })]);
      expect((await get(fixture.app, await login(fixture.app, 'operator'), '/api/console/audit')).statusCode).toBe(403);
    });
  });
});

/** Closes the sampler's current interval (its timer is set to a minute in the fixture) and reads it through the route. */
async function sampleThroughRoute(fixture: ConsoleFixture, session: Session) {
  await fixture.sampleMetrics();
  const body = (await get(fixture.app, session, '/api/console/metrics/series')).json<{
    samples: { delivered: number; latencyMs: { p50: number | null }; queueDepth: number; byTarget: Record<string, { delivered: number; errors: number }> }[];
  }>();
  expect(body.samples).toHaveLength(1);
  return body.samples[0]!;
}
