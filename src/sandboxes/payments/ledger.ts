import { StripeApiError, invalidParam, resourceMissing } from './errors.ts';
import type { Charge, PaymentIntent, Refund } from './objects.ts';
import { RefundReason, TEST_PAYMENT_METHODS } from './objects.ts';
import {
  metadata,
  oneOf,
  optionalBoolean,
  optionalInteger,
  optionalString,
  rejectUnknown,
  requiredInteger,
  requiredString,
} from './params.ts';
import type { Params } from './params.ts';

/** Currencies without minor units (https://docs.stripe.com/currencies#zero-decimal), for messages. */
const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);

/**
 * Payment intents, their charges and refunds, with Stripe's business rules: a payment is
 * captured on confirmation with a test payment method, and refunds never exceed what was paid.
 * Money is always in integer minor units.
 */
export class PaymentLedger {
  private readonly intents = new Map<string, PaymentIntent>();
  private readonly charges = new Map<string, Charge>();
  private readonly refunds = new Map<string, Refund>();

  constructor(
    private readonly newId: (prefix: string) => string,
    private readonly clock: () => number,
  ) {}

  createPaymentIntent(params: Params): PaymentIntent {
    rejectUnknown(params, [
      'amount', 'currency', 'payment_method', 'confirm', 'metadata', 'description', 'customer',
      'payment_method_types', 'automatic_payment_methods', 'capture_method', 'receipt_email', 'return_url',
    ]);
    const amount = requiredInteger(params, 'amount');
    if (amount < 1) throw invalidParam('amount', 'This value must be greater than or equal to 1.', 'parameter_invalid_integer');
    const currency = requiredString(params, 'currency').toLowerCase();
    if (!/^[a-z]{3}$/.test(currency)) throw invalidParam('currency', `Invalid currency: ${currency}.`, 'parameter_invalid_string');
    // Manual capture (authorise now, capture later) is not modelled: the refund flow needs captured payments.
    oneOf(params, 'capture_method', ['automatic', 'automatic_async'] as const);
    const paymentMethod = optionalString(params, 'payment_method') ?? null;
    const id = this.newId('pi');
    const intent: PaymentIntent = {
      id,
      object: 'payment_intent',
      amount,
      amount_capturable: 0,
      amount_received: 0,
      capture_method: 'automatic',
      client_secret: `${id}_secret_${this.newId('cs').slice(3)}`,
      confirmation_method: 'automatic',
      created: this.now(),
      currency,
      customer: optionalString(params, 'customer') ?? null,
      description: optionalString(params, 'description') ?? null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      metadata: metadata(params),
      payment_method: paymentMethod,
      payment_method_types: ['card'],
      status: paymentMethod ? 'requires_confirmation' : 'requires_payment_method',
    };
    if (paymentMethod) this.assertKnownPaymentMethod(paymentMethod);
    this.intents.set(id, intent);
    return optionalBoolean(params, 'confirm') ? this.confirm(id, {}) : intent;
  }

  /** Confirms and captures: a test card that succeeds creates the charge; a declining one is a 402 card_error. */
  confirm(id: string, params: Params): PaymentIntent {
    rejectUnknown(params, ['payment_method', 'return_url', 'receipt_email']);
    const intent = this.paymentIntent(id);
    if (intent.status === 'succeeded' || intent.status === 'canceled') {
      throw new StripeApiError({
        status: 400,
        type: 'invalid_request_error',
        code: 'payment_intent_unexpected_state',
        message: `This PaymentIntent's status is ${intent.status}, so it cannot be confirmed.`,
      });
    }
    const paymentMethod = optionalString(params, 'payment_method') ?? intent.payment_method;
    if (!paymentMethod) {
      throw invalidParam('payment_method', 'You cannot confirm this PaymentIntent because it\'s missing a payment method.', 'payment_intent_unexpected_state');
    }
    const behaviour = this.assertKnownPaymentMethod(paymentMethod);
    if (behaviour.outcome === 'declined') {
      const error = { code: 'card_declined', decline_code: behaviour.declineCode, message: behaviour.message, type: 'card_error' as const };
      this.intents.set(id, { ...intent, payment_method: null, status: 'requires_payment_method', last_payment_error: error });
      throw new StripeApiError({
        status: 402,
        type: 'card_error',
        code: 'card_declined',
        declineCode: behaviour.declineCode,
        message: behaviour.message,
      });
    }
    const charge: Charge = {
      id: this.newId('ch'),
      object: 'charge',
      amount: intent.amount,
      amount_captured: intent.amount,
      amount_refunded: 0,
      balance_transaction: this.newId('txn'),
      captured: true,
      created: this.now(),
      currency: intent.currency,
      livemode: false,
      metadata: intent.metadata,
      paid: true,
      payment_intent: intent.id,
      payment_method: paymentMethod,
      refunded: false,
      status: 'succeeded',
    };
    this.charges.set(charge.id, charge);
    const confirmed: PaymentIntent = {
      ...intent,
      payment_method: paymentMethod,
      amount_received: intent.amount,
      latest_charge: charge.id,
      last_payment_error: null,
      status: 'succeeded',
    };
    this.intents.set(id, confirmed);
    return confirmed;
  }

  paymentIntent(id: string): PaymentIntent {
    const intent = this.intents.get(id);
    if (!intent) throw resourceMissing('payment_intent', id);
    return intent;
  }

  charge(id: string): Charge {
    const charge = this.charges.get(id);
    if (!charge) throw resourceMissing('charge', id);
    return charge;
  }

  refund(id: string): Refund {
    const refund = this.refunds.get(id);
    if (!refund) throw resourceMissing('refund', id);
    return refund;
  }

  /**
   * Refunds a captured charge (named directly or through its payment intent), by default what
   * remains unrefunded. More than what remains is refused with `amount_too_large` on `amount`.
   */
  createRefund(params: Params): Refund {
    rejectUnknown(params, ['payment_intent', 'charge', 'amount', 'reason', 'metadata', 'instructions_email']);
    const charge = this.refundableCharge(params);
    const remaining = charge.amount_captured - charge.amount_refunded;
    if (remaining <= 0) {
      throw new StripeApiError({
        status: 400,
        type: 'invalid_request_error',
        code: 'charge_already_refunded',
        message: `Charge ${charge.id} has already been refunded.`,
        param: 'amount',
      });
    }
    const amount = optionalInteger(params, 'amount') ?? remaining;
    if (amount < 1) throw invalidParam('amount', 'Refund amount must be at least 1.', 'parameter_invalid_integer');
    if (amount > remaining) {
      throw new StripeApiError({
        status: 400,
        type: 'invalid_request_error',
        code: 'amount_too_large',
        param: 'amount',
        message: `Refund amount (${money(amount, charge.currency)}) is greater than unrefunded amount on charge (${money(remaining, charge.currency)})`,
      });
    }
    const refund: Refund = {
      id: this.newId('re'),
      object: 'refund',
      amount,
      balance_transaction: this.newId('txn'),
      charge: charge.id,
      created: this.now(),
      currency: charge.currency,
      metadata: metadata(params),
      payment_intent: charge.payment_intent,
      reason: oneOf(params, 'reason', RefundReason) ?? null,
      receipt_number: null,
      status: 'succeeded',
    };
    const amountRefunded = charge.amount_refunded + amount;
    this.charges.set(charge.id, { ...charge, amount_refunded: amountRefunded, refunded: amountRefunded >= charge.amount_captured });
    this.refunds.set(refund.id, refund);
    return refund;
  }

  /** Newest first, as Stripe lists. */
  listPaymentIntents(): PaymentIntent[] {
    return [...this.intents.values()].reverse();
  }

  listRefunds(filter: { paymentIntent?: string; charge?: string }): Refund[] {
    return [...this.refunds.values()]
      .filter(
        (refund) =>
          (!filter.paymentIntent || refund.payment_intent === filter.paymentIntent) &&
          (!filter.charge || refund.charge === filter.charge),
      )
      .reverse();
  }

  snapshot() {
    return {
      paymentIntents: [...this.intents.values()],
      charges: [...this.charges.values()],
      refunds: [...this.refunds.values()],
    };
  }

  reset(): void {
    this.intents.clear();
    this.charges.clear();
    this.refunds.clear();
  }

  private refundableCharge(params: Params): Charge {
    const chargeId = optionalString(params, 'charge');
    const intentId = optionalString(params, 'payment_intent');
    if (!chargeId && !intentId) {
      throw invalidParam('charge', 'One of the following params should be provided for this request: payment_intent or charge.', 'parameter_missing');
    }
    if (chargeId) {
      const charge = this.charges.get(chargeId);
      if (!charge) throw resourceMissing('charge', chargeId, 'charge');
      return charge;
    }
    const intent = this.intents.get(intentId ?? '');
    if (!intent) throw resourceMissing('payment_intent', intentId ?? '', 'payment_intent');
    if (intent.status !== 'succeeded' || !intent.latest_charge) {
      throw new StripeApiError({
        status: 400,
        type: 'invalid_request_error',
        code: 'charge_not_refundable',
        param: 'payment_intent',
        message: `This PaymentIntent (${intent.id}) does not have a successful charge to refund.`,
      });
    }
    return this.charge(intent.latest_charge);
  }

  private assertKnownPaymentMethod(paymentMethod: string) {
    const behaviour = TEST_PAYMENT_METHODS[paymentMethod];
    if (!behaviour) throw resourceMissing('PaymentMethod', paymentMethod, 'payment_method');
    return behaviour;
  }

  private now(): number {
    return Math.floor(this.clock() / 1000);
  }
}

function money(amount: number, currency: string): string {
  const major = ZERO_DECIMAL.has(currency) ? String(amount) : (amount / 100).toFixed(2);
  return currency === 'usd' ? `$${major}` : `${major} ${currency.toUpperCase()}`;
}
