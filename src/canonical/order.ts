import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { defineEntity } from './entity.ts';
import { personal, PersonalDataKind } from './personal-data.ts';
import {
  Amount,
  code,
  CurrencyCode,
  documentNumber,
  EmailAddress,
  enumOf,
  ExternalId,
  HubId,
  LineNumber,
  LocationCode,
  OrderedQuantity,
  PersonName,
  PhoneNumber,
  postalAddress,
  ShortText,
  Sku,
  TaxRate,
  Timestamp,
} from './primitives.ts';

/** Where the order was taken. */
export const SalesChannel = {
  web: 'web',
  mobileApp: 'mobile-app',
  store: 'store',
  callCenter: 'call-center',
  marketplace: 'marketplace',
  b2bPortal: 'b2b-portal',
  edi: 'edi',
} as const;
export type SalesChannel = (typeof SalesChannel)[keyof typeof SalesChannel];

export const FulfilmentMethod = { ship: 'ship', pickup: 'pickup', shipFromStore: 'ship-from-store' } as const;
export type FulfilmentMethod = (typeof FulfilmentMethod)[keyof typeof FulfilmentMethod];

/**
 * Order lifecycle. The ERP owns it once the order is booked; allowed moves are in
 * `lifecycles.ts` (`orderLifecycle`).
 */
export const OrderStatus = {
  /** Captured from a channel, not yet accepted by the ERP. */
  placed: 'placed',
  /** Held for payment, fraud or credit review before booking. */
  onHold: 'on-hold',
  /** Accepted by the ERP; `erpOrderId` is known. */
  booked: 'booked',
  /** Refused by the ERP (see `statusReason`); may be corrected and placed again. */
  rejected: 'rejected',
  inFulfilment: 'in-fulfilment',
  partiallyShipped: 'partially-shipped',
  shipped: 'shipped',
  readyForPickup: 'ready-for-pickup',
  delivered: 'delivered',
  pickedUp: 'picked-up',
  cancelled: 'cancelled',
} as const;
export type OrderStatus = (typeof OrderStatus)[keyof typeof OrderStatus];

export const OrderPaymentStatus = {
  pending: 'pending',
  authorized: 'authorized',
  partiallyPaid: 'partially-paid',
  paid: 'paid',
  partiallyRefunded: 'partially-refunded',
  refunded: 'refunded',
  voided: 'voided',
  failed: 'failed',
} as const;
export type OrderPaymentStatus = (typeof OrderPaymentStatus)[keyof typeof OrderPaymentStatus];

const Discount = Type.Object(
  {
    code: Type.Optional(ShortText('Promotion or coupon code.', 64)),
    description: Type.Optional(ShortText('What the discount is, e.g. "10% off running".', 255)),
    amount: { ...Amount, description: 'Discount on the whole line (all units), positive.' },
  },
  { additionalProperties: false },
);

export const OrderLineSchema = Type.Object(
  {
    lineNumber: LineNumber,
    sku: Sku,
    name: ShortText('Product name as sold.', 255),
    quantity: OrderedQuantity,
    quantityCancelled: Type.Optional(Type.Integer({ minimum: 0, description: 'Units cancelled after placement.' })),
    unitPrice: { ...Amount, description: 'Price of one unit before discounts.' },
    discounts: Type.Array(Discount, { maxItems: 50 }),
    tax: Type.Object(
      { amount: Amount, rate: Type.Optional(TaxRate), code: Type.Optional(code('Tax code in the ERP.', ['VAT20'])) },
      { additionalProperties: false, description: 'Tax on the whole line.' },
    ),
    lineTotal: { ...Amount, description: 'quantity × unitPrice − discounts; includes tax only when pricesIncludeTax.' },
  },
  { additionalProperties: false },
);
export type OrderLine = Static<typeof OrderLineSchema>;

export const OrderSchema = defineEntity({
  name: 'order',
  version: 1,
  title: 'Order',
  description: 'A customer order from any channel; business key `orderNumber`. Booked in and owned by the ERP.',
  properties: {
    orderNumber: documentNumber('Retailer-facing order number, unique across channels.', ['WEB-100234']),
    channel: enumOf(SalesChannel),
    channelOrderId: { ...ExternalId, description: "The order's id in the channel that took it." },
    placedAt: Timestamp,
    customer: Type.Object(
      {
        customerId: Type.Optional({ ...HubId, description: 'Hub id of the customer; absent for a guest checkout.' }),
        name: Type.Optional(PersonName),
        email: Type.Optional(EmailAddress),
        phone: Type.Optional(PhoneNumber),
      },
      { additionalProperties: false },
    ),
    currency: CurrencyCode,
    pricesIncludeTax: Type.Boolean({ description: 'True when unit prices include tax (VAT markets).' }),
    lines: Type.Array(OrderLineSchema, { minItems: 1, maxItems: 1000 }),
    totals: Type.Object(
      {
        subtotal: { ...Amount, description: 'Sum of line totals.' },
        discountTotal: { ...Amount, description: 'Sum of line discounts (already inside line totals).' },
        shippingTotal: Amount,
        taxTotal: { ...Amount, description: 'Line tax plus shipping tax.' },
        grandTotal: { ...Amount, description: 'subtotal + shippingTotal + taxTotal (taxTotal only when prices exclude tax).' },
      },
      { additionalProperties: false },
    ),
    paymentStatus: enumOf(OrderPaymentStatus),
    fulfilment: Type.Object(
      {
        method: enumOf(FulfilmentMethod),
        locationCode: Type.Optional({
          ...LocationCode,
          description: 'Store or warehouse that fulfils the order; for pickup, the collection store.',
        }),
        carrierService: Type.Optional(ShortText('Requested carrier service, e.g. next-day.', 64)),
        shippingAddress: Type.Optional(postalAddress({ personalData: true })),
      },
      { additionalProperties: false },
    ),
    billingAddress: Type.Optional(postalAddress({ personalData: true })),
    status: enumOf(OrderStatus),
    statusReason: Type.Optional(
      Type.Object(
        { code: ShortText('Reason code, e.g. ITEM_DISCONTINUED.', 64), message: ShortText('Reason in words.', 1000) },
        { additionalProperties: false, description: 'Why the order is on hold, rejected or cancelled.' },
      ),
    ),
    erpOrderId: Type.Optional({ ...ExternalId, description: 'Sales order id in the ERP, set once booked.' }),
    returnEligibility: Type.Object(
      {
        eligible: Type.Boolean(),
        returnBy: Type.Optional({ ...Timestamp, description: 'Last moment a return may be requested.' }),
        reason: Type.Optional(ShortText('Why not eligible, e.g. final sale.', 255)),
      },
      { additionalProperties: false },
    ),
    notes: Type.Optional(personal(PersonalDataKind.freeText, ShortText('Customer note, e.g. delivery instructions.', 2000))),
  },
});

export type Order = Static<typeof OrderSchema>;
