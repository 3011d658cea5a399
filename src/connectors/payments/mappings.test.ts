import { describe, expect, it } from 'vitest';
import { toMinorUnits } from '../../canonical/money.ts';
import { samplePayment, sampleRefund } from '../../canonical/fixtures.ts';
import { loadPaymentsMappings } from './mappings.ts';

const bindings = { toMinorUnits: (amount: string, currency: string) => toMinorUnits(amount, currency) };

describe('payments.refund.from-canonical', () => {
  const { refund } = loadPaymentsMappings();

  it('maps a return refund to Stripe parameters', async () => {
    expect(await refund.apply({ refund: sampleRefund(), payment: samplePayment() }, bindings)).toEqual({
      payment_intent: 'pi_3QK8vL2eZvKYlo2C1xA0b9cD',
      amount: 10_799,
      reason: 'requested_by_customer',
      metadata: { crossdock_refund_id: 'rfd_01JD3WT6RFDRMA20931000000', order_number: 'WEB-100234', rma_number: 'RMA-20931' },
    });
  });

  it('refunds a charge when the payment is one, in the currency exponent, without a reason outside returns', async () => {
    const mapped = await refund.apply(
      { refund: sampleRefund({ amount: '500', currency: 'JPY', rmaNumber: undefined }), payment: samplePayment({ processor: { name: 'stripe', reference: 'ch_3QK8' } }) },
      bindings,
    );
    expect(mapped).toMatchObject({ charge: 'ch_3QK8', amount: 500 });
    expect(mapped).not.toHaveProperty('payment_intent');
    expect(mapped).not.toHaveProperty('reason');
  });

  it('refuses an override of a mapping it does not have, naming it', () => {
    expect(() => loadPaymentsMappings({ payment: {} } as never)).toThrow(/mappingOverrides.payment: the payments connector has no such mapping/);
  });
});
