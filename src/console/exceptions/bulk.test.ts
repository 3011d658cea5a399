import { afterEach, describe, expect, it, vi } from 'vitest';
import { consoleGet, consolePost, loginAs, seedDeadLetters, startConsoleFixture, type ConsoleFixture } from '../testing.ts';

interface MatchingCount {
  count: number;
  upToId: number | null;
}

interface BulkMatchingResult {
  matched: number;
  done: number;
  notOpen: number;
  arrivedSince: number;
  upToId: number;
}

const USER_ERRORS = { target: 'erp', errorCode: 'USER_ERROR' };

describe('bulk action on every exception matching a filter', () => {
  let fixture: ConsoleFixture;
  afterEach(async () => fixture?.close());

  /** 1,200 ERP USER_ERRORs (the outage), and 300 that share only the target or only the code. */
  async function outage(): Promise<{ matching: number[]; others: number[] }> {
    fixture = await startConsoleFixture({ startHub: false });
    const { storage } = fixture.adapters;
    const matching = await seedDeadLetters(storage, { count: 1_200, keyPrefix: 'SO-', errorCode: () => 'USER_ERROR' });
    const others = [
      ...(await seedDeadLetters(storage, { count: 150, keyPrefix: 'WEB-', errorCode: () => 'DUPLICATE_VALUE' })),
      ...(await seedDeadLetters(storage, { count: 150, keyPrefix: 'WMS-', target: 'wms', errorCode: () => 'USER_ERROR' })),
    ];
    return { matching, others };
  }

  it('retries exactly the 1,200 matching, in chunks, each audited, and leaves the other 300 alone', async () => {
    const { matching, others } = await outage();
    const { storage } = fixture.adapters;
    const operator = await loginAs(fixture.app, 'operator');

    const counted = (await consoleGet(fixture.app, operator, '/api/console/exceptions/matching?target=erp&errorCode=USER_ERROR')).json<MatchingCount>();
    expect(counted).toEqual({ count: 1_200, upToId: Math.max(...matching), filter: USER_ERRORS });

    const list = vi.spyOn(storage.deadLetters, 'list');
    const response = await consolePost(fixture.app, operator, '/api/console/exceptions/bulk/matching', {
      action: 'retry',
      reason: 'NetSuite is back after the outage',
      filter: USER_ERRORS,
      expectedCount: counted.count,
      upToId: counted.upToId,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ action: 'retry', filter: USER_ERRORS, matched: 1_200, done: 1_200, notOpen: 0, notFound: 0, undelivered: 0, arrivedSince: 0, problems: [] });
    // Read in chunks of at most 500 by id, never all at once.
    const chunkReads = list.mock.calls.filter(([query]) => query.throughId !== undefined && !query.newestFirst);
    expect(chunkReads.length).toBeGreaterThanOrEqual(3);
    expect(chunkReads.every(([query]) => (query.limit ?? 0) <= 500)).toBe(true);

    expect(await storage.deadLetters.count({ status: 'retried' })).toBe(1_200);
    expect(await storage.deadLetters.count({ status: 'retried', target: 'erp', errorCode: 'USER_ERROR' })).toBe(1_200);
    expect((await storage.delivery.stats('erp'))[0]).toMatchObject({ pending: 1_200, dead: 150 });
    for (const id of others) expect((await storage.deadLetters.get(id))?.status).toBe('open');
    expect((await storage.delivery.stats('wms'))[0]).toMatchObject({ pending: 0, dead: 150 });

    // One audit entry per exception, by the logged-in operator with the reason, plus one for the bulk decision.
    const audit = await storage.audit.list({ limit: 2_000 });
    const retried = audit.filter((entry) => entry.action === 'dead-letter.retried');
    expect(retried).toHaveLength(1_200);
    expect(new Set(retried.map((entry) => entry.subject))).toEqual(new Set(matching.map((id) => `dead-letter:${id}`)));
    expect(retried.every((entry) => entry.actor === 'operator' && entry.reason === 'NetSuite is back after the outage')).toBe(true);
    expect(audit.filter((entry) => entry.action === 'dead-letters.bulk-retried')).toEqual([
      expect.objectContaining({ actor: 'operator', subject: 'dead-letters:bulk', detail: expect.objectContaining({ filter: USER_ERRORS, matched: 1_200, done: 1_200, arrivedSince: 0 }) }),
    ]);
  });

  it('acts on what the operator saw: exceptions that arrived since are left open and reported', async () => {
    await outage();
    const { storage } = fixture.adapters;
    const operator = await loginAs(fixture.app, 'operator');
    const counted = (await consoleGet(fixture.app, operator, '/api/console/exceptions/matching?target=erp&errorCode=USER_ERROR')).json<MatchingCount>();
    // The ERP is still failing: five more arrive while the operator reads the confirmation.
    const arrived = await seedDeadLetters(storage, { count: 5, keyPrefix: 'LATE-', errorCode: () => 'USER_ERROR' });

    const response = await consolePost(fixture.app, operator, '/api/console/exceptions/bulk/matching', { action: 'discard', reason: 'test orders', filter: USER_ERRORS, expectedCount: 1_200, upToId: counted.upToId });
    expect(response.statusCode).toBe(200);
    expect(response.json<BulkMatchingResult>()).toMatchObject({ matched: 1_200, done: 1_200, arrivedSince: 5 });
    for (const id of arrived) expect((await storage.deadLetters.get(id))?.status).toBe('open');
    expect(await storage.deadLetters.count({ status: 'discarded' })).toBe(1_200);
  });

  it('refuses, changing nothing, when the confirmed count is no longer true beyond the arrivals', async () => {
    const { matching } = await outage();
    const { storage } = fixture.adapters;
    const operator = await loginAs(fixture.app, 'operator');
    const counted = (await consoleGet(fixture.app, operator, '/api/console/exceptions/matching?target=erp&errorCode=USER_ERROR')).json<MatchingCount>();
    // A colleague resolves one meanwhile, and one more arrives.
    await consolePost(fixture.app, await loginAs(fixture.app, 'admin'), `/api/console/exceptions/${matching[7]}/resolve`, { reason: 'booked by hand' });
    await seedDeadLetters(storage, { count: 1, keyPrefix: 'LATE-', errorCode: () => 'USER_ERROR' });

    const refused = await consolePost(fixture.app, operator, '/api/console/exceptions/bulk/matching', { action: 'retry', reason: 'ERP is back', filter: USER_ERRORS, expectedCount: 1_200, upToId: counted.upToId });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      error: { code: 'COUNT_CHANGED', message: expect.stringContaining('you confirmed 1200, but 1199 of those are open now (and 1 more arrived since') },
      expectedCount: 1_200,
      stillOpen: 1_199,
      arrivedSince: 1,
      matching: { count: 1_200, upToId: expect.any(Number) },
    });
    expect(await storage.deadLetters.count({ status: 'retried' })).toBe(0);

    // Without the id the count came with, any difference refuses: arrivals cannot be told apart.
    const blind = await consolePost(fixture.app, operator, '/api/console/exceptions/bulk/matching', { action: 'retry', reason: 'ERP is back', filter: USER_ERRORS, expectedCount: 1_199 });
    expect(blind.statusCode).toBe(409);
    expect(await storage.deadLetters.count({ status: 'retried' })).toBe(0);

    // Confirmed again with the new count, it goes through.
    const again = await consolePost(fixture.app, operator, '/api/console/exceptions/bulk/matching', { action: 'retry', reason: 'ERP is back', filter: USER_ERRORS, expectedCount: 1_200 });
    expect(again.json<BulkMatchingResult>()).toMatchObject({ matched: 1_200, done: 1_200, arrivedSince: 0 });
  });

  it('refuses a viewer (403) and a request without a reason or a count (400)', async () => {
    await outage();
    const { storage } = fixture.adapters;
    const viewer = await loginAs(fixture.app, 'viewer');
    expect((await consoleGet(fixture.app, viewer, '/api/console/exceptions/matching?errorCode=USER_ERROR')).json<MatchingCount>().count).toBe(1_350);
    const denied = await consolePost(fixture.app, viewer, '/api/console/exceptions/bulk/matching', { action: 'retry', reason: 'try', filter: USER_ERRORS, expectedCount: 1_200 });
    expect(denied.statusCode).toBe(403);
    expect(denied.json<{ error: { code: string } }>().error.code).toBe('FORBIDDEN');

    const operator = await loginAs(fixture.app, 'operator');
    expect((await consolePost(fixture.app, operator, '/api/console/exceptions/bulk/matching', { action: 'retry', reason: ' ', filter: USER_ERRORS, expectedCount: 1_200 })).statusCode).toBe(400);
    expect((await consolePost(fixture.app, operator, '/api/console/exceptions/bulk/matching', { action: 'retry', reason: 'ERP is back', filter: USER_ERRORS })).statusCode).toBe(400);
    expect(await storage.deadLetters.count({ status: 'open' })).toBe(1_500);
  });
});
