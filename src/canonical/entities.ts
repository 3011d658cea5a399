import type { Static } from '@sinclair/typebox';
import { CaseSchema } from './case.ts';
import { CustomerSchema } from './customer.ts';
import { InventoryLevelSchema } from './inventory-level.ts';
import { InvoiceSchema } from './invoice.ts';
import { LocationSchema } from './location.ts';
import { OrderSchema } from './order.ts';
import { PaymentSchema, RefundSchema } from './payment.ts';
import { PriceSchema } from './price.ts';
import { ProductSchema } from './product.ts';
import { ReturnSchema } from './return.ts';
import { ShipmentSchema } from './shipment.ts';

/** Every canonical entity schema by entity name (the `<entity>` of its `$id`). */
export const entitySchemas = {
  customer: CustomerSchema,
  product: ProductSchema,
  price: PriceSchema,
  location: LocationSchema,
  'inventory-level': InventoryLevelSchema,
  order: OrderSchema,
  shipment: ShipmentSchema,
  invoice: InvoiceSchema,
  return: ReturnSchema,
  case: CaseSchema,
  payment: PaymentSchema,
  refund: RefundSchema,
} as const;

export type EntityName = keyof typeof entitySchemas;
export type EntityOf<N extends EntityName> = Static<(typeof entitySchemas)[N]>;

export const entityNames = Object.keys(entitySchemas) as EntityName[];

/**
 * Whether a string names a canonical entity (`order`, `inventory-level`, ...); use it to
 * check names read from configuration or URLs before calling `validate(name, value)`.
 *
 * @example
 * isEntityName('order') // true
 * isEntityName('basket') // false
 */
export function isEntityName(value: unknown): value is EntityName {
  return typeof value === 'string' && Object.hasOwn(entitySchemas, value);
}
