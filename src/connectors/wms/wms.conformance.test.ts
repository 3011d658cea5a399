import { connectorConformance } from '../conformance/connector.conformance.ts';
import type { DeliveryItem } from '../../ports/storage.ts';
import { newOrder, releaseItem, startWmsFixture } from './testing.ts';

connectorConformance('wms', {
  async open() {
    const fixture = await startWmsFixture();
    const orderOf = (item: DeliveryItem) => item.key;
    return {
      connector: fixture.connector,
      faults: fixture.wms.faults,
      validItems: (count) => Array.from({ length: count }, () => releaseItem(newOrder())),
      // The WMS requires a postal code on the ship-to address; the canonical model does not.
      invalidItem: () => {
        const order = newOrder();
        delete order.fulfilment.shippingAddress?.postalCode;
        return releaseItem(order);
      },
      async read(item) {
        const found = await fixture.warehouse('GET', `/v1/fulfillment-orders?externalOrderId=${encodeURIComponent(orderOf(item))}`);
        return (found.body.data as unknown[])[0];
      },
      async count() {
        return ((await fixture.warehouse('GET', '/v1/fulfillment-orders?limit=100')).body.data as unknown[]).length;
      },
      async signedWebhook() {
        const before = fixture.catcher.received.length;
        await fixture.warehouse('POST', '/v1/stock-adjustments', { sku: 'MERINO-SOCK-M-GRY', quantity: 5, reason: 'cycle_count' });
        const received = await fixture.catcher.waitFor(before + 1);
        return received[before]!;
      },
      close: () => fixture.close(),
    };
  },
});
