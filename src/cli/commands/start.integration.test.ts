import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../adapters/sqlite/index.ts';
import { hashConsolePassword } from '../../console/index.ts';
import { eventually } from '../../ports/conformance/harness.ts';
import { startWmsSandbox } from '../../sandboxes/wms/index.ts';
import { runCli } from '../main.ts';
import { bufferedIo } from '../testing.ts';

describe('crossdock start', () => {
  const folder = mkdtempSync(join(tmpdir(), 'crossdock-start-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('serves POST /events and /healthz, logs JSON without secrets, and stops cleanly on a signal', async () => {
    const database = join(folder, 'hub.sqlite');
    const configFile = join(folder, 'crossdock.yaml');
    writeFileSync(configFile, `storage: { kind: sqlite, path: ${JSON.stringify(database)} }\ninbound: { apiKeys: ["\${env:POS_KEY}"] }\n`);
    const stop = new AbortController();
    const io = bufferedIo({ POS_KEY: 'pos-store-0042-0123456789' }, stop.signal);
    const running = runCli(['start', '--config', configFile, '--port', '0'], io);

    await eventually(() => io.output().includes('crossdock listening on'), 'listening');
    const lines = io.output().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const listening = lines.find((line) => typeof line.msg === 'string' && line.msg.startsWith('crossdock listening on'))!;
    const url = listening.url as string;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    // No `console:` block: the API only.
    expect((await fetch(`${url}/console/`)).status).toBe(404);
    const accepted = await fetch(`${url}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json', authorization: 'Bearer pos-store-0042-0123456789' },
      body: JSON.stringify({ specversion: '1.0', id: 'pos-1', source: 'urn:pos:store-0042', type: 'retail.inventory.level-changed.v1', subject: 'SKU-1@STORE-0042', data: { available: 3 } }),
    });
    expect(accepted.status).toBe(202);

    stop.abort();
    expect(await running).toBe(0);
    expect(io.output()).toContain('"msg":"stopped"');
    expect(io.output()).not.toContain('pos-store-0042-0123456789');

    const { bus, close } = await openSqlite({ path: database });
    try {
      expect((await bus.find({ subject: 'SKU-1@STORE-0042' })).map((entry) => entry.event.id)).toEqual(['pos-1']);
    } finally {
      await close();
    }
  });

  it('builds the configured connectors: deliveries reach the system, its webhooks are verified', async () => {
    const wms = await startWmsSandbox({ initialStock: { 'SKU-1': 5 }, requestsPerSecond: 1_000 });
    try {
      const configFile = join(folder, 'with-wms.yaml');
      writeFileSync(
        configFile,
        [
          `storage: { kind: sqlite, path: ${JSON.stringify(join(folder, 'wms-hub.sqlite'))} }`,
          'systems:',
          '  wms:',
          '    connector: wms',
          `    settings: { baseUrl: ${JSON.stringify(wms.url)}, apiKey: "\${env:WMS_KEY}", webhookSecret: whsec_test, warehouseLocationCode: DC-EAST }`,
        ].join('\n'),
      );
      const stop = new AbortController();
      const io = bufferedIo({ WMS_KEY: wms.apiKey }, stop.signal);
      const running = runCli(['start', '--config', configFile, '--port', '0'], io);
      await eventually(() => io.output().includes('crossdock listening on'), 'listening');
      expect(io.output()).toContain('"role":"wms","system":"wms"');
      const url = (io.output().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => String(line.msg).startsWith('crossdock listening on'))!.url) as string;
      const forged = await fetch(`${url}/webhooks/wms`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wms-signature': 't=1,v1=00' }, body: '{}' });
      expect(forged.status).toBe(401);
      expect((await fetch(`${url}/metrics`)).status).toBe(200);
      stop.abort();
      expect(await running).toBe(0);
      expect(io.output()).not.toContain(wms.apiKey);
    } finally {
      await wms.close();
    }
  });

  it('serves the console when the configuration has a console block, and logs where it is', async () => {
    const passwordHash = await hashConsolePassword('Kassel-Lager-7', { N: 1024, r: 8, p: 1 });
    const cookieSecret = 'console-cookie-secret-0123456789abcdef';
    const configFile = join(folder, 'with-console.yaml');
    writeFileSync(
      configFile,
      [
        `storage: { kind: sqlite, path: ${JSON.stringify(join(folder, 'console-hub.sqlite'))} }`,
        'console:',
        `  users: [{ name: maria, role: operator, passwordHash: "${passwordHash}" }]`,
        '  cookieSecret: ${env:CROSSDOCK_CONSOLE_COOKIE_SECRET}',
        '  traceLink: "https://tempo.example.com/explore?traceId={traceId}"',
      ].join('\n'),
    );
    const stop = new AbortController();
    const io = bufferedIo({ CROSSDOCK_CONSOLE_COOKIE_SECRET: cookieSecret }, stop.signal);
    const running = runCli(['start', '--config', configFile, '--port', '0'], io);
    await eventually(() => io.output().includes('"msg":"console at '), 'the console URL logged');
    const lines = io.output().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const url = lines.find((line) => String(line.msg).startsWith('crossdock listening on'))!.url as string;
    expect(lines.find((line) => String(line.msg).startsWith('console at'))).toMatchObject({ msg: `console at ${url}/console/`, url: `${url}/console/` });

    const page = await fetch(`${url}/console/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const login = await fetch(`${url}/api/console/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'maria', password: 'Kassel-Lager-7' }) });
    expect(login.status).toBe(200);
    expect(await login.json()).toMatchObject({ user: 'maria', role: 'operator' });
    // The configured trace link reaches the console's trace answers.
    const trace = await fetch(`${url}/api/console/trace?q=SHOP-1001`, { headers: { cookie: login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') } });
    expect(trace.status).toBe(200);
    expect(await trace.json()).toMatchObject({ traceLink: 'https://tempo.example.com/explore?traceId={traceId}' });
    const wrong = await fetch(`${url}/api/console/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'maria', password: 'wrong' }) });
    expect(wrong.status).toBe(401);

    stop.abort();
    expect(await running).toBe(0);
    expect(io.output()).not.toContain(cookieSecret);
    expect(io.output()).not.toContain(passwordHash);
  });

  it('refuses to start when a connector setting is missing, naming the key', async () => {
    const configFile = join(folder, 'broken.yaml');
    writeFileSync(configFile, `storage: { kind: sqlite, path: ${JSON.stringify(join(folder, 'broken.sqlite'))} }\nsystems:\n  payments:\n    connector: payments\n    settings: {}\n`);
    const io = bufferedIo({}, new AbortController().signal);
    expect(await runCli(['start', '--config', configFile, '--port', '0'], io)).toBe(2);
    expect(io.errors()).toContain('systems.payments.settings.secretKey: required by the payments connector');
  });
});
