import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('crossdock demo (spawned, as a user runs it)', () => {
  it('plays events through the hub, delivers them and exits 0', async () => {
    const child = spawn(process.execPath, ['bin/crossdock.mjs', 'demo', '--duration', '2', '--rate', '50'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/hub listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).toMatch(/Demo finished after/);
    const published = Number(/events published\s+(\d+) \((\d+) via POST \/events\)/.exec(stdout)?.[1]);
    const viaHttp = Number(/events published\s+\d+ \((\d+) via POST \/events\)/.exec(stdout)?.[1]);
    const delivered = Number(/delivered\s+(\d+) state updates/.exec(stdout)?.[1]);
    expect(published).toBe(100);
    expect(viaHttp).toBeGreaterThan(0);
    expect(delivered).toBeGreaterThan(0);
  });
});
