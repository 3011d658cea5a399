import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { defineEntity } from './entity.ts';
import { Amount, code, CurrencyCode, documentNumber, enumOf, ExternalId, HubId, LineNumber, OrderedQuantity, ShortText, Sku, Timestamp } from './primitives.ts';

export const PaymentMethod = {
  card: 'card',
  wallet: 'wallet',
  bankTransfer: 'bank-transfer',
  giftCard: 'gift-card',
  storeCredit: 'store-credit',
  cash: 'cash',
  invoice: 'invoice',
} as const;
export type PaymentMethod = (typeof PaymentMethod)[keyof typeof PaymentMethod];

export const PaymentStatus = {
  pending: 'pending',
  authorized: 'authorized',
  captured: 'captured',
  partiallyRefunded: 'partially-refunded',
  refunded: 'refunded',
  voided: 'voided',
  failed: 'failed',
} as const;
export type PaymentStatus = (typeof PaymentStatus)[keyof typeof PaymentStatus];

export const RefundStatus = { pending: 'pending', issued: 'issued', failed: 'failed', cancelled: 'cancelled' } as const;
export type RefundStatus = (typeof RefundStatus)[keyof typeof RefundStatus];

// A replayed request with the same key must not move money twice. Stripe keys are at most
// 255 characters (https://docs.stripe.com/api/idempotent_requests).
const IdempotencyKey = Type.String({
  minLength: 1,
  maxLength: 255,
  description: 'Key sent to the processor so a retried request moves money once.',
  'x-expected': 'an idempotency key of 1 to 255 characters',
});

const Processor = Type.Object(
  {
    name: code('Payment processor, e.g. stripe, adyen.', ['stripe']),
    reference: { ...ExternalId, description: "The processor's id, e.g. a Stripe PaymentIntent or Refund id." },
  },
  { additionalProperties: false },
);

export const PaymentSchema = defineEntity({
  name: 'payment',
  version: 1,
  title: 'Payment',
  description: 'Money taken from a customer for an order or invoice; keyed by its hub id.',
  properties: {
    orderNumber: Type.Optional(documentNumber('Order paid.')),
    invoiceNumber: Type.Optional(documentNumber('Invoice paid.')),
    amount: Amount,
    currency: CurrencyCode,
    method: enumOf(PaymentMethod),
    status: enumOf(PaymentStatus),
    processor: Processor,
    idempotencyKey: IdempotencyKey,
    capturedAt: Type.Optional(Timestamp),
    card: Type.Optional(
      Type.Object(
        {
          brand: ShortText('Card brand, e.g. visa.', 32),
          // Truncated PANs (last 4 digits) may be displayed under PCI DSS requirement 3.4.1.
          last4: Type.String({ pattern: '^[0-9]{4}$', 'x-expected': 'the last 4 digits of the card' }),
        },
        { additionalProperties: false },
      ),
    ),
  },
});
export type Payment = Static<typeof PaymentSchema>;

export const RefundSchema = defineEntity({
  name: 'refund',
  version: 1,
  title: 'Refund',
  description: 'Money given back to a customer against a payment; keyed by its hub id.',
  properties: {
    paymentId: { ...HubId, description: 'Hub id of the payment refunded.' },
    orderNumber: Type.Optional(documentNumber('Order refunded.')),
    rmaNumber: Type.Optional(documentNumber('Return that caused the refund.')),
    amount: Amount,
    currency: CurrencyCode,
    method: enumOf(PaymentMethod),
    status: enumOf(RefundStatus),
    processor: Processor,
    idempotencyKey: IdempotencyKey,
    reason: Type.Optional(ShortText('Why refunded.', 500)),
    issuedAt: Type.Optional(Timestamp),
    lines: Type.Optional(
      Type.Array(
        Type.Object(
          {
            orderLineNumber: Type.Optional(LineNumber),
            sku: Sku,
            quantity: OrderedQuantity,
            amount: Type.Optional({ ...Amount, description: 'Amount refunded for these units, before tax.' }),
          },
          { additionalProperties: false },
        ),
        { maxItems: 1000, description: 'The order lines refunded, when the refund is for goods (a storefront return); absent for a money-only refund.' },
      ),
    ),
  },
});
export type Refund = Static<typeof RefundSchema>;
