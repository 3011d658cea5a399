import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { BackfillJobStore, type BackfillJob } from '../../backfill/job.ts';
import { startConsoleFixture, type ConsoleFixture } from '../testing.ts';

let fixture: ConsoleFixture | undefined;
afterEach(async () => fixture?.close());

async function cookieOf(app: FastifyInstance, user: string): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/api/console/login', payload: { user, password: `${user}-pw` } });
  expect(response.statusCode).toBe(200);
  return `crossdock_console=${response.cookies.find((cookie) => cookie.name === 'crossdock_console')!.value}`;
}

function job(overrides: Partial<BackfillJob>): BackfillJob {
  return {
    id: 'customer:erp->crm', entity: 'customer', from: 'erp', to: 'crm', sourceSystem: 'netsuite', targetSystem: 'salesforce', path: 'bulk', operation: 'upsertCustomer',
    status: 'running', run: 1, cursor: '4000', chunks: 4, read: 4_000, written: 3_998, failed: 2, estimatedTotal: 10_000,
    quota: { share: 0.5, requests: 28, waits: 0, peakInFlight: 1, concurrencyLimit: 4, requestLimit: 60_000, costCapacity: null },
    recentFailures: [
      { key: 'netsuite customer 17', stage: 'source', reason: 'not a valid Customer: emails[0].address must be an e-mail address', field: 'emails[0].address', at: 1 },
      { key: 'CUST-42', stage: 'target', reason: 'STRING_TOO_LONG: First Name: data value too large: Maximiliana', field: 'FirstName', code: 'STRING_TOO_LONG', at: 2 },
    ],
    startedAt: 0, resumedAt: 0, readAtResume: 0, updatedAt: 0, finishedAt: null, lastError: null, revision: 0, ...overrides,
  };
}

describe('GET /api/console/backfills', () => {
  it('lists backfills with progress, rate and ETA; a viewer gets target refusals without the quoted value', async () => {
    fixture = await startConsoleFixture({ startHub: false });
    const jobs = new BackfillJobStore(fixture.adapters.storage.records, () => 20_000);
    await jobs.save(job({}));
    await jobs.save(job({ id: 'product:erp->commerce', entity: 'product', to: 'commerce', status: 'completed', read: 500, written: 500, failed: 0, estimatedTotal: 500, recentFailures: [], finishedAt: 10_000 }));

    const operator = await fixture.app.inject({ method: 'GET', url: '/api/console/backfills', headers: { cookie: await cookieOf(fixture.app, 'operator') } });
    expect(operator.statusCode).toBe(200);
    const body = operator.json<{ backfills: { id: string; status: string; progress: { fraction: number; ratePerSecond: number | null; etaMs: number | null }; recentFailures: { reason: string; field: string | null }[] }[] }>();
    const running = body.backfills.find((entry) => entry.id === 'customer:erp->crm')!;
    expect(running).toMatchObject({ status: 'running', read: 4_000, estimatedTotal: 10_000, quota: { share: 0.5 } });
    expect(running.progress.fraction).toBeCloseTo(0.4);
    expect(running.progress.ratePerSecond).toBeGreaterThan(0);
    expect(running.progress.etaMs).toBeGreaterThan(0);
    expect(running.recentFailures[1]).toMatchObject({ field: 'FirstName', reason: expect.stringContaining('Maximiliana') });
    expect(body.backfills.find((entry) => entry.id === 'product:erp->commerce')).toMatchObject({ status: 'completed', progress: { fraction: 1, etaMs: null } });

    const viewer = await fixture.app.inject({ method: 'GET', url: '/api/console/backfills', headers: { cookie: await cookieOf(fixture.app, 'viewer') } });
    expect(viewer.body).not.toContain('Maximiliana');
    expect(viewer.json<typeof body>().backfills.find((entry) => entry.id === 'customer:erp->crm')!.recentFailures[1]).toMatchObject({ field: 'FirstName', reason: 'refused by the target (STRING_TOO_LONG)' });
  });

  it('needs a session', async () => {
    fixture = await startConsoleFixture({ startHub: false });
    expect((await fixture.app.inject({ method: 'GET', url: '/api/console/backfills' })).statusCode).toBe(401);
  });
});
