import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import {
  consoleUrlOf,
  InvalidHubUrlError,
  parseHubUrl,
  renderSandboxHubConfig,
  sandboxConsole,
  sandboxHubConfig,
  sendInitialLoad,
  subscribeSandboxesToHub,
  waitForHub,
} from '../../assembly/sandbox-hub-config.ts';
import { DEMO_CONSOLE_CREDENTIALS } from '../../console/index.ts';
import { startAllSandboxes } from '../../sandboxes/run-all.ts';
import type { SandboxDirectory } from '../../sandboxes/run-all.ts';
import { InvalidScenarioError, planRetailDay, playTraffic, readOrderHistory, replayOrderHistory, TrafficExecutor } from '../../sandboxes/traffic/index.ts';
import type { TrafficAction } from '../../sandboxes/traffic/index.ts';
import { formatTrafficSummary, parseBurst, parseOutage } from '../../sandboxes/traffic/scenario-text.ts';
import type { CommandContext } from '../context.ts';
import { CliError, ExitCode } from '../io.ts';

export interface SandboxUpOptions {
  basePort?: number;
  seed?: number;
  fast?: boolean;
  host?: string;
  /** Play a retail day against the sandboxes once they are up. */
  traffic?: boolean;
  /** Seconds the retail day is compressed into. */
  duration?: number;
  rate?: number;
  badData?: number;
  burst?: string;
  outage?: string;
  /** Hub base URL for POS CloudEvents; its API key comes from CROSSDOCK_HUB_API_KEY. */
  hubUrl?: string;
  /** Replay this order history CSV instead of planning a day. */
  replay?: string;
  /** Write a crossdock.yaml for `crossdock start` against these sandboxes (needs `hubUrl`). */
  writeConfig?: string;
  /** The SQLite file the written configuration names; default crossdock.sqlite beside it. */
  database?: string;
}

/** The environment variable holding the hub's API key for `POST /events`. */
const HUB_API_KEY_ENV = 'CROSSDOCK_HUB_API_KEY';

/** How often the traffic summary line is printed while a day plays. */
const SUMMARY_EVERY_MS = 5_000;

/**
 * `crossdock sandbox up`: starts the Salesforce, NetSuite, Shopify, WMS and payments sandboxes,
 * seeded with the same demo retailer, prints where they are and how to sign in, and stays up
 * until Ctrl-C.
 */
export function sandboxCommand(context: CommandContext, setExitCode: (code: number) => void): Command {
  const sandbox = new Command('sandbox').description('local emulators of Salesforce, NetSuite, Shopify, a WMS and a payment provider');
  sandbox
    .command('up')
    .description('start all five sandboxes and keep them running until Ctrl-C')
    .option('--base-port <n>', 'Salesforce listens here, then NetSuite, Shopify, WMS and payments on the next ports (default: free ports)', basePort)
    .option('--seed <n>', 'seed of the fault dice and latency draws', wholeNumber)
    .option('--fast', 'no added service latency (for scripts and tests)')
    .option('--host <address>', 'listen on this interface (default 127.0.0.1)')
    .option('--traffic', 'play a retail day against the sandboxes once they are up')
    .option('--duration <s>', 'seconds the retail day is compressed into (with --traffic or --replay)', positiveNumber, 60)
    .option('--rate <n>', 'arrivals per second outside the flash sale', positiveNumber, 5)
    .option('--bad-data <share>', 'share of arrivals with bad data, 0..1', share, 0.05)
    .option('--burst <at:length:multiplier>', 'flash sale window as fractions of the day, or none', '0.55:0.1:4')
    .option('--outage <at:length>', 'ERP outage window as fractions of the day, or none', 'none')
    .option('--hub-url <url>', 'the hub: POS orders go to <url>/events (API key: $CROSSDOCK_HUB_API_KEY); without it the generator releases orders to the WMS itself')
    .option('--write-config <file>', 'subscribe the webhooks to --hub-url, write a crossdock.yaml for `crossdock start` against these sandboxes (console with the demo users included), and send the hub the ERP\'s day-one state once it answers')
    .option('--database <file>', 'SQLite file named in the --write-config file (default: crossdock.sqlite beside it)')
    .option('--replay <csv>', 'replay an order history CSV (see docs/sandboxes.md) instead of planning a day')
    .action(async (options: SandboxUpOptions) => {
      setExitCode(await sandboxUp(context, options));
    });
  return sandbox;
}

/** The body of `crossdock sandbox up`, exported so tests run it in-process. */
export async function sandboxUp(context: CommandContext, options: SandboxUpOptions): Promise<number> {
  // A bad scenario, CSV or hub URL is reported before anything starts.
  const actions = options.traffic || options.replay ? await scenarioActions(context, options) : undefined;
  checkHubOptions(options);
  const stop = context.stopSignal();
  const sandboxes = await startAllSandboxes({
    ...(options.basePort !== undefined ? { basePort: options.basePort } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.host !== undefined ? { host: options.host } : {}),
    latency: options.fast ? 'fast' : 'realistic',
  });
  try {
    context.out(sandboxTable(sandboxes.directory));
    context.out(`Every sandbox also serves GET /__sandbox/state, POST /__sandbox/reset, GET|PUT /__sandbox/faults and GET /__sandbox/limits.`);
    // Written before "running": once that line shows, `crossdock start` can be pointed at the file.
    const hubConnected = options.writeConfig ? (await connectHub({ context, directory: sandboxes.directory, options, stop })).initialLoad : undefined;
    context.out('Sandboxes running; press Ctrl-C to stop.');
    // Orders played before the hub knows the catalogue would all be held as unknown SKUs.
    if (actions && hubConnected) {
      context.out(`Waiting for the hub at ${options.hubUrl} before playing the traffic.`);
      await hubConnected;
    }
    if (actions && !stop.aborted) await playScenario({ context, directory: sandboxes.directory, options, actions, stop });
    if (!stop.aborted) await new Promise((resolve) => stop.addEventListener('abort', resolve, { once: true }));
    await hubConnected;
    context.out('stopping the sandboxes');
  } finally {
    await sandboxes.closeAll();
  }
  context.out('stopped');
  return ExitCode.ok;
}

function checkHubOptions(options: SandboxUpOptions): void {
  if (options.database && !options.writeConfig) throw new CliError('--database names the database of the --write-config file: give --write-config too');
  if (options.writeConfig && !options.hubUrl) {
    throw new CliError('--write-config needs --hub-url: the sandboxes\' webhooks are subscribed to <hub-url>/webhooks/<role>, e.g. --hub-url http://127.0.0.1:8080');
  }
  if (options.hubUrl) {
    try {
      parseHubUrl(options.hubUrl, '--hub-url');
    } catch (error) {
      if (error instanceof InvalidHubUrlError) throw new CliError(error.message);
      throw error;
    }
  }
}

/**
 * `--write-config`: subscribes the sandboxes' webhooks to the hub, writes the configuration of a
 * hub against them (with a console signed in to with the demo's users); `initialLoad` settles once the hub has been sent the ERP's day-one state
 * (or the run was stopped first).
 */
async function connectHub(args: { context: CommandContext; directory: SandboxDirectory; options: SandboxUpOptions; stop: AbortSignal }): Promise<{ initialLoad: Promise<void> }> {
  const { context, directory, options, stop } = args;
  const hubUrl = options.hubUrl!;
  const file = resolve(options.writeConfig!);
  const databasePath = resolve(options.database ?? join(dirname(file), 'crossdock.sqlite'));
  const apiKey = context.io.env[HUB_API_KEY_ENV];
  const { wmsWebhookSecret } = await subscribeSandboxesToHub(directory, hubUrl);
  // The demo's console users, so the installation has a console out of the box (printed below).
  const consoleBlock = await sandboxConsole();
  const config = sandboxHubConfig({ directory, hubUrl, wmsWebhookSecret, databasePath, console: consoleBlock, ...(apiKey && { apiKeyEnv: HUB_API_KEY_ENV }) });
  // Sandbox credentials only, but a configuration file is private to its owner all the same.
  await writeFile(file, renderSandboxHubConfig(config), { mode: 0o600 });
  context.out(`Wrote ${file}: webhooks go to ${hubUrl}, storage ${databasePath}.`);
  if (existsSync(databasePath)) context.err(`warning: ${databasePath} exists and holds an earlier session's state; delete it before starting the hub against these new sandboxes`);
  context.out(`Start the hub with: crossdock start --config ${file}${apiKey ? ` (with ${HUB_API_KEY_ENV} set)` : ''}`);
  context.out(`Its console: ${consoleUrlOf(hubUrl)}  (sign in as ${DEMO_CONSOLE_CREDENTIALS.map((user) => `${user.name} / ${user.password}`).join(', ')})`);
  const at = new Date().toISOString();
  const initialLoad = (async () => {
    if (!(await waitForHub(hubUrl, { signal: stop }))) return;
    try {
      const sent = await sendInitialLoad({ hubUrl, catalogue: directory.catalogue, at, ...(apiKey && { apiKey }) });
      context.out(`Hub ready at ${hubUrl}: sent the ERP's day-one state (${sent.accepted} events: products, prices, stock, customers${sent.duplicates > 0 ? `; ${sent.duplicates} it already had` : ''}).`);
    } catch (error) {
      context.err(`warning: ${error instanceof Error ? error.message : String(error)}`);
    }
  })();
  return { initialLoad };
}

async function playScenario(args: { context: CommandContext; directory: SandboxDirectory; options: SandboxUpOptions; actions: TrafficAction[]; stop: AbortSignal }): Promise<void> {
  const { context, directory, options, actions, stop } = args;
  const hubUrl = options.hubUrl;
  const apiKey = context.io.env.CROSSDOCK_HUB_API_KEY;
  const executor = new TrafficExecutor({
    directory,
    ...(hubUrl ? { hub: { url: hubUrl, ...(apiKey ? { apiKey } : {}) } } : {}),
    releaseOrdersToWarehouse: !hubUrl,
    runTag: `s${options.seed ?? 42}-${Date.now().toString(36)}`,
  });
  context.out(`Playing ${actions.length} actions over ${options.duration ?? 60} s${hubUrl ? `, POS events to ${hubUrl}/events` : ''}.`);
  const ticker = setInterval(() => context.out(formatTrafficSummary(executor.counters.snapshot())), SUMMARY_EVERY_MS);
  try {
    const summary = await playTraffic({ actions, executor, signal: stop });
    context.out(`${formatTrafficSummary(summary)}${summary.notDispatched > 0 ? ` (${summary.notDispatched} not played: stopped)` : ''}`);
  } finally {
    clearInterval(ticker);
  }
}

async function scenarioActions(context: CommandContext, options: SandboxUpOptions): Promise<TrafficAction[]> {
  const durationMs = Math.round((options.duration ?? 60) * 1000);
  if (options.replay) {
    const file = options.replay;
    const text = await readFile(file, 'utf8').catch((error: unknown) => {
      throw new CliError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
    });
    const { rows, problems } = readOrderHistory(text);
    const described = problems.map((p) => `${file}: line ${p.line}${p.column ? `, ${p.column}` : ''}: ${p.message}`);
    if (rows.length === 0) throw new CliError(`${file} has no order to replay:\n${described.join('\n')}`);
    for (const line of described) context.err(`warning: ${line} (row skipped)`);
    return replayOrderHistory(rows, { durationMs });
  }
  try {
    return planRetailDay({
      seed: options.seed ?? 42,
      durationMs,
      rate: options.rate ?? 5,
      badDataShare: options.badData ?? 0.05,
      burst: parseBurst(options.burst ?? '0.55:0.1:4'),
      outage: parseOutage(options.outage ?? 'none'),
    });
  } catch (error) {
    if (error instanceof InvalidScenarioError) throw new CliError(error.message);
    throw error;
  }
}

/** A plain-text table: system, URL, credentials to use, system-specific admin routes. */
export function sandboxTable(directory: SandboxDirectory): string {
  const { salesforce, netsuite, shopify, wms, payments } = directory;
  const rows: [string, string, string, string][] = [
    ['SYSTEM', 'URL', 'CREDENTIALS', 'ADMIN ROUTES'],
    [
      'salesforce', salesforce.url,
      `OAuth client credentials: client_id=${salesforce.clientId} client_secret=${salesforce.clientSecret} (API v${salesforce.apiVersion})`,
      'POST /__sandbox/salesforce/expire-sessions, GET|PUT /__sandbox/salesforce/settings',
    ],
    [
      'netsuite', netsuite.url,
      `TBA account=${netsuite.accountId} consumer=${netsuite.tba.consumerKey}/${netsuite.tba.consumerSecret} token=${netsuite.tba.tokenId}/${netsuite.tba.tokenSecret}`,
      '-',
    ],
    [
      'shopify', shopify.url,
      `X-Shopify-Access-Token: ${shopify.accessToken}, shop ${shopify.shopDomain}, API ${shopify.apiVersion}, webhook secret ${shopify.clientSecret}`,
      'POST /__sandbox/shopify/orders, POST /__sandbox/shopify/orders/:id/cancel, GET /__sandbox/shopify/webhooks',
    ],
    ['wms', wms.url, `Authorization: Bearer ${wms.apiKey} (warehouse ${wms.warehouseId})`, '-'],
    ['payments', payments.url, `Stripe secret key ${payments.secretKey}`, '-'],
  ];
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  return rows.map((row) => row.map((cell, column) => (column < 3 ? cell.padEnd(widths[column] ?? 0) : cell)).join('  ').trimEnd()).join('\n');
}

function wholeNumber(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new InvalidArgumentError('must be a whole number, 0 or more.');
  return number;
}

function positiveNumber(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError('must be a number above 0.');
  return number;
}

function share(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0 || number > 1) throw new InvalidArgumentError('must be between 0 and 1.');
  return number;
}

function basePort(value: string): number {
  const port = wholeNumber(value);
  // Five consecutive ports from the base.
  if (port < 1 || port > 65531) throw new InvalidArgumentError('must be between 1 and 65531 (five consecutive ports are used).');
  return port;
}
