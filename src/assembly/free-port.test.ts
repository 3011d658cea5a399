import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { bindsOn, freePort } from './free-port.ts';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

function listenOn(port: number): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    servers.push(server);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
}

const ephemeralLow = (() => {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  } catch {
    return 32768;
  }
})();

describe('freePort', () => {
  it('picks a free port below the range the OS hands out for port 0, so no listen(0) can take it while it is unbound', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThanOrEqual(20000);
    expect(port).toBeLessThan(ephemeralLow);
    expect(await bindsOn(port)).toBe(true);
  });

  it('keeps a free preferred port, and picks another when it is taken', async () => {
    const preferred = await freePort();
    expect(await freePort(preferred)).toBe(preferred);
    const taken = await listenOn(preferred);
    expect(await bindsOn(taken)).toBe(false);
    const other = await freePort(taken);
    expect(other).not.toBe(taken);
    expect(await bindsOn(other)).toBe(true);
  });
});
