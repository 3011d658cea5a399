import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { defineEntity } from './entity.ts';
import {
  code,
  documentNumber,
  enumOf,
  LineNumber,
  LocationCode,
  OrderedQuantity,
  postalAddress,
  ShortText,
  Sku,
  Timestamp,
  WebAddress,
} from './primitives.ts';

/** Warehouse and carrier milestones, in the order they usually happen. */
export const ShipmentMilestone = {
  /** In the warehouse: picked from the shelves, then packed (no carrier yet). */
  picked: 'picked',
  packed: 'packed',
  labelCreated: 'label-created',
  handedToCarrier: 'handed-to-carrier',
  inTransit: 'in-transit',
  outForDelivery: 'out-for-delivery',
  delivered: 'delivered',
  deliveryAttemptFailed: 'delivery-attempt-failed',
  exception: 'exception',
  returnedToSender: 'returned-to-sender',
} as const;
export type ShipmentMilestone = (typeof ShipmentMilestone)[keyof typeof ShipmentMilestone];

export const ShipmentSchema = defineEntity({
  name: 'shipment',
  version: 1,
  title: 'Shipment',
  description: 'One parcel or consignment for an order; business key `shipmentNumber`.',
  properties: {
    shipmentNumber: documentNumber('Shipment or delivery note number.', ['SHP-558201']),
    orderNumber: documentNumber('The order shipped.', ['WEB-100234']),
    fromLocationCode: LocationCode,
    lines: Type.Array(
      Type.Object(
        { orderLineNumber: LineNumber, sku: Sku, quantity: OrderedQuantity },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
    carrier: Type.Optional(
      Type.Object(
        {
          code: code('Carrier code, e.g. ups, dhl, royal-mail.', ['ups']),
          service: Type.Optional(ShortText('Service level, e.g. express.', 64)),
        },
        { additionalProperties: false, description: 'Known once the parcel is handed to a carrier.' },
      ),
    ),
    trackingNumber: Type.Optional(ShortText('Carrier tracking number.', 64)),
    trackingUrl: Type.Optional(WebAddress),
    shipTo: Type.Optional(postalAddress({ personalData: true })),
    milestones: Type.Array(
      Type.Object(
        {
          milestone: enumOf(ShipmentMilestone),
          occurredAt: Timestamp,
          place: Type.Optional(ShortText('Depot or town reported by the carrier.', 200)),
          detail: Type.Optional(ShortText("Carrier's own wording.", 500)),
        },
        { additionalProperties: false },
      ),
      { maxItems: 200, description: 'Milestones reached so far, oldest first.' },
    ),
  },
});

export type Shipment = Static<typeof ShipmentSchema>;
