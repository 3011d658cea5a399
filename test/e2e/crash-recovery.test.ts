import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const EVENTS = 20_000;
const KILLS = 6;
const worker = fileURLToPath(new URL('./crash/worker.ts', import.meta.url));

interface Recorded {
  idempotencyKey: string;
  key: string;
  payload: { index: number; perKey: number; eventId: string };
}

/**
 * The crash test of the foundation issue: a child process runs a burst of 20,000 events through
 * log -> flow -> delivery into a recording target (this process, over HTTP), is killed with
 * SIGKILL at random points several times and restarted; afterwards every event's effect must be
 * present exactly once, in order per key.
 */
describe('crash recovery (SIGKILL during a burst)', () => {
  let server: Server;
  let url: string;
  const directory = mkdtempSync(join(tmpdir(), 'crossdock-crash-'));
  /** Every request as received (duplicates included): what a target sees. */
  const attempts: Recorded[] = [];
  /** First effect per idempotency key, in arrival order: what a deduplicating target keeps. */
  const effects = new Map<string, Recorded>();

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        for (const record of JSON.parse(body) as Recorded[]) {
          attempts.push(record);
          if (!effects.has(record.idempotencyKey)) effects.set(record.idempotencyKey, record);
        }
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/record`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(directory, { recursive: true, force: true });
  });

  function startWorker(): { child: ChildProcess; exited: Promise<number | null>; started: Promise<void> } {
    const child = spawn(process.execPath, ['--import', 'tsx', worker, join(directory, 'hub.sqlite'), url, String(EVENTS)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    const started = new Promise<void>((resolve) => {
      child.stdout!.on('data', (chunk) => {
        output += chunk;
        if (output.includes('started')) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, exited, started };
  }

  it('keeps every effect exactly once across repeated SIGKILLs', async () => {
    const killedAt: number[] = [];
    // Kill points spread over the burst at random: one in each sixth of it, so every crash
    // lands mid-burst however fast the machine is.
    const killPoints = Array.from({ length: KILLS }, (_, kill) => Math.floor(((kill + Math.random() * 0.8 + 0.1) * EVENTS) / KILLS));
    for (const point of killPoints) {
      const { child, exited, started } = startWorker();
      await started;
      const deadline = Date.now() + 60_000;
      while (effects.size < point && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
      child.kill('SIGKILL');
      await exited;
      killedAt.push(effects.size);
    }
    const last = startWorker();
    expect(await last.exited).toBe(0);

    // Crashes happened mid-burst, not after it.
    expect(killedAt.filter((progress) => progress < EVENTS).length).toBeGreaterThanOrEqual(5);

    // Exactly once: one effect per event, none missing, none extra, none from two flow runs.
    const byEvent = new Map<string, number>();
    for (const effect of effects.values()) byEvent.set(effect.payload.eventId, (byEvent.get(effect.payload.eventId) ?? 0) + 1);
    expect(byEvent.size).toBe(EVENTS);
    expect([...byEvent.values()].every((times) => times === 1)).toBe(true);
    for (let index = 0; index < EVENTS; index++) expect(byEvent.has(`crash-${index}`)).toBe(true);

    // Per key, effects arrived in the order the events were logged.
    const lastPerKey = new Map<string, number>();
    for (const effect of effects.values()) {
      const previous = lastPerKey.get(effect.key) ?? -1;
      expect(effect.payload.perKey).toBeGreaterThan(previous);
      lastPerKey.set(effect.key, effect.payload.perKey);
    }
    // Redelivery after a crash is expected (at-least-once), and the target's dedupe absorbs it.
    expect(attempts.length).toBeGreaterThanOrEqual(EVENTS);
  }, 240_000);
});
