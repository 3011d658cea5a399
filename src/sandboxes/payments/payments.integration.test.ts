import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { startPaymentsSandbox } from './index.ts';
import type { PaymentsSandboxOptions, RunningPaymentsSandbox } from './index.ts';

let sandbox: RunningPaymentsSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

/** The official client, unchanged, pointed at the sandbox; no client retries so each call is one request. */
async function stripeClient(options: PaymentsSandboxOptions = {}, key?: string): Promise<Stripe> {
  sandbox = await startPaymentsSandbox(options);
  return new Stripe(key ?? sandbox.secretKey, {
    host: '127.0.0.1',
    port: sandbox.port,
    protocol: 'http',
    maxNetworkRetries: 0,
    telemetry: false,
  });
}

async function paidIntent(stripe: Stripe, amount = 5000) {
  return stripe.paymentIntents.create({
    amount,
    currency: 'usd',
    payment_method: 'pm_card_visa',
    confirm: true,
    metadata: { order: 'SO-1001' },
  });
}

async function caught(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('payments sandbox with the stripe client', () => {
  it('creates and confirms a payment: captured in minor units, with its charge and metadata', async () => {
    const stripe = await stripeClient();
    const intent = await paidIntent(stripe);
    expect(intent.id).toMatch(/^pi_[0-9A-Za-z]{24}$/);
    expect(intent).toMatchObject({ status: 'succeeded', amount: 5000, amount_received: 5000, currency: 'usd' });
    expect(intent.metadata).toEqual({ order: 'SO-1001' });
    const fetched = await stripe.paymentIntents.retrieve(intent.id);
    expect(fetched.latest_charge).toBe(intent.latest_charge);
    expect(fetched.lastResponse.requestId).toMatch(/^req_/);
  });

  it('refunds with an idempotency key twice: the same refund, replayed, and only one refund booked', async () => {
    const stripe = await stripeClient();
    const intent = await paidIntent(stripe);
    const first = await stripe.refunds.create(
      { payment_intent: intent.id, amount: 1500, reason: 'requested_by_customer' },
      { idempotencyKey: 'rma-1001' },
    );
    const second = await stripe.refunds.create(
      { payment_intent: intent.id, amount: 1500, reason: 'requested_by_customer' },
      { idempotencyKey: 'rma-1001' },
    );
    expect(second.id).toBe(first.id);
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(first.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    const refunds = await stripe.refunds.list({ payment_intent: intent.id });
    expect(refunds.data.map((refund) => refund.id)).toEqual([first.id]);
    const charge = await stripe.charges.retrieve(String(intent.latest_charge));
    expect(charge).toMatchObject({ amount_refunded: 1500, refunded: false });
  });

  it('rejects reusing an idempotency key with different parameters (idempotency_error)', async () => {
    const stripe = await stripeClient();
    const intent = await paidIntent(stripe);
    await stripe.refunds.create({ payment_intent: intent.id, amount: 100 }, { idempotencyKey: 'key-1' });
    const error = await caught(() =>
      stripe.refunds.create({ payment_intent: intent.id, amount: 200 }, { idempotencyKey: 'key-1' }),
    );
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect((error as Stripe.errors.StripeError).statusCode).toBe(400);
  });

  it('rejects a refund above the paid amount with StripeInvalidRequestError on param amount', async () => {
    const stripe = await stripeClient();
    const intent = await paidIntent(stripe, 2000);
    await stripe.refunds.create({ payment_intent: intent.id, amount: 1500 });
    const error = await caught(() => stripe.refunds.create({ payment_intent: intent.id, amount: 501 }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    const stripeError = error as Stripe.errors.StripeInvalidRequestError;
    expect(stripeError).toMatchObject({ code: 'amount_too_large', param: 'amount', statusCode: 400 });
    expect(stripeError.message).toBe('Refund amount ($5.01) is greater than unrefunded amount on charge ($5.00)');
    // The rest refunds fine; after that the charge is fully refunded.
    const rest = await stripe.refunds.create({ payment_intent: intent.id });
    expect(rest.amount).toBe(500);
    const again = await caught(() => stripe.refunds.create({ payment_intent: intent.id, amount: 1 }));
    expect(again).toMatchObject({ code: 'charge_already_refunded' });
  });

  it('replays a stored business error for the same key, as Stripe saves results once execution began', async () => {
    const stripe = await stripeClient();
    const intent = await paidIntent(stripe, 1000);
    const options = { idempotencyKey: 'too-much' };
    const first = await caught(() => stripe.refunds.create({ payment_intent: intent.id, amount: 5000 }, options));
    const second = await caught(() => stripe.refunds.create({ payment_intent: intent.id, amount: 5000 }, options));
    expect(first).toMatchObject({ code: 'amount_too_large' });
    expect((second as Stripe.errors.StripeError).headers?.['idempotent-replayed']).toBe('true');
  });

  it('answers a wrong secret key with 401 (StripeAuthenticationError) and a masked key', async () => {
    const stripe = await stripeClient({}, 'sk_test_wrongkey1234');
    const error = await caught(() => stripe.paymentIntents.list());
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect((error as Error).message).toBe('Invalid API Key provided: sk_test_********1234');
  });

  it('declines a declining test card with a 402 card error', async () => {
    const stripe = await stripeClient();
    const error = await caught(() =>
      stripe.paymentIntents.create({ amount: 100, currency: 'usd', payment_method: 'pm_card_chargeDeclined', confirm: true }),
    );
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(error).toMatchObject({ code: 'card_declined', decline_code: 'generic_decline' });
  });

  it('validates parameters the Stripe way: missing, unknown and non-integer amounts', async () => {
    const stripe = await stripeClient();
    const missing = await caught(() => stripe.paymentIntents.create({ currency: 'usd' } as Stripe.PaymentIntentCreateParams));
    expect(missing).toMatchObject({ code: 'parameter_missing', param: 'amount' });
    const unknown = await caught(() =>
      stripe.paymentIntents.create({ amount: 100, currency: 'usd', colour: 'red' } as Stripe.PaymentIntentCreateParams),
    );
    expect(unknown).toMatchObject({ code: 'parameter_unknown', param: 'colour' });
    const missingObject = await caught(() => stripe.refunds.retrieve('re_nope'));
    expect(missingObject).toMatchObject({ code: 'resource_missing', statusCode: 404 });
  });

  it('pages lists newest first with has_more and starting_after, and auto-paginates', async () => {
    const stripe = await stripeClient();
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await paidIntent(stripe, 100 + i)).id);
    const page = await stripe.paymentIntents.list({ limit: 2 });
    expect(page).toMatchObject({ object: 'list', has_more: true, url: '/v1/payment_intents' });
    expect(page.data.map((intent) => intent.id)).toEqual([created[4], created[3]]);
    const next = await stripe.paymentIntents.list({ limit: 2, starting_after: created[3] });
    expect(next.data.map((intent) => intent.id)).toEqual([created[2], created[1]]);
    const all: string[] = [];
    for await (const intent of stripe.paymentIntents.list({ limit: 2 })) all.push(intent.id);
    expect(all).toEqual([...created].reverse());
  });
});

describe('payments sandbox limits, keys and faults', () => {
  it('answers 429 rate_limit past the write limit (StripeRateLimitError) and counts reads apart', async () => {
    let now = 5_000_000;
    const stripe = await stripeClient({ writesPerSecond: 2, readsPerSecond: 50, clock: () => now });
    await paidIntent(stripe);
    await paidIntent(stripe);
    const error = await caught(() => paidIntent(stripe));
    expect(error).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(error).toMatchObject({ code: 'rate_limit', statusCode: 429 });
    expect((await stripe.paymentIntents.list()).data).toHaveLength(2);
    now += 1_000;
    await expect(paidIntent(stripe)).resolves.toMatchObject({ status: 'succeeded' });
  });

  it('forgets idempotency keys after 24 hours', async () => {
    let now = 1_700_000_000_000;
    const stripe = await stripeClient({ clock: () => now });
    const intent = await paidIntent(stripe);
    const first = await stripe.refunds.create({ payment_intent: intent.id, amount: 10 }, { idempotencyKey: 'k' });
    now += 24 * 60 * 60 * 1000 + 1;
    const later = await stripe.refunds.create({ payment_intent: intent.id, amount: 10 }, { idempotencyKey: 'k' });
    expect(later.id).not.toBe(first.id);
  });

  it('injects a 500 in Stripe error format (StripeAPIError)', async () => {
    const stripe = await stripeClient({ faults: { errorRates: { 500: 1 } } });
    const error = await caught(() => stripe.paymentIntents.list());
    expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError);
    sandbox?.faults.set({});
    await expect(stripe.paymentIntents.list()).resolves.toMatchObject({ object: 'list' });
  });
});
