import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { DemoReport } from './demo/report.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'crossdock-demo-test-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('crossdock demo (spawned, as a user runs it)', () => {
  it('plays a short retail day through the sandboxes and the flows, writes the report and exits 0', async () => {
    const reportFile = join(folder, 'report.json');
    const child = spawn(process.execPath, ['bin/crossdock.mjs', 'demo', '--duration', '4', '--rate', '6', '--seed', '7', '--port', '0', '--report', reportFile], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/console\s+http:\/\/127\.0\.0\.1:\d+\/console\//);
    expect(stdout).toMatch(/Demo finished after/);

    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as DemoReport;
    expect(report).toMatchObject({ seed: 7, durationSeconds: 4, rate: 6, quiet: true });
    expect(report.traffic.total).toBeGreaterThan(5);
    // The initial load alone publishes the catalogue; the day adds orders, stock and more.
    expect(report.hub.events).toBeGreaterThan(28);
    const failed = Object.entries(report.invariants).filter(([, result]) => !result.ok);
    expect(failed).toEqual([]);

    // The hub's log went to the file it named, not the terminal: JSON lines, each about one
    // event's journey carrying its correlation id.
    const logFile = /logs\s+(\S+\.log)/.exec(stdout)?.[1];
    expect(logFile).toBeDefined();
    const lines = readFileSync(logFile!, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { correlationId?: string; msg: string });
    rmSync(logFile!, { force: true });
    expect(lines.length).toBeGreaterThan(0);
    const aboutEvents = lines.filter((line) => /^(flow |delivery |inbound )/.test(line.msg));
    expect(aboutEvents.length).toBeGreaterThan(0);
    expect(aboutEvents.filter((line) => !line.correlationId)).toEqual([]);
  }, 120_000);
});
