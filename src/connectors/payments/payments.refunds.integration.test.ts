import { afterEach, describe, expect, it } from 'vitest';
import type { ItemOutcome } from '../../runtime/delivery/target.ts';
import { AuthExpiredError, PermanentError, RateLimitedError } from '../../runtime/errors.ts';
import { deliveryItem, recordingContext } from '../conformance/harness.ts';
import { createPaymentsConnector } from './index.ts';
import type { IssueRefundPayload } from './outbound.ts';
import { refundItem, startPaymentsFixture, type PaymentsFixture } from './testing.ts';

let fixture: PaymentsFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

function refusal(outcome: ItemOutcome | undefined): PermanentError {
  expect(outcome?.ok).toBe(false);
  const error = (outcome as { error: unknown }).error;
  expect(error).toBeInstanceOf(PermanentError);
  return error as PermanentError;
}

describe('payments connector: refunds on the Stripe-compatible sandbox', () => {
  it('sends amount in minor units, the reason and the order and RMA numbers as metadata', async () => {
    fixture = await startPaymentsFixture();
    const intent = await fixture.paidIntent();
    const item = refundItem(intent, { amount: '107.99', rmaNumber: 'RMA-20931' });
    const [outcome] = await fixture.connector.deliver([item], recordingContext());
    expect(outcome).toMatchObject({ ok: true, externalId: expect.stringMatching(/^re_/) });
    const [refund] = await fixture.refunds(intent);
    expect(refund).toMatchObject({
      id: (outcome as { externalId: string }).externalId,
      amount: 10_799,
      currency: 'gbp',
      payment_intent: intent,
      reason: 'requested_by_customer',
      metadata: { order_number: 'WEB-100234', rma_number: 'RMA-20931', crossdock_refund_id: expect.stringMatching(/^rfd_test_/) },
    });
  });

  it('refunds once when the same idempotency key is sent twice: the same refund id', async () => {
    fixture = await startPaymentsFixture();
    const intent = await fixture.paidIntent();
    const item = refundItem(intent, { amount: '20.00' });
    const [first] = await fixture.connector.deliver([item], recordingContext());
    const [again] = await fixture.connector.deliver([item], recordingContext());
    expect(again).toEqual(first);
    expect(await fixture.refunds(intent)).toHaveLength(1);
    const charge = await fixture.stripe('GET', `/v1/payment_intents/${intent}`);
    expect((await fixture.stripe('GET', `/v1/charges/${String(charge.body.latest_charge)}`)).body).toMatchObject({ amount_refunded: 2_000 });
  });

  it('refuses a refund above what remains as amount_too_large on the field amount', async () => {
    fixture = await startPaymentsFixture();
    const intent = await fixture.paidIntent(5_000);
    const [outcome] = await fixture.connector.deliver([refundItem(intent, { amount: '50.01' })], recordingContext());
    expect(refusal(outcome)).toMatchObject({ code: 'amount_too_large', field: 'amount', system: 'stripe', retryable: false });
    expect(await fixture.refunds(intent)).toHaveLength(0);
  });

  it('refuses a refund of a fully refunded payment as charge_already_refunded', async () => {
    fixture = await startPaymentsFixture();
    const intent = await fixture.paidIntent(5_000);
    await fixture.connector.deliver([refundItem(intent, { amount: '50.00' })], recordingContext());
    const [outcome] = await fixture.connector.deliver([refundItem(intent, { amount: '1.00' })], recordingContext());
    expect(refusal(outcome)).toMatchObject({ code: 'charge_already_refunded' });
  });

  it('refuses a reused idempotency key with other parameters as idempotency_error, never retried', async () => {
    fixture = await startPaymentsFixture();
    const intent = await fixture.paidIntent();
    await fixture.connector.deliver([refundItem(intent, { amount: '10.00', idempotencyKey: 'refund:RMA-1:1' })], recordingContext());
    const [outcome] = await fixture.connector.deliver([refundItem(intent, { amount: '11.00', idempotencyKey: 'refund:RMA-1:1' })], recordingContext());
    expect(refusal(outcome)).toMatchObject({ code: 'idempotency_error', retryable: false });
    expect(await fixture.refunds(intent)).toHaveLength(1);
  });

  it('applies a mapping override: a custom metadata field reaches Stripe', async () => {
    fixture = await startPaymentsFixture({
      connector: { mappingOverrides: { refund: { fields: { 'metadata.store_code': "'STORE-0042'", 'metadata.refund_reason': 'refund.reason' }, remove: ['reason'] } } },
    });
    const intent = await fixture.paidIntent();
    await fixture.connector.deliver([refundItem(intent)], recordingContext());
    const [refund] = await fixture.refunds(intent);
    expect(refund).toMatchObject({ reason: null, metadata: { store_code: 'STORE-0042', refund_reason: 'Return RMA-20931 received in sellable condition' } });
  });

  it("turns Stripe's own rate limiter (429 rate_limit) into RateLimitedError with a retry delay", async () => {
    fixture = await startPaymentsFixture({ sandbox: { writesPerSecond: 1 } });
    const intents = [await fixture.paidIntent(), await fixture.paidIntent(), await fixture.paidIntent()];
    let throttled: unknown;
    for (let attempt = 0; attempt < 20 && !throttled; attempt++) {
      throttled = await fixture.connector.deliver([refundItem(intents[attempt % 3]!, { amount: '0.01' })], recordingContext()).then(() => undefined, (error: unknown) => error);
    }
    expect(throttled).toBeInstanceOf(RateLimitedError);
    expect(throttled).toMatchObject({ code: 'rate_limit', system: 'stripe', retryAfterMs: 1_000 });
  });

  it('turns a rolled secret key into AuthExpiredError', async () => {
    fixture = await startPaymentsFixture();
    const intent = await fixture.paidIntent();
    const connector = createPaymentsConnector({ baseUrl: fixture.sandbox.url, secretKey: 'sk_test_rolled' });
    const failure = await connector.deliver([refundItem(intent)], recordingContext()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AuthExpiredError);
  });

  it('refuses a payload that is not a refund command, naming the mapping field', async () => {
    fixture = await startPaymentsFixture();
    const item = deliveryItem({ target: 'payments', kind: 'command', key: 'RMA-9', operation: 'issueRefund', payload: { refund: { amount: '1.001', currency: 'EUR' }, payment: { processor: { name: 'stripe', reference: 'pi_x' } } }, idempotencyKey: 'refund:RMA-9:1' });
    const [outcome] = await fixture.connector.deliver([item], recordingContext());
    expect(refusal(outcome)).toMatchObject({ code: 'MAPPING_ERROR', field: 'amount', message: expect.stringContaining('more than 2 decimals') });
  });
});

describe('payments connector: a retry after Stripe forgot the idempotency key', () => {
  it('finds the refund an earlier attempt paid by its hub id instead of paying again', async () => {
    fixture = await startPaymentsFixture();
    const intent = await fixture.paidIntent();
    const first = refundItem(intent, { amount: '10.00', idempotencyKey: 'refund:RMA-7:1' });
    const [paid] = await fixture.connector.deliver([first], recordingContext());
    // Days later an operator retries the dead letter: a new attempt, and Stripe's key has expired
    // (simulated with another key, which Stripe would treat as a new request).
    const retried = { ...first, attempts: 3, idempotencyKey: 'refund:RMA-7:1-after-expiry' };
    const [again] = await fixture.connector.deliver([retried], recordingContext());
    expect(again).toEqual(paid);
    expect(await fixture.refunds(intent)).toHaveLength(1);
  });
});

describe('payments connector: a refund tried again under a new key', () => {
  it('answers with the refund the first try paid when the flow retries under a new delivery key', async () => {
    fixture = await startPaymentsFixture();
    const intent = await fixture.paidIntent();
    const first = refundItem(intent, { amount: '10.00', idempotencyKey: 'rfd_RMA-8' });
    const [paid] = await fixture.connector.deliver([first], recordingContext());
    // The hub never saw that answer (the item went dead); the operator's retry is a new item whose
    // key differs from the refund's own, on its first attempt.
    const retried = { ...first, attempts: 1, idempotencyKey: 'rfd_RMA-8/retry-2' };
    const [again] = await fixture.connector.deliver([retried], recordingContext());
    expect(again).toEqual(paid);
    expect(await fixture.refunds(intent)).toHaveLength(1);
  });

  it('pays a corrected refund under the new key after the first try was refused for good', async () => {
    fixture = await startPaymentsFixture();
    const intent = await fixture.paidIntent(5_000);
    const first = refundItem(intent, { amount: '50.01', idempotencyKey: 'rfd_RMA-9' });
    expect(refusal((await fixture.connector.deliver([first], recordingContext()))[0])).toMatchObject({ code: 'amount_too_large' });
    const payload = first.payload as IssueRefundPayload;
    const corrected = { ...first, idempotencyKey: 'rfd_RMA-9/retry-2', payload: { ...payload, refund: { ...payload.refund, amount: '50.00' } } };
    const [outcome] = await fixture.connector.deliver([corrected], recordingContext());
    expect(outcome).toMatchObject({ ok: true });
    expect(await fixture.refunds(intent)).toHaveLength(1);
  });
});
