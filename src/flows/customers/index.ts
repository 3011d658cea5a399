import type { RetailFlowDependencies, RetailFlowModule } from '../module.ts';
import { loadStats } from './changes.ts';
import { createSerializer, customerSyncFlow, customerUnmergeFlow } from './flows.ts';
import { mergesTodayPanel, rejectedChangesPanel } from './panels.ts';

export { findGoldenCustomer } from './golden.ts';
export { unmergeCustomers } from './merges.ts';
export { CUSTOMER_ATTRIBUTE_GROUPS, CustomerAttributeGroup } from './attribute-groups.ts';
export { CustomerRecordEntity } from './records.ts';
export { CustomerSyncEvent } from './events.ts';

/**
 * Customer sync with ownership (flow 4 of the retail flows; docs/flows/customers.md): profiles
 * from every system are matched to a golden customer, merged by the ownership rules, and written
 * to every system that needs them; changes from a system that does not own an attribute group
 * are recorded and shown instead of applied; duplicates found by matching are merged, reversibly.
 *
 * @example
 * const world = await startRetailWorld({ modules: (deps) => [createCustomerSync(deps)] });
 */
export function createCustomerSync(deps: RetailFlowDependencies): RetailFlowModule {
  const serialize = createSerializer();
  return {
    name: 'customers',
    flows: [customerSyncFlow(deps, serialize), customerUnmergeFlow(deps, serialize)],
    healthPanels: [rejectedChangesPanel(), mergesTodayPanel()],
    async report() {
      const { stats } = await loadStats(deps.records);
      return {
        'customers.changes': stats.changes,
        'customers.fanned_out': stats.fannedOut,
        'customers.rejected_non_owner': stats.rejectedNonOwner,
        'customers.merged': stats.merged,
      };
    },
  };
}
