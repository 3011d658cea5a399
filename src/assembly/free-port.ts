import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Linux's default, when /proc cannot be read (another OS): the ports the OS hands out for port 0. */
const DEFAULT_EPHEMERAL = { low: 32768, high: 60999 };
const LOWEST_CANDIDATE = 20000;
const TRIES = 50;

function ephemeralRange(): { low: number; high: number } {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low !== undefined && high !== undefined && Number.isInteger(low) && Number.isInteger(high)) return { low, high };
  } catch {
    // Not Linux: assume its usual range.
  }
  return DEFAULT_EPHEMERAL;
}

/** Whether a server could listen on the port now (it is closed again at once). */
export function bindsOn(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' || error.code === 'EACCES' ? resolve(false) : reject(error)));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/**
 * A TCP port on the loopback interface the hub can listen on: `preferred` when it is free,
 * otherwise any free one. The hub's URL must be known before it listens (the sandboxes'
 * webhooks name it), and a hub restarted after a crash listens on the same port again, so the
 * port stays unbound for a while. It is therefore taken below the OS's ephemeral range: a port
 * the OS handed out for `listen(0)` and got back could be handed to the next server that
 * listens on port 0 (a sandbox, a parallel test's hub) in that gap; a port below the range is
 * never handed out that way.
 */
export async function freePort(preferred = 0): Promise<number> {
  if (preferred !== 0 && (await bindsOn(preferred))) return preferred;
  const high = Math.max(LOWEST_CANDIDATE + 1, ephemeralRange().low - 1);
  for (let attempt = 0; attempt < TRIES; attempt++) {
    const port = LOWEST_CANDIDATE + Math.floor(Math.random() * (high - LOWEST_CANDIDATE));
    if (await bindsOn(port)) return port;
  }
  throw new Error(`no free port between ${LOWEST_CANDIDATE} and ${high} after ${TRIES} tries`);
}
