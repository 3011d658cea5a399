import { connectorConformance } from '../conformance/connector.conformance.ts';
import { customer, customerItem, connectedSandbox, recordByExternalId, records } from './test-support.ts';

connectorConformance('salesforce', {
  async open() {
    const { sandbox, connector } = await connectedSandbox();
    return {
      connector,
      faults: sandbox.faults,
      validItems: (count) => Array.from({ length: count }, () => customerItem(customer())),
      // A business customer without a name: Account.Name is required, whatever the retry.
      invalidItem: () => customerItem(customer({ partyType: 'business', companyName: undefined, name: { full: '' } as never })),
      read: async (item) => recordByExternalId(sandbox, 'Account', item.key),
      count: async () => records(sandbox, 'Account').length,
      close: () => sandbox.close(),
    };
  },
});
