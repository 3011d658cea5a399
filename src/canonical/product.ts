import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { defineEntity } from './entity.ts';
import { code, ShortText, Sku } from './primitives.ts';

export const ProductSchema = defineEntity({
  name: 'product',
  version: 1,
  title: 'Product',
  description: 'A sellable item (one SKU) from the ERP item master, enriched by commerce.',
  properties: {
    sku: Sku,
    name: ShortText('Customer-facing product name.', 255),
    description: Type.Optional(ShortText('Customer-facing description.', 10_000)),
    brand: Type.Optional(ShortText('Brand name.', 100)),
    category: Type.Object(
      {
        code: code('Category code in the merchandise hierarchy.', ['RUNNING-SHOES']),
        path: Type.Array(ShortText('Category name at one level, from the top.', 100), {
          minItems: 1,
          maxItems: 10,
          description: 'Category names from the top of the hierarchy down, e.g. Footwear > Running.',
        }),
      },
      { additionalProperties: false },
    ),
    // GTIN-8, UPC-A (12), EAN-13 and GTIN-14, https://www.gs1.org/standards/id-keys/gtin
    gtin: Type.Optional(
      Type.String({ pattern: '^([0-9]{8}|[0-9]{12,14})$', 'x-expected': 'a GTIN/EAN/UPC barcode of 8, 12, 13 or 14 digits' }),
    ),
    parentSku: Type.Optional({ ...Sku, description: 'Style or parent item this variant belongs to.' }),
    attributes: Type.Record(
      Type.String({ pattern: '^[a-z][a-zA-Z0-9_-]{0,63}$' }),
      Type.Union([Type.String({ maxLength: 1000 }), Type.Number(), Type.Boolean()], {
        'x-expected': 'text, a number or true/false',
      }),
      {
        additionalProperties: false,
        description: 'Variant and merchandising attributes, e.g. {"color": "red", "size": "M"}.',
        'x-expected': 'a map from attribute name (starting with a lower-case letter) to text, a number or true/false',
      },
    ),
    unitOfMeasure: Type.Optional(code('Selling unit of measure, e.g. EA.', ['EA'])),
    active: Type.Boolean({ description: 'Whether the item may be sold now.' }),
  },
});

export type Product = Static<typeof ProductSchema>;
