import { eventually } from '../../ports/conformance/harness.ts';
import { DEMO_SEED, type DemoSeed } from '../../sandboxes/traffic/demo-data.ts';
import { createOrderCapture } from '../order-capture/index.ts';
import { createReadModelStandIn } from '../order-capture/testing.ts';
import type { RetailFlowModule } from '../module.ts';
import { createReferenceData } from '../reference/projection.ts';
import { startRetailWorld, type RetailWorld, type RetailWorldOptions } from '../testing/world.ts';
import { createBopisReroute } from './index.ts';

/**
 * Test support for the BOPIS reroute: a business with three stores and a DC, reroute settings
 * with distances, and a world running the modules the reroute works with (catalogue, customer
 * and stock read models, order capture).
 */
export const BOPIS_CATALOGUE: DemoSeed = {
  ...DEMO_SEED,
  locations: [
    ...DEMO_SEED.locations,
    { code: 'STORE-002', name: 'Store 002 Lakeview', kind: 'store', city: 'Chicago', countryCode: 'US' },
    { code: 'STORE-003', name: 'Store 003 Evanston', kind: 'store', city: 'Evanston', countryCode: 'US' },
  ],
};

export const STORE_001_ADDRESS = { line1: '100 N State St', city: 'Chicago', region: 'IL', postalCode: '60602', country: 'US' };

/** STORE-002 is nearest to STORE-001, then STORE-003; the DC ships to STORE-001 when no store can. */
export const BOPIS_SETTINGS = {
  bopis: {
    locations: [
      { code: 'STORE-001', distanceKm: { 'STORE-002': 3, 'STORE-003': 8, 'DC-EAST': 480 }, address: STORE_001_ADDRESS },
      { code: 'STORE-002', priority: 10 },
      { code: 'STORE-003', priority: 10 },
      { code: 'DC-EAST', shipsToStore: true, priority: 50 },
    ],
  },
};

export async function startBopisWorld(options: Partial<RetailWorldOptions> & { onModule?: (module: RetailFlowModule) => void } = {}): Promise<RetailWorld> {
  const { onModule, ...rest } = options;
  return startRetailWorld({
    settings: BOPIS_SETTINGS,
    ...rest,
    sandboxes: { catalogue: BOPIS_CATALOGUE, ...rest.sandboxes },
    modules: (deps) => {
      const bopis = createBopisReroute(deps);
      onModule?.(bopis);
      return [createReferenceData(deps), createReadModelStandIn(deps), createOrderCapture(deps), bopis];
    },
  });
}

/** Waits for a condition while running the pollers (NetSuite reports a booking once it has settled, ~5 s). */
export function polling<T>(world: RetailWorld, probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 25_000): Promise<T> {
  return eventually(async () => {
    // A poller of a system the test has made fail answers with an error: the next round polls again.
    await world.pollNow().catch(() => undefined);
    return probe();
  }, what, timeoutMs);
}
