import { randomBytes } from 'node:crypto';
import { Command, InvalidArgumentError } from 'commander';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { openSqlite } from '../../adapters/sqlite/index.ts';
import { registerOperationsRoutes } from '../../api/operations-routes.ts';
import { createHubServer } from '../../api/server.ts';
import { consolePlugin, DEMO_CONSOLE_CREDENTIALS, demoConsoleUsers } from '../../console/index.ts';
import { createLogger } from '../../observability/logger.ts';
import { Hub } from '../../runtime/hub.ts';
import { seededRandom } from '../../sandboxes/kit/random.ts';
import type { CommandContext } from '../context.ts';
import { inventorySyncScenario } from '../demo/inventory-sync.ts';
import { playEvents, type PlayerCounts } from '../demo/player.ts';
import { progressLine, snapshot, type DemoSnapshot } from '../demo/progress.ts';
import { duration } from '../format.ts';
import { ExitCode } from '../io.ts';

interface DemoOptions {
  duration: number;
  rate: number;
  seed: number;
  keep?: boolean;
}

/** After the last event, how long the demo waits for the hub to finish delivering. */
const DRAIN_LIMIT_MS = 10_000;

/** `crossdock demo`: the whole hub in one process on a throw-away SQLite database. */
export function demoCommand(context: CommandContext, setExitCode: (code: number) => void): Command {
  return new Command('demo')
    .description('run the hub in one process on a temporary database and play seeded retail events through it')
    .option('--duration <seconds>', 'how long to play events', positiveNumber('--duration'), 10)
    .option('--rate <events/s>', 'events per second', positiveNumber('--rate'), 200)
    .option('--seed <n>', 'seed of the event generator (same seed, same events)', wholeNumber, 42)
    .option('--keep', 'keep the temporary database (for `crossdock dlq` / `crossdock trace`)')
    .action(async (options: DemoOptions) => {
      setExitCode(await runDemo(context, options));
    });
}

async function runDemo(context: CommandContext, options: DemoOptions): Promise<number> {
  const stop = context.stopSignal();
  const tty = context.io.stdout.isTTY === true;
  const folder = mkdtempSync(join(tmpdir(), 'crossdock-demo-'));
  const databasePath = join(folder, 'hub.sqlite');
  const adapters = await openSqlite({ path: databasePath });
  const scenario = inventorySyncScenario();
  const hub = new Hub({ bus: adapters.bus, storage: adapters.storage, targets: scenario.targets, flows: scenario.flows, soleWorker: true });
  let delivered = 0;
  hub.delivery.events.on('delivered', ({ items }: { items: readonly unknown[] }) => {
    delivered += items.length;
  });
  const logger = createLogger({ level: 'warn', destination: { write: (line: string) => context.io.stderr.write(line) } });
  const server = createHubServer({ bus: adapters.bus, logger });
  registerOperationsRoutes(server, hub);
  // The demo's console has one user per role with known passwords (printed below).
  await server.register(consolePlugin, { hub, users: await demoConsoleUsers(), cookieSecret: randomBytes(32).toString('hex') });
  const counts: PlayerCounts = { published: 0, viaHttp: 0, httpRefused: 0 };
  const startedAt = Date.now();
  let ticker: NodeJS.Timeout | undefined;
  let lastKey: string | undefined;
  let failure: unknown;
  try {
    await hub.start();
    await server.listen({ host: '127.0.0.1', port: 0 });
    const { port } = server.server.address() as AddressInfo;
    const baseUrl = `http://127.0.0.1:${port}`;
    context.out(`Crossdock demo: ${scenario.description}`);
    context.out(`  hub listening on ${baseUrl} (POST ${baseUrl}/events, GET ${baseUrl}/metrics, GET ${baseUrl}/readyz)`);
    context.out(`  console ${baseUrl}/console/ — ${DEMO_CONSOLE_CREDENTIALS.map((user) => `${user.name} / ${user.password}`).join(', ')}`);
    context.out(`  database ${databasePath}${options.keep ? ' (kept)' : ' (removed at the end; --keep keeps it)'}`);
    context.out(`  playing ${options.rate} events/s for ${options.duration} s, seed ${options.seed}; Ctrl-C stops\n`);

    let previous: DemoSnapshot | undefined;
    const report = async () => {
      const now = await snapshot(adapters, delivered, startedAt);
      const line = progressLine(now, previous, { published: counts.published, viaHttp: counts.viaHttp, coalesced: scenario.counters().coalesced ?? 0 });
      context.io.stdout.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
      previous = now;
    };
    ticker = setInterval(() => void report().catch(() => undefined), 1000);

    const random = seededRandom(options.seed);
    await playEvents({
      bus: adapters.bus,
      baseUrl,
      ratePerSecond: options.rate,
      durationMs: options.duration * 1000,
      nextEvent: (sequence) => {
        const event = scenario.nextEvent(random, sequence);
        lastKey = event.subject;
        return event;
      },
      signal: stop,
      counts,
    });
    await drain(adapters, stop);
  } catch (error) {
    failure = error;
  } finally {
    // Stop in order: no new requests, then no new work, then close the database.
    clearInterval(ticker);
    await server.close();
    await hub.stop();
  }
  if (failure !== undefined) {
    await adapters.close();
    if (!options.keep) rmSync(folder, { recursive: true, force: true });
    throw failure;
  }
  const final = await snapshot(adapters, delivered, startedAt);
  await adapters.close();
  if (options.keep) writeFileSync(join(folder, 'crossdock.yaml'), `storage:\n  kind: sqlite\n  path: ${JSON.stringify(databasePath)}\n`);
  else rmSync(folder, { recursive: true, force: true });

  const counters = scenario.counters();
  if (tty) context.io.stdout.write('\n');
  context.out(`\nDemo ${stop.aborted ? 'stopped' : 'finished'} after ${duration(final.elapsedMs)} (seed ${options.seed}).`);
  context.out(`  events published   ${counts.published} (${counts.viaHttp} via POST /events)`);
  context.out(`  delivered          ${final.delivered} state updates to commerce in ${counters.requests ?? 0} requests`);
  context.out(`  coalesced          ${counters.coalesced ?? 0} queued updates replaced by a newer level, ${counters.stale ?? 0} stale dropped`);
  context.out(`  flow lag at end    ${final.lag} events; ${final.queued} items still queued`);
  context.out(`  dead letters       ${final.deadLettersOpen} open`);
  if (counts.httpRefused > 0) context.out(`  HTTP refused       ${counts.httpRefused} batches; first: ${counts.firstHttpError}`);
  if (options.keep && lastKey !== undefined) {
    const config = join(folder, 'crossdock.yaml');
    context.out(`  database kept      ${databasePath}`);
    context.out(`                     try: crossdock trace ${lastKey} --config ${config}`);
  }
  return ExitCode.ok;
}

/** Waits until the flows have read the whole log and the queues are empty, within a limit. */
async function drain(adapters: Parameters<typeof snapshot>[0], stop: AbortSignal): Promise<void> {
  const deadline = Date.now() + DRAIN_LIMIT_MS;
  while (!stop.aborted && Date.now() < deadline) {
    const now = await snapshot(adapters, 0, Date.now());
    if (now.lag === 0 && now.queued === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function positiveNumber(option: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError(`${option} must be a positive number.`);
    return parsed;
  };
}

function wholeNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) throw new InvalidArgumentError('must be a whole number.');
  return parsed;
}
