import { dirname, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { assembleRetailHub } from '../../assembly/retail-hub.ts';
import { retailModules, createOwnership, type RetailFlowDependencies } from '../../flows/index.ts';
import type { Connector } from '../../connectors/connector.ts';
import { ConnectorConfigurationError, createConnectorFromConfig, type SystemSettings } from '../../connectors/registry.ts';
import { redactConfig } from '../../config/load.ts';
import { CONSOLE_UI_PREFIX } from '../../console/index.ts';
import { createLogger } from '../../observability/logger.ts';
import { startTracing } from '../../observability/tracing.ts';
import { tracingOptionsFromConfig } from '../../observability/tracing-config.ts';
import { openConfiguredAdapters } from '../adapters.ts';
import type { CommandContext } from '../context.ts';
import { ExitCode } from '../io.ts';
import { configOption } from './options.ts';

/**
 * `crossdock start`: the hub as a long-running service, with the operations console at
 * `/console/` when the configuration has a `console:` block. It logs JSON lines to stdout and stops
 * cleanly on SIGINT / SIGTERM: the HTTP server first (no new events), then the runtime (work in
 * progress finishes), then the database.
 */
export function startCommand(context: CommandContext, setExitCode: (code: number) => void): Command {
  return new Command('start')
    .description('run the hub: event log, flows, delivery queues, the HTTP API and (with a console: block) the console')
    .addOption(configOption())
    .option('--host <address>', 'listen on this interface instead of http.host')
    .option('--port <n>', 'listen on this port instead of http.port (0: any free port)', portNumber)
    .action(async (options: StartOptions) => {
      setExitCode(await start(context, options));
    });
}

interface StartOptions {
  config?: string;
  host?: string;
  port?: number;
}

async function start(context: CommandContext, options: StartOptions): Promise<number> {
  const configFile = options.config;
  const loaded = await context.config(configFile);
  const config = { ...loaded, http: { host: options.host ?? loaded.http.host, port: options.port ?? loaded.http.port } };
  const logger = createLogger({ level: config.log.level, destination: { write: (line: string) => context.io.stdout.write(line) } });
  const stop = context.stopSignal();
  const adapters = await openConfiguredAdapters(config);
  logger.info({ config: redactConfig(loaded), file: configFile ?? context.io.env.CROSSDOCK_CONFIG ?? null }, 'configuration loaded');
  let connectors: Connector[];
  try {
    connectors = await Promise.all(
      Object.entries(config.systems).map(([role, system]) => createConnectorFromConfig(role, system as SystemSettings, { baseDir: configBaseDir(configFile) })),
    );
  } catch (error) {
    await adapters.close();
    if (!(error instanceof ConnectorConfigurationError)) throw error;
    context.io.stderr.write(`crossdock: ${error.message}\n`);
    return ExitCode.config;
  }
  logger.info({ systems: connectors.map((connector) => ({ role: connector.name, system: connector.system })) }, 'connectors ready');
  const systemNames = Object.fromEntries(connectors.map((connector) => [connector.name, connector.system]));
  const deps: RetailFlowDependencies = {
    records: adapters.storage.records,
    deadLetters: adapters.storage.deadLetters,
    deliveries: adapters.storage.delivery,
    settings: config.flows,
    ownership: createOwnership(config.ownership),
    systems: systemNames,
    clock: Date.now,
  };
  // The retail flows address systems by role: they run once systems are configured.
  const modules = connectors.length > 0 ? retailModules(deps) : [];
  const { hub, server } = await assembleRetailHub({
    bus: adapters.bus,
    storage: adapters.storage,
    connectors,
    modules,
    soleWorker: true,
    logger,
    inbound: config.inbound,
    delivery: { retry: config.delivery.retry, circuit: config.delivery.circuit, leaseMs: config.delivery.leaseMs },
    // No `console:` block, no console: the hub serves its API only.
    console: config.console
      ? {
          users: config.console.users,
          cookieSecret: config.console.cookieSecret,
          secureCookie: config.console.secureCookie,
          ...(config.console.traceLink !== undefined && { traceLink: config.console.traceLink }),
        }
      : false,
    onSchedulerError: (job, error) => logger.error({ job, err: error }, 'scheduled job failed'),
  });
  logger.info({ flows: modules.map((module) => module.name) }, 'retail flows ready');
  const tracingOptions = tracingOptionsFromConfig(loaded.observability?.tracing, context.io.env);
  const tracing = startTracing(tracingOptions);
  if (tracing.enabled) logger.info({ otlpEndpoint: tracingOptions.otlp?.endpoint.replace(/\/\/[^/@\s]+@/, '//[redacted]@'), serviceName: tracingOptions.serviceName }, 'tracing on: exporting spans over OTLP');
  try {
    await hub.start();
    const address = await server.listen({ host: config.http.host, port: config.http.port });
    logger.info({ url: address, storage: config.storage.kind, database: config.storage.kind === 'sqlite' ? config.storage.path : undefined }, `crossdock listening on ${address}`);
    if (config.console) {
      const consoleUrl = `${address}${CONSOLE_UI_PREFIX}`;
      logger.info({ url: consoleUrl, users: config.console.users.length }, `console at ${consoleUrl}`);
    }
    if (!stop.aborted) await new Promise((resolve) => stop.addEventListener('abort', resolve, { once: true }));
    logger.info('stopping: closing the HTTP server, finishing work in progress');
  } finally {
    await server.close();
    await hub.stop();
    await Promise.all(connectors.map((connector) => connector.close?.()));
    await adapters.close();
    await tracing.shutdown();
  }
  logger.info('stopped');
  return ExitCode.ok;
}

/** Custom connector modules are resolved relative to the configuration file. */
function configBaseDir(file: string | undefined): string {
  return file ? dirname(resolve(file)) : process.cwd();
}

function portNumber(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('must be a whole number between 0 and 65535.');
  return port;
}
