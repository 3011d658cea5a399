import { Command, InvalidArgumentError } from 'commander';
import { registerOperationsRoutes } from '../../api/operations-routes.ts';
import { createHubServer } from '../../api/server.ts';
import { redactConfig } from '../../config/load.ts';
import { createLogger } from '../../observability/logger.ts';
import { Hub } from '../../runtime/hub.ts';
import { openConfiguredAdapters } from '../adapters.ts';
import type { CommandContext } from '../context.ts';
import { ExitCode } from '../io.ts';
import { configOption } from './options.ts';

/**
 * `crossdock start`: the hub as a long-running service. It logs JSON lines to stdout and stops
 * cleanly on SIGINT / SIGTERM: the HTTP server first (no new events), then the runtime (work in
 * progress finishes), then the database.
 */
export function startCommand(context: CommandContext, setExitCode: (code: number) => void): Command {
  return new Command('start')
    .description('run the hub: event log, flows, delivery queues and the HTTP API')
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
  const systems = Object.keys(config.systems);
  if (systems.length > 0) {
    // Connectors arrive with their own issues; until then the hub runs without targets.
    logger.warn({ systems }, 'systems are configured but connectors are not part of this release yet; running without delivery targets');
  }
  const hub = new Hub({
    bus: adapters.bus,
    storage: adapters.storage,
    targets: [],
    flows: [],
    soleWorker: true,
    delivery: { retry: config.delivery.retry, circuit: config.delivery.circuit, leaseMs: config.delivery.leaseMs },
    onSchedulerError: (job, error) => logger.error({ job, err: error }, 'scheduled job failed'),
  });
  const server = createHubServer({ bus: adapters.bus, logger, inbound: config.inbound });
  registerOperationsRoutes(server, hub);
  try {
    await hub.start();
    const address = await server.listen({ host: config.http.host, port: config.http.port });
    logger.info({ url: address, storage: config.storage.kind, database: config.storage.kind === 'sqlite' ? config.storage.path : undefined }, `crossdock listening on ${address}`);
    if (!stop.aborted) await new Promise((resolve) => stop.addEventListener('abort', resolve, { once: true }));
    logger.info('stopping: closing the HTTP server, finishing work in progress');
  } finally {
    await server.close();
    await hub.stop();
    await adapters.close();
  }
  logger.info('stopped');
  return ExitCode.ok;
}

function portNumber(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('must be a whole number between 0 and 65535.');
  return port;
}
