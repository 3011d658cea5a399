import { connectorConformance } from '../conformance/connector.conformance.ts';
import type { Order } from '../../canonical/order.ts';
import { bookOrderItem, sandboxOrder, startNetSuiteFixture } from './testing.ts';

connectorConformance('netsuite', {
  async open() {
    const fixture = await startNetSuiteFixture();
    const store = fixture.netsuite.records.store;
    return {
      connector: fixture.connector,
      faults: fixture.netsuite.faults,
      validItems: (count) => Array.from({ length: count }, () => bookOrderItem(sandboxOrder())),
      // An item the account does not know: NetSuite refuses the reference (INVALID_CONTENT).
      invalidItem: () =>
        bookOrderItem(sandboxOrder({ lines: [{ lineNumber: 1, sku: 'NO-SUCH-SKU', name: 'Unknown', quantity: 1, unitPrice: '1.00', discounts: [], tax: { amount: '0.00' }, lineTotal: '1.00' }] })),
      read: async (item) => store.getByExternalId('salesOrder', (item.payload as Order).orderNumber),
      count: async () => store.list('salesOrder').length,
      close: () => fixture.close(),
    };
  },
});
