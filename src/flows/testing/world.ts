import {
  startSandboxInstallation,
  type SandboxInstallation,
  type SandboxInstallationOptions,
} from '../../assembly/sandbox-installation.ts';

export { SHOPIFY_TOPICS, WMS_TOPICS } from '../../assembly/sandbox-installation.ts';

export type RetailWorldOptions = SandboxInstallationOptions;
export type RetailWorld = SandboxInstallation;

/**
 * The sandbox installation with test defaults: no service time in the sandboxes, webhook
 * retries a thousand times faster, quick delivery retries. See `startSandboxInstallation`.
 *
 * @example
 * const world = await startRetailWorld({ modules: (deps) => [createOrderCapture(deps)] });
 * world.sandboxes.shopify.placeOrder({ ... });
 * await world.quiet();
 * await world.close();
 */
export function startRetailWorld(options: RetailWorldOptions): Promise<RetailWorld> {
  return startSandboxInstallation({
    ...options,
    sandboxes: { latency: 'fast', webhookTimeScale: 0.001, ...options.sandboxes },
    delivery: options.delivery ?? { retry: { maxAttempts: 6, initialDelayMs: 20, maxDelayMs: 500 }, circuit: { consecutiveFailures: 5, halfOpenAfterMs: 300 } },
    pollEveryMs: options.pollEveryMs ?? 250,
  });
}
