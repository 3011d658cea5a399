import type { FastifyInstance } from 'fastify';
import type { FaultController, RunningSandbox } from './types.ts';

/**
 * Starts a sandbox app on its own port (default: an ephemeral port on 127.0.0.1).
 *
 * @example
 * const sandbox = await startSandbox(app, faults, { name: 'wms' });
 * await fetch(`${sandbox.url}/__sandbox/state`);
 * await sandbox.close();
 */
export async function startSandbox(
  app: FastifyInstance,
  faults: FaultController,
  options: { name: string; port?: number; host?: string },
): Promise<RunningSandbox> {
  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    name: options.name,
    url: `http://${urlHost}:${port}`,
    port,
    app,
    faults,
    close: () => app.close(),
  };
}
