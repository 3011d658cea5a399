import { Command, InvalidArgumentError } from 'commander';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startSandboxInstallation, type SandboxInstallation } from '../../assembly/sandbox-installation.ts';
import { DEMO_CONSOLE_CREDENTIALS } from '../../console/index.ts';
import { checkInvariants, retailInvariants, retailModules } from '../../flows/index.ts';
import { createLogger } from '../../observability/logger.ts';
import { planRetailDay, playTraffic, TrafficExecutor, type TrafficRunSummary } from '../../sandboxes/traffic/index.ts';
import type { CommandContext } from '../context.ts';
import { progressLine, snapshot, type DemoSnapshot } from '../demo/progress.ts';
import { demoExitCode, invariantsSummary, type DemoReport } from '../demo/report.ts';
import { duration } from '../format.ts';
import { ExitCode } from '../io.ts';

export interface DemoOptions {
  duration: number;
  rate: number;
  seed: number;
  port: number;
  report?: string;
  stay?: boolean;
  keep?: boolean;
}

/**
 * The demo's `flows:` settings: the seeded business has one DC and one store, so a pickup the
 * store cannot serve is shipped to it from the DC. A retail day is compressed into two minutes,
 * so are the returns flows' waits: a pending command is re-checked every 5 s at most (default a
 * minute) and an order's booking is looked for ~40 s (default ~6 minutes), or the report would
 * wait a minute after the day for returns that are already settled.
 */
const DEMO_FLOW_SETTINGS = {
  returns: { outcomeCheckMaxSeconds: 5, orderLookPausesSeconds: [2, 5, 10, 20] },
  bopis: {
    locations: [
      { code: 'STORE-001', priority: 10, address: { line1: '100 Demo Plaza', city: 'Chicago', region: 'IL', postalCode: '60601', country: 'US' } },
      { code: 'DC-EAST', priority: 50, shipsToStore: true, distanceKm: { 'STORE-001': 570 } },
    ],
  },
};

/** After the traffic stops, how long the demo waits for the hub to go quiet before reporting. */
const QUIET_LIMIT_MS = 60_000;
/**
 * NetSuite's pollers read a change once it is 5 s old (whole-second stamps), on a 1 s schedule:
 * the report waits until the ERP's last change (a booking's stock commitment, a receipt) could
 * have been read, or the inventory invariant would compare channels the hub was not told about yet.
 */
const ERP_SETTLE_MS = 7_000;

/**
 * `crossdock demo`: a whole retail installation on one laptop. The five sandboxes (Salesforce,
 * NetSuite, Shopify, WMS, payments), the hub on a throw-away SQLite database with every retail
 * flow, the console, and a traffic generator playing a retail day against the sandboxes (orders,
 * stock movements, shipments, returns, profile edits, bad data, a flash sale, an ERP outage).
 */
export function demoCommand(context: CommandContext, setExitCode: (code: number) => void): Command {
  return new Command('demo')
    .description('run the sandboxes, the hub with every retail flow and the console, and play a retail day through them')
    .option('--duration <seconds>', 'how long the retail day lasts', positiveNumber('--duration'), 120)
    .option('--rate <actions/s>', 'customer and system actions per second outside the flash sale', positiveNumber('--rate'), 4)
    .option('--seed <n>', 'seed of the traffic (same seed, same day)', wholeNumber, 42)
    .option('--port <n>', 'port of the hub and its console (0: any free port)', portNumber, 3000)
    .option('--report <file>', 'write a JSON report (counts per flow, invariants) at the end')
    .option('--stay', 'keep the hub and the console running after the day until Ctrl-C (the default on a terminal without --report)')
    .option('--no-stay', 'end when the day is over, even on a terminal')
    .option('--keep', 'keep the temporary database (for `crossdock dlq` / `crossdock trace`)')
    .action(async (options: DemoOptions) => {
      setExitCode(await runDemo(context, options));
    });
}

async function runDemo(context: CommandContext, options: DemoOptions): Promise<number> {
  const stop = context.stopSignal();
  const tty = context.io.stdout.isTTY === true;
  const startedAt = new Date();
  // The hub's JSON log goes to a file, not the terminal: a retail day has retries, exceptions and
  // an ERP outage by design, and their lines would bury the live line. Kept after the demo.
  const logFile = join(tmpdir(), `crossdock-demo-${startedAt.toISOString().replace(/[:.]/g, '-')}-${process.pid}.log`);
  const logDestination = pino.destination({ dest: logFile, sync: true });
  const logger = createLogger({ level: 'info', destination: logDestination });
  context.out('Crossdock demo: starting the sandboxes (Salesforce, NetSuite, Shopify, WMS, payments) and the hub…');
  const installation = await startSandboxInstallation({
    modules: retailModules,
    settings: DEMO_FLOW_SETTINGS,
    port: options.port,
    logger,
    pollEveryMs: 1_000,
    sandboxes: { seed: options.seed },
    // Quicker than production so the ERP outage's backlog clears within the demo.
    delivery: { retry: { maxAttempts: 10, initialDelayMs: 200, maxDelayMs: 5_000 }, circuit: { consecutiveFailures: 5, halfOpenAfterMs: 2_000 } },
    ...(options.keep && { keepDatabase: true }),
  });
  let ticker: NodeJS.Timeout | undefined;
  let exitCode: number = ExitCode.ok;
  try {
    const { baseUrl } = installation;
    context.out(`  console   ${baseUrl}/console/  (${DEMO_CONSOLE_CREDENTIALS.map((user) => `${user.name} / ${user.password}`).join(', ')})`);
    context.out(`  hub       ${baseUrl}  (POST /events, POST /webhooks/<role>, GET /metrics, GET /readyz)`);
    context.out(`  logs      ${logFile}  (JSON lines with correlation ids: retries, exceptions, dead letters)`);
    context.out(`  database  ${installation.databasePath}${options.keep ? ' (kept)' : ' (removed at the end; --keep keeps it)'}`);
    context.out(`  playing a ${options.duration} s retail day at ${options.rate} actions/s, seed ${options.seed}; Ctrl-C stops\n`);

    const executor = new TrafficExecutor({ directory: installation.sandboxes.directory, hub: { url: baseUrl }, runTag: `s${options.seed}` });
    const actions = planRetailDay({ seed: options.seed, durationMs: options.duration * 1000, rate: options.rate, outage: { at: 0.4, length: 0.06 } });
    let previous: DemoSnapshot | undefined;
    const tick = async () => {
      const now = await snapshot(installation.adapters);
      const line = progressLine(now, previous, { elapsedMs: Date.now() - startedAt.getTime(), actions: executor.counters.snapshot().total });
      context.io.stdout.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
      previous = now;
    };
    ticker = setInterval(() => void tick().catch(() => undefined), 1000);
    const traffic = await playTraffic({ actions, executor, signal: stop });
    let quiet = false;
    if (!stop.aborted) {
      try {
        await installation.quiet({ timeoutMs: QUIET_LIMIT_MS, signal: stop, erpSettleMs: ERP_SETTLE_MS });
        quiet = true;
      } catch (error) {
        logger.warn({ err: error }, 'the hub did not go quiet before the report');
      }
    }
    clearInterval(ticker);
    ticker = undefined;
    if (tty) context.io.stdout.write('\n');
    const report = await buildReport(installation, options, startedAt, traffic, quiet);
    printReport(context, report, stop.aborted);
    exitCode = demoExitCode(report, stop.aborted);
    if (options.report) {
      writeFileSync(options.report, `${JSON.stringify(report, null, 2)}\n`);
      context.out(`  report written to ${options.report}`);
    }
    if (staysAfterTheDay(options, tty) && !stop.aborted) {
      context.out(`\nThe hub and the console keep running at ${baseUrl}/console/ — Ctrl-C stops.`);
      await new Promise((resolve) => stop.addEventListener('abort', resolve, { once: true }));
    }
  } catch (error) {
    exitCode = ExitCode.failed;
    context.io.stderr.write(`crossdock demo: ${error instanceof Error ? error.message : String(error)}\n`);
  } finally {
    if (ticker) clearInterval(ticker);
    await installation.close();
  }
  return exitCode;
}

async function buildReport(installation: SandboxInstallation, options: DemoOptions, startedAt: Date, traffic: TrafficRunSummary, quiet: boolean): Promise<DemoReport> {
  const { storage, bus } = installation.adapters;
  const final = await snapshot({ bus, storage });
  const counts: Record<string, number> = {};
  for (const module of installation.retail.modules) Object.assign(counts, await module.report?.());
  const invariants = await checkInvariants(retailInvariants, {
    sandboxes: installation.sandboxes,
    records: storage.records,
    storage,
    settings: installation.deps.settings,
  });
  return {
    seed: options.seed,
    durationSeconds: options.duration,
    rate: options.rate,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    quiet,
    traffic: {
      total: traffic.total,
      errors: traffic.errors,
      badData: traffic.badData,
      outcomes: traffic.outcomes,
      notDispatched: traffic.notDispatched,
      byKind: Object.fromEntries(Object.entries(traffic.byKind).map(([kind, outcomes]) => [kind, Object.values(outcomes).reduce((sum, n) => sum + n, 0)])),
    },
    hub: {
      events: final.head,
      delivered: final.delivered,
      deadLettersOpen: final.exceptionsOpen,
      flowsWaiting: await storage.flows.count({ status: 'waiting' }),
      flowsFailed: await storage.flows.count({ status: 'failed' }),
    },
    counts,
    invariants,
  };
}

function printReport(context: CommandContext, report: DemoReport, stopped: boolean): void {
  const elapsed = Date.parse(report.finishedAt) - Date.parse(report.startedAt);
  context.out(`\nDemo ${stopped ? 'stopped' : 'finished'} after ${duration(elapsed)} (seed ${report.seed})${report.quiet ? '' : ' — the hub was still busy when the report was taken'}.`);
  context.out(`  traffic        ${report.traffic.total} actions (${report.traffic.badData} with bad data on purpose, ${report.traffic.errors} refused or failed at the source)`);
  context.out(`  hub            ${report.hub.events} events, ${report.hub.delivered} writes delivered, ${report.hub.deadLettersOpen} open exceptions`);
  const counts = Object.entries(report.counts);
  if (counts.length > 0) context.out(`  flows          ${counts.map(([name, value]) => `${name} ${value}`).join(', ')}`);
  const verdict = invariantsSummary(report.invariants);
  context.out(`  invariants     ${verdict.ok} hold${verdict.failed.length > 0 ? `, FAILED: ${verdict.failed.join(', ')}` : ''}`);
}

/**
 * Someone who typed `npm run demo` at a terminal wants to look around the console once the day
 * is over, so it stays up until Ctrl-C; a script (no terminal, or asking for a report) wants the
 * command to end. `--stay` / `--no-stay` decide explicitly.
 */
export function staysAfterTheDay(options: Pick<DemoOptions, 'stay' | 'report'>, tty: boolean): boolean {
  return options.stay ?? (tty && options.report === undefined);
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

function portNumber(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('must be a whole number between 0 and 65535.');
  return port;
}
