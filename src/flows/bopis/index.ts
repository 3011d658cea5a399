import type { RetailFlowDependencies, RetailFlowModule } from '../module.ts';
import { BOPIS_REROUTE_FLOW, bopisRerouteFlow } from './flow.ts';
import { failedReroutesPanel, reroutesTodayPanel } from './health.ts';
import { isRerouted, RerouteStatus, reroutes } from './records.ts';

export { BOPIS_REROUTE_FLOW, NO_PICKUP_LOCATION, PICKUP_REROUTED } from './flow.ts';
export { REROUTE_ENTITY, RerouteStatus, type RerouteRecord } from './records.ts';

/**
 * BOPIS reroute (flow 6): a pickup order its store cannot fulfil is moved to the nearest
 * location with stock, and the ERP, the WMS and Salesforce follow; when none can, the exception
 * NO_PICKUP_LOCATION says why. Works with order capture (it holds the order; this resumes it).
 * See docs/flows/bopis.md.
 *
 * @example
 * const world = await startRetailWorld({ modules: (deps) => [createOrderCapture(deps), createInventorySync(deps), createBopisReroute(deps)],
 *   settings: { bopis: { locations: [{ code: 'STORE-001', distanceKm: { 'STORE-002': 4 } }, { code: 'STORE-002' }] } } });
 */
export function createBopisReroute(deps: RetailFlowDependencies): RetailFlowModule {
  if (!deps.deadLetters) throw new Error('the BOPIS reroute needs deps.deadLetters: it finds and resumes the holds of order capture through them');
  return {
    name: BOPIS_REROUTE_FLOW,
    flows: [bopisRerouteFlow(deps)],
    healthPanels: [reroutesTodayPanel(deps.records), failedReroutesPanel()],
    async report() {
      let rerouted = 0;
      let unfulfillable = 0;
      for await (const record of reroutes(deps.records)) {
        if (record.status === RerouteStatus.unfulfillable) unfulfillable++;
        else if (isRerouted(record)) rerouted++;
      }
      return { 'bopis.rerouted': rerouted, 'bopis.unfulfillable': unfulfillable };
    },
  };
}
