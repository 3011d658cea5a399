import { createSandboxApp, seededRandom, startSandbox } from '../kit/index.ts';
import type { FaultConfig, RunningSandbox } from '../kit/index.ts';
import { installStripeAccess, STRIPE_TEST_READS_PER_SECOND, STRIPE_TEST_WRITES_PER_SECOND } from './access.ts';
import { installStripeErrorHandler, renderStripeError } from './errors.ts';
import { IdempotencyStore } from './idempotency.ts';
import { PaymentLedger } from './ledger.ts';
import { registerPaymentsRoutes } from './routes.ts';

export { STRIPE_TEST_READS_PER_SECOND, STRIPE_TEST_WRITES_PER_SECOND } from './access.ts';
export { IDEMPOTENCY_KEY_TTL_MS } from './idempotency.ts';
export { TEST_PAYMENT_METHODS } from './objects.ts';
export type { Charge, PaymentIntent, Refund } from './objects.ts';

export interface PaymentsSandboxOptions {
  port?: number;
  host?: string;
  /** Accepted secret keys; default `['sk_test_crossdock']`. */
  secretKeys?: string[];
  readsPerSecond?: number;
  writesPerSecond?: number;
  faults?: FaultConfig;
  seed?: number;
  clock?: () => number;
}

export interface RunningPaymentsSandbox extends RunningSandbox {
  /** The first accepted secret key, for clients: `new Stripe(secretKey, { host, port, protocol: 'http' })`. */
  secretKey: string;
}

const ID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Starts the payments sandbox, Stripe-compatible enough for the official `stripe` client:
 * payment intents (confirmed and captured with Stripe's test payment methods), refunds with
 * Stripe's rules, `Idempotency-Key` semantics, list paging and the test-mode rate limits.
 *
 * @example
 * const payments = await startPaymentsSandbox();
 * const stripe = new Stripe(payments.secretKey, { host: '127.0.0.1', port: payments.port, protocol: 'http' });
 * const intent = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
 * await stripe.refunds.create({ payment_intent: intent.id, amount: 500 }, { idempotencyKey: 'rma-1001' });
 */
export async function startPaymentsSandbox(options: PaymentsSandboxOptions = {}): Promise<RunningPaymentsSandbox> {
  const clock = options.clock ?? Date.now;
  const secretKeys = options.secretKeys ?? ['sk_test_crossdock'];
  const seed = options.seed ?? 1;
  const random = seededRandom(seed + 2);
  // Stripe ids: a type prefix and 24 base-62 characters.
  const newId = (prefix: string) =>
    `${prefix}_${Array.from({ length: 24 }, () => ID_ALPHABET[Math.floor(random() * ID_ALPHABET.length)]).join('')}`;
  const ledger = new PaymentLedger(newId, clock);
  const idempotency = new IdempotencyStore(clock);

  const { app, faults } = createSandboxApp({
    name: 'payments',
    seed,
    clock,
    ...(options.faults ? { faults: options.faults } : {}),
    renderError: renderStripeError,
    snapshot: () => ({ ...ledger.snapshot(), idempotencyKeys: idempotency.size }),
    reset: () => {
      ledger.reset();
      idempotency.reset();
      access.reset();
    },
    limits: () => access.limits(),
  });
  installStripeErrorHandler(app);
  const access = installStripeAccess(app, {
    secretKeys,
    readsPerSecond: options.readsPerSecond ?? STRIPE_TEST_READS_PER_SECOND,
    writesPerSecond: options.writesPerSecond ?? STRIPE_TEST_WRITES_PER_SECOND,
    clock,
  });
  registerPaymentsRoutes(app, { ledger, idempotency, newRequestId: () => newId('req') });

  const running = await startSandbox(app, faults, {
    name: 'payments',
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.host ? { host: options.host } : {}),
  });
  return { ...running, secretKey: secretKeys[0] ?? '' };
}
