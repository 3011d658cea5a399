import { dirname, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { BACKFILL_ENTITIES } from '../../backfill/entities.ts';
import { BackfillJobStore, type BackfillJob } from '../../backfill/job.ts';
import { formatDuration, progressLine } from '../../backfill/progress.ts';
import { runBackfill } from '../../backfill/runner.ts';
import type { Connector } from '../../connectors/connector.ts';
import { ConnectorConfigurationError, createConnectorFromConfig, type SystemSettings } from '../../connectors/registry.ts';
import { createLogger } from '../../observability/logger.ts';
import { openConfiguredAdapters } from '../adapters.ts';
import type { CommandContext } from '../context.ts';
import { CliError, ExitCode } from '../io.ts';
import { configOption } from './options.ts';

interface BackfillCommandOptions {
  from: string;
  to: string;
  config?: string;
  pageSize?: number;
  chunkSize?: number;
  limit?: number;
  restart?: boolean;
  quotaShare?: number;
}

/** On a terminal the line is redrawn at most this often; elsewhere a line is printed at most this often. */
const TTY_REDRAW_MS = 200;
const PLAIN_LINE_MS = 5_000;
const FAILURES_SHOWN = 10;

/**
 * `crossdock backfill <entity> --from <role> --to <role>`: the initial load of products, prices,
 * customers or open orders from one configured system into another (see docs/backfill.md). It
 * runs in the foreground with a progress bar, stops cleanly on Ctrl-C after the chunk in
 * progress, and resumes where it stopped when run again.
 */
export function backfillCommand(context: CommandContext, setExitCode: (code: number) => void): Command {
  return new Command('backfill')
    .description('load every record of an entity from one system into another (initial load), resumably')
    .argument('<entity>', `what to load: ${BACKFILL_ENTITIES.join(', ')}`)
    .requiredOption('--from <role>', 'role of the system to read from, e.g. erp')
    .requiredOption('--to <role>', 'role of the system to write to, e.g. crm or commerce')
    .addOption(configOption())
    .option('--page-size <n>', 'records per read from the source (SuiteQL: at most 1000)', positiveInteger)
    .option('--chunk-size <n>', 'records written and committed together (default: 10000 per Bulk API job, else one page)', positiveInteger)
    .option('--limit <n>', 'read at most this many records in this run, then stop (resumable)', positiveInteger)
    .option('--restart', 'start again from the first record instead of resuming')
    .option('--quota-share <fraction>', "share of the target's API budget the backfill may use (0 < share <= 1; default 0.5)", fraction)
    .action(async (entity: string, options: BackfillCommandOptions) => {
      setExitCode(await backfill(context, entity, options));
    });
}

async function backfill(context: CommandContext, entity: string, options: BackfillCommandOptions): Promise<number> {
  if (!(BACKFILL_ENTITIES as readonly string[]).includes(entity)) {
    throw new CliError(`entity must be one of ${BACKFILL_ENTITIES.join(', ')}, not "${entity}"`);
  }
  const config = await context.config(options.config);
  const systemOf = (role: string, option: string): SystemSettings => {
    const system = config.systems[role] as SystemSettings | undefined;
    if (!system) {
      const known = Object.keys(config.systems);
      throw new CliError(`${option} ${role}: no system has that role in the configuration (systems.${role}); configured roles: ${known.length > 0 ? known.join(', ') : 'none'}`, ExitCode.config);
    }
    return system;
  };
  const fromSystem = systemOf(options.from, '--from');
  const toSystem = systemOf(options.to, '--to');
  const baseDir = options.config ? dirname(resolve(options.config)) : process.cwd();
  const connectors: Connector[] = [];
  try {
    connectors.push(await createConnectorFromConfig(options.from, fromSystem, { baseDir }));
    connectors.push(await createConnectorFromConfig(options.to, toSystem, { baseDir }));
  } catch (error) {
    await Promise.all(connectors.map((connector) => connector.close?.()));
    if (error instanceof ConnectorConfigurationError) throw new CliError(error.message, ExitCode.config);
    throw error;
  }
  const [source, target] = connectors as [Connector, Connector];
  const adapters = await openConfiguredAdapters(config);
  const stop = context.stopSignal();
  const display = new ProgressDisplay(context);
  const onStop = () => display.note('stopping after the chunk in progress (Ctrl-C again to quit at once; that chunk is then redone on the next run)');
  stop.addEventListener('abort', onStop, { once: true });
  const ticker = setInterval(() => display.refresh(), 1_000);
  try {
    const job = await runBackfill({
      storage: adapters.storage,
      source,
      target,
      entity,
      signal: stop,
      onProgress: (snapshot, activity) => display.update(snapshot, activity),
      logger: createLogger({ level: 'warn', destination: { write: (line: string) => context.io.stderr.write(line) } }),
      ...(options.pageSize !== undefined && { pageSize: options.pageSize }),
      ...(options.chunkSize !== undefined && { chunkSize: options.chunkSize }),
      ...(options.limit !== undefined && { limit: options.limit }),
      ...(options.restart && { restart: true }),
      ...(options.quotaShare !== undefined && { quotaShare: options.quotaShare }),
    });
    display.finish();
    await printSummary(context, job, new BackfillJobStore(adapters.storage.records));
    return ExitCode.ok;
  } catch (error) {
    display.finish();
    // Mistakes in the command (an entity the source cannot read, no operation at the target) are the user's to fix.
    throw new CliError(`backfill ${entity} --from ${options.from} --to ${options.to}: ${(error as Error).message}`);
  } finally {
    clearInterval(ticker);
    stop.removeEventListener('abort', onStop);
    await Promise.all(connectors.map((connector) => connector.close?.()));
    await adapters.close();
  }
}

/** The progress bar on a terminal (one line redrawn in place); periodic plain lines otherwise (CI, pipes, log files). */
class ProgressDisplay {
  private job: BackfillJob | undefined;
  private activity = '';
  private lastDrawAt: number | undefined;
  private drawn = false;
  private readonly tty: boolean;

  constructor(private readonly context: CommandContext) {
    this.tty = context.io.stdout.isTTY === true;
  }

  /** A new snapshot: drawn at once when a chunk was committed or the run ended. */
  update(job: BackfillJob, activity: string): void {
    const changed = job.chunks !== this.job?.chunks || job.status !== this.job?.status;
    this.job = job;
    this.activity = activity;
    this.draw(changed);
  }

  /** The clock moved (rate and ETA change between chunks); only the terminal line follows it. */
  refresh(): void {
    if (this.tty) this.draw(false);
  }

  note(text: string): void {
    if (this.tty && this.drawn) this.context.io.stdout.write('\r\x1b[2K');
    this.drawn = false;
    this.context.out(text);
    this.draw(true);
  }

  finish(): void {
    if (this.tty && this.drawn) this.context.io.stdout.write('\n');
    this.drawn = false;
  }

  private draw(changed: boolean): void {
    if (!this.job) return;
    const now = Date.now();
    const since = this.lastDrawAt === undefined ? Infinity : now - this.lastDrawAt;
    if (this.tty) {
      if (!changed && since < TTY_REDRAW_MS) return;
      this.context.io.stdout.write(`\r\x1b[2K${progressLine(this.job, now, { activity: this.activity })}`);
      this.drawn = true;
    } else {
      // Plain output: committed chunks, at most one line per interval, and always the end.
      const ended = this.job.status !== 'running';
      if (!changed || (!ended && since < PLAIN_LINE_MS)) return;
      this.context.out(progressLine(this.job, now, { barWidth: 0 }));
    }
    this.lastDrawAt = now;
  }
}

async function printSummary(context: CommandContext, job: BackfillJob, jobs: BackfillJobStore): Promise<void> {
  const took = formatDuration((job.finishedAt ?? job.updatedAt) - job.resumedAt);
  const path = job.path === 'bulk' ? `${job.targetSystem} bulk API` : `${job.targetSystem} delivery queue`;
  const counts = `${job.read.toLocaleString('en-US')} read, ${job.written.toLocaleString('en-US')} written, ${job.failed.toLocaleString('en-US')} failed`;
  if (job.status === 'completed') {
    context.out(`backfill ${job.id} completed (run ${job.run}): ${counts}, via the ${path} (${job.operation}); this run took ${took}`);
  } else {
    context.out(`backfill ${job.id} stopped (run ${job.run}): ${counts} so far; run the same command again to go on from record ${job.read.toLocaleString('en-US')}`);
  }
  context.out(`quota: ${Math.round(job.quota.share * 100)}% of ${job.to}'s budget, ${job.quota.requests.toLocaleString('en-US')} requests, waited for quota ${job.quota.waits} times`);
  if (job.failed === 0) return;
  const failures = await jobs.failures(job, { limit: FAILURES_SHOWN });
  context.out(`failed records (first ${failures.length} of ${job.failed}; all in the console, GET /api/console/backfills):`);
  for (const failure of failures) {
    context.out(`  ${failure.key}  [${failure.stage}${failure.code ? ` ${failure.code}` : ''}]${failure.field && !failure.reason.includes(failure.field) ? ` ${failure.field}:` : ''} ${failure.reason}`);
  }
}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('must be a whole number of at least 1.');
  return parsed;
}

function fraction(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0 || parsed > 1) throw new InvalidArgumentError('must be above 0 and at most 1, e.g. 0.5.');
  return parsed;
}
