import { createAdminApiClient } from '@shopify/admin-api-client';
import type { AdminApiClient } from '@shopify/admin-api-client';
import type { RunningShopifySandbox } from './index.ts';

/**
 * The real `@shopify/admin-api-client`, unchanged, pointed at a sandbox: only the fetch it
 * uses is given, which rewrites the https://{shop}.myshopify.com origin to the sandbox's.
 */
export function clientFor(sandbox: RunningShopifySandbox, apiVersion = '2026-10', accessToken = sandbox.accessToken): AdminApiClient {
  return createAdminApiClient({
    storeDomain: sandbox.shopDomain,
    apiVersion,
    accessToken,
    customFetchApi: sandbox.fetch,
    // Versions older than the client's rolling list only log a warning; keep test output clean.
    logger: () => undefined,
  });
}

/** A clock tests move by hand. */
export function manualClock(start = Date.parse('2026-11-23T09:00:00Z')): { now: () => number; advance(ms: number): void } {
  let current = start;
  return { now: () => current, advance: (ms) => (current += ms) };
}
