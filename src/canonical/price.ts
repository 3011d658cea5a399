import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { defineEntity } from './entity.ts';
import { Amount, code, CurrencyCode, Sku, Timestamp } from './primitives.ts';

export const PriceSchema = defineEntity({
  name: 'price',
  version: 1,
  title: 'Price',
  description: 'The price of one SKU in one price list for a period; the business key is `<priceList>/<sku>`.',
  properties: {
    sku: Sku,
    priceList: code('Price list code, e.g. RETAIL-GBP or WHOLESALE-EUR.', ['RETAIL-GBP']),
    currency: CurrencyCode,
    amount: { ...Amount, description: 'Unit price before tax, as a decimal string.' },
    compareAtAmount: Type.Optional({ ...Amount, description: 'Previous or reference price shown struck through.' }),
    minQuantity: Type.Optional(Type.Integer({ minimum: 1, description: 'Tier pricing: price applies from this quantity.' })),
    validFrom: Timestamp,
    validTo: Type.Optional({ ...Timestamp, description: 'Exclusive end; absent means open-ended.' }),
  },
});

export type Price = Static<typeof PriceSchema>;
