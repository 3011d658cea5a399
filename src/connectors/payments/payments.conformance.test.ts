import { connectorConformance } from '../conformance/connector.conformance.ts';
import type { DeliveryItem } from '../../ports/storage.ts';
import { refundItem, startPaymentsFixture } from './testing.ts';
import type { IssueRefundPayload } from './outbound.ts';

/** Refunds need captured payments, made before the suite asks for items (it asks synchronously). */
const PAYMENTS_PER_TEST = 8;

connectorConformance('payments', {
  async open() {
    const fixture = await startPaymentsFixture();
    const intents: string[] = [];
    for (let index = 0; index < PAYMENTS_PER_TEST; index++) intents.push(await fixture.paidIntent());
    const nextIntent = () => {
      const intent = intents.shift();
      if (!intent) throw new Error(`the payments harness prepared only ${PAYMENTS_PER_TEST} payments`);
      return intent;
    };
    const intentOf = (item: DeliveryItem) => (item.payload as IssueRefundPayload).payment.processor.reference;
    return {
      connector: fixture.connector,
      faults: fixture.sandbox.faults,
      validItems: (count) => Array.from({ length: count }, () => refundItem(nextIntent())),
      // More than was paid (141.94): Stripe refuses it with amount_too_large.
      invalidItem: () => refundItem(nextIntent(), { amount: '999.99' }),
      read: async (item) => (await fixture.refunds(intentOf(item)))[0],
      count: async () => (await fixture.refunds()).length,
      close: () => fixture.close(),
    };
  },
});
