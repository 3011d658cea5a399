import { samplePayment, sampleRefund } from '../../canonical/fixtures.ts';
import type { DeliveryItem } from '../../ports/storage.ts';
import { startPaymentsSandbox, type PaymentsSandboxOptions, type RunningPaymentsSandbox } from '../../sandboxes/payments/index.ts';
import type { Connector } from '../connector.ts';
import { deliveryItem } from '../conformance/harness.ts';
import { createPaymentsConnector, type PaymentsConnectorOptions } from './index.ts';
import type { IssueRefundPayload } from './outbound.ts';

/** Test support for the payments connector's tests (not part of the connector). */

export interface PaymentsFixture {
  sandbox: RunningPaymentsSandbox;
  connector: Connector;
  /** Calls the sandbox as the storefront would (taking payments) or as an operator reads it. */
  stripe(method: string, path: string, form?: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }>;
  /** A captured payment of `amount` minor units in GBP; returns its PaymentIntent id. */
  paidIntent(amount?: number): Promise<string>;
  refunds(paymentIntent?: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export async function startPaymentsFixture(
  options: { sandbox?: PaymentsSandboxOptions; connector?: Partial<PaymentsConnectorOptions> } = {},
): Promise<PaymentsFixture> {
  // The real 25 writes/s would throttle a fast test run; the rate-limit tests use fault injection.
  const sandbox = await startPaymentsSandbox({ readsPerSecond: 1_000, writesPerSecond: 1_000, ...options.sandbox });
  const connector = createPaymentsConnector({ baseUrl: sandbox.url, secretKey: sandbox.secretKey, ...options.connector });
  const stripe = async (method: string, path: string, form?: Record<string, string>) => {
    const response = await fetch(`${sandbox.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${sandbox.secretKey}`, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return {
    sandbox,
    connector,
    stripe,
    async paidIntent(amount = 14_194) {
      const intent = await stripe('POST', '/v1/payment_intents', { amount: String(amount), currency: 'gbp', payment_method: 'pm_card_visa', confirm: 'true' });
      return String(intent.body.id);
    },
    async refunds(paymentIntent) {
      const listed = await stripe('GET', `/v1/refunds?limit=100${paymentIntent ? `&payment_intent=${paymentIntent}` : ''}`);
      return listed.body.data as Record<string, unknown>[];
    },
    close: () => sandbox.close(),
  };
}

let refundSequence = 0;

/** An issueRefund item for a payment, as the returns flow would enqueue it. */
export function refundItem(paymentIntent: string, options: { amount?: string; idempotencyKey?: string; rmaNumber?: string } = {}): DeliveryItem {
  refundSequence++;
  const rmaNumber = options.rmaNumber ?? `RMA-${30_000 + refundSequence}`;
  const idempotencyKey = options.idempotencyKey ?? `refund:${rmaNumber}:1`;
  const payload: IssueRefundPayload = {
    refund: sampleRefund({ hubId: `rfd_test_${refundSequence}`, rmaNumber, amount: options.amount ?? '107.99', status: 'pending', idempotencyKey }),
    payment: samplePayment({ processor: { name: 'stripe', reference: paymentIntent } }),
  };
  return deliveryItem({
    target: 'payments',
    kind: 'command',
    key: rmaNumber,
    operation: 'issueRefund',
    payload,
    idempotencyKey,
    context: { entity: 'refund', businessKey: rmaNumber, orderNumber: 'WEB-100234' },
  });
}
