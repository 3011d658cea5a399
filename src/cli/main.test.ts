import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../adapters/sqlite/index.ts';
import { runCli } from './main.ts';
import { bufferedIo } from './testing.ts';

const folder = mkdtempSync(join(tmpdir(), 'crossdock-cli-'));
const database = join(folder, 'hub.sqlite');
const configFile = join(folder, 'crossdock.yaml');
const deadLetterIds: number[] = [];

/** A hub database with one order that failed permanently at the ERP, and its events. */
beforeAll(async () => {
  writeFileSync(configFile, `storage:\n  kind: sqlite\n  path: ${JSON.stringify(database)}\n`);
  const { bus, storage, close } = await openSqlite({ path: database });
  const now = Date.now();
  await bus.publish([
    {
      specversion: '1.0',
      id: 'shopify-order-5001',
      source: 'crossdock://shopify/acme',
      type: 'retail.order.placed.v1',
      subject: 'SO-1001',
      time: new Date(now - 250).toISOString(),
      data: { orderNumber: 'SO-1001' },
      correlationid: 'corr-1001',
    },
  ]);
  for (const [index, orderNumber] of ['SO-1001', 'SO-1002', 'SO-1003'].entries()) {
    await storage.delivery.enqueue([
      {
        target: 'erp',
        kind: 'command',
        key: orderNumber,
        operation: 'bookOrder',
        payload: { orderNumber },
        idempotencyKey: `book:${orderNumber}`,
        context: { entity: 'order', businessKey: orderNumber },
        correlationId: `corr-${1001 + index}`,
      },
    ]);
    const [claimed] = await storage.delivery.claim('erp', { limit: 1, now: Date.now(), leaseMs: 60_000 });
    deadLetterIds.push(
      await storage.delivery.deadLetter(claimed!.id, {
        error: { type: 'PermanentError', message: 'Invalid customer reference 4711', retryable: false, code: 'INVALID_KEY_OR_REF', field: 'entity', system: 'netsuite' },
        now: Date.now(),
      }),
    );
  }
  await close();
});

afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function run(...argv: string[]) {
  const io = bufferedIo({ CROSSDOCK_CONFIG: configFile, USER: 'test-operator' });
  const code = await runCli(argv, io);
  return { code, out: io.output(), err: io.errors() };
}

describe('crossdock CLI: errors', () => {
  it('exits 2 and names the key of a configuration error', async () => {
    const bad = join(folder, 'bad.yaml');
    writeFileSync(bad, 'http:\n  port: 80a\nsystems:\n  erp: { connector: netsuit }\n');
    const { code, err } = await run('dlq', 'list', '--config', bad);
    expect(code).toBe(2);
    expect(err).toContain(`${bad}:2: http.port: must be an integer between 1 and 65535, got "80a"`);
    expect(err).toContain(`${bad}:4: systems.erp.connector: must be one of`);
  });

  it('says plainly that Postgres arrives later', async () => {
    const postgres = join(folder, 'postgres.yaml');
    writeFileSync(postgres, 'storage: { kind: postgres, url: "postgres://db/hub" }\n');
    const { code, err } = await run('dlq', 'list', '--config', postgres);
    expect(code).toBe(2);
    expect(err).toMatch(/Postgres adapter arrives in a later release/);
  });

  it('rejects an unknown command with commander\'s message and a non-zero exit', async () => {
    const { code, err } = await run('dql', 'list');
    expect(code).not.toBe(0);
    expect(err).toMatch(/unknown command 'dql'/);
  });

  it('rejects an unknown option', async () => {
    const { code, err } = await run('dlq', 'list', '--stauts', 'open');
    expect(code).not.toBe(0);
    expect(err).toMatch(/unknown option '--stauts'/);
  });

  it('requires a reason for an action on dead letters', async () => {
    const { code, err } = await run('dlq', 'retry', String(deadLetterIds[0]));
    expect(code).not.toBe(0);
    expect(err).toMatch(/required option '--reason <text>' not specified/);
  });
});

describe('crossdock dlq', () => {
  it('lists open dead letters as a table', async () => {
    const { code, out } = await run('dlq', 'list');
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^ID\s+AGE\s+KIND\s+TARGET\s+KEY\s+ERROR$/);
    expect(lines[1]).toMatch(new RegExp(`^${deadLetterIds[0]}\\s+\\d+s\\s+delivery\\s+erp\\s+SO-1001\\s+INVALID_KEY_OR_REF: Invalid customer reference 4711$`));
    expect(out).toContain('3 of 3 open dead letters shown');
  });

  it('lists as JSON', async () => {
    const { code, out } = await run('dlq', 'list', '--json', '--limit', '2');
    expect(code).toBe(0);
    const parsed = JSON.parse(out) as { total: number; deadLetters: { id: number; key: string }[] };
    expect(parsed.total).toBe(3);
    expect(parsed.deadLetters.map((entry) => entry.key)).toEqual(['SO-1001', 'SO-1002']);
  });

  it('retries, resolves and discards with an audit entry each, and refuses to act twice', async () => {
    const [retried, resolved, discarded] = deadLetterIds as [number, number, number];
    expect((await run('dlq', 'retry', String(retried), '--reason', 'customer 4711 created in NetSuite')).out).toContain(`#${retried}: retried (erp SO-1001), audited as test-operator`);
    expect((await run('dlq', 'resolve', String(resolved), '--reason', 'booked by hand', '--actor', 'jane.ops')).code).toBe(0);
    expect((await run('dlq', 'discard', String(discarded), '--reason', 'test order')).code).toBe(0);

    const again = await run('dlq', 'retry', String(retried), '--reason', 'twice');
    expect(again.code).toBe(1);
    expect(again.err).toContain(`#${retried}: not open any more (it is retried); nothing done`);
    const missing = await run('dlq', 'resolve', '999999', '--reason', 'nothing there');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('#999999: no such dead letter');

    const { storage, close } = await openSqlite({ path: database });
    try {
      const audit = await storage.audit.list({ limit: 10 });
      expect(audit.map(({ actor, action, subject, reason }) => ({ actor, action, subject, reason }))).toEqual(
        expect.arrayContaining([
          { actor: 'test-operator', action: 'dead-letter.retried', subject: `dead-letter:${retried}`, reason: 'customer 4711 created in NetSuite' },
          { actor: 'jane.ops', action: 'dead-letter.resolved', subject: `dead-letter:${resolved}`, reason: 'booked by hand' },
          { actor: 'test-operator', action: 'dead-letter.discarded', subject: `dead-letter:${discarded}`, reason: 'test order' },
        ]),
      );
      expect(audit).toHaveLength(3);
      // A retried delivery dead letter is back in its queue.
      const [item] = await storage.delivery.find({ key: 'SO-1001' });
      expect(item).toMatchObject({ status: 'pending', attempts: 0 });
    } finally {
      await close();
    }
    expect((await run('dlq', 'list')).out).toContain('no open dead letters');
    expect((await run('dlq', 'list', '--status', 'all')).out).toMatch(/STATUS/);
  });

  it('rejects an id that is not a number', async () => {
    const { code, err } = await run('dlq', 'retry', 'SO-1001', '--reason', 'x');
    expect(code).toBe(1);
    expect(err).toContain('"SO-1001" is not a dead letter id');
  });
});

describe('crossdock trace', () => {
  it('shows the hops of a business key: delivery and dead letter', async () => {
    const { code, out } = await run('trace', 'SO-1002');
    expect(code).toBe(0);
    expect(out).toMatch(/^trace of SO-1002 \(business key\): 2 hops/);
    expect(out).toMatch(/the ERP\s+bookOrder SO-1002\s+info: queued for the ERP \(command, item #\d+\)/);
    expect(out).toMatch(/the ERP\s+exception #\d+ for SO-1002\s+info: INVALID_KEY_OR_REF \(entity\): Invalid customer reference 4711 \(resolved\)/);
  });

  it('follows a correlation id, and shows the ingest delay of an event', async () => {
    const { code, out } = await run('trace', 'corr-1001', '--json');
    expect(code).toBe(0);
    const trace = JSON.parse(out) as { matchedAs: string[]; hops: { kind: string; system: string; title: string; detail: string; latencyMs: number | null; data?: unknown }[] };
    expect(trace.matchedAs).toEqual(['correlation id']);
    expect(trace.hops.map((hop) => hop.kind)).toEqual(['event', 'delivery', 'dead-letter']);
    expect(trace.hops[0]).toMatchObject({ system: 'acme', title: 'retail.order.placed.v1 SO-1001', detail: expect.stringMatching(/^logged as #1, \d+ ms after it happened$/) });
    expect(trace.hops[0]!.latencyMs).toBeGreaterThanOrEqual(250);
    // The event's data (a customer's details) is not printed.
    expect(trace.hops[0]).not.toHaveProperty('data');
  });

  it('exits 1 when nothing is known about the key', async () => {
    const { code, out } = await run('trace', 'SO-404');
    expect(code).toBe(1);
    expect(out).toContain('nothing recorded for "SO-404"');
  });
});
