import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { defineEntity } from './entity.ts';
import { personal, PersonalDataKind } from './personal-data.ts';
import {
  Amount,
  documentNumber,
  enumOf,
  ExternalId,
  HubId,
  LineNumber,
  LocationCode,
  OrderedQuantity,
  ShortText,
  Sku,
  Timestamp,
} from './primitives.ts';

/** Return lifecycle; allowed moves are in `lifecycles.ts` (`returnLifecycle`). */
export const ReturnStatus = {
  requested: 'requested',
  authorized: 'authorized',
  inTransit: 'in-transit',
  received: 'received',
  inspected: 'inspected',
  /** The ERP issued the credit memo (`creditMemoId`). */
  credited: 'credited',
  /** The money went back to the customer (`refundIds`). */
  refunded: 'refunded',
  rejected: 'rejected',
  cancelled: 'cancelled',
} as const;
export type ReturnStatus = (typeof ReturnStatus)[keyof typeof ReturnStatus];

export const ReturnReason = {
  damaged: 'damaged',
  defective: 'defective',
  wrongItem: 'wrong-item',
  notAsDescribed: 'not-as-described',
  sizeOrFit: 'size-or-fit',
  changedMind: 'changed-mind',
  arrivedLate: 'arrived-late',
  other: 'other',
} as const;
export type ReturnReason = (typeof ReturnReason)[keyof typeof ReturnReason];

/** Condition found when the item is received back; decides restock versus write-off. */
export const ItemCondition = {
  sellable: 'sellable',
  opened: 'opened',
  damaged: 'damaged',
  defective: 'defective',
  missingParts: 'missing-parts',
} as const;
export type ItemCondition = (typeof ItemCondition)[keyof typeof ItemCondition];

export const ReturnMethod = { mail: 'mail', inStore: 'in-store', carrierPickup: 'carrier-pickup' } as const;
export type ReturnMethod = (typeof ReturnMethod)[keyof typeof ReturnMethod];

export const ReturnSchema = defineEntity({
  name: 'return',
  version: 1,
  title: 'Return',
  description: 'A return merchandise authorisation (RMA) against one order; business key `rmaNumber`.',
  properties: {
    rmaNumber: documentNumber('RMA number.', ['RMA-20931']),
    orderNumber: documentNumber('The order the items came from.', ['WEB-100234']),
    customerId: Type.Optional(HubId),
    caseNumber: Type.Optional(documentNumber('The service case the return was requested through, when there is one.', ['00012873'])),
    requestedAt: Timestamp,
    method: enumOf(ReturnMethod),
    returnLocationCode: Type.Optional({ ...LocationCode, description: 'Store or warehouse receiving the items.' }),
    lines: Type.Array(
      Type.Object(
        {
          orderLineNumber: LineNumber,
          sku: Sku,
          quantity: OrderedQuantity,
          unitPrice: Type.Optional({
            ...Amount,
            description: 'Amount credited per unit: what the customer paid for one (tax included when charged). Absent: the ERP prices the line.',
          }),
          reason: enumOf(ReturnReason),
          customerComment: Type.Optional(personal(PersonalDataKind.freeText, ShortText("Customer's own words.", 2000))),
          condition: Type.Optional(enumOf(ItemCondition, { description: 'Set when the item is received.' })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
    status: enumOf(ReturnStatus),
    statusReason: Type.Optional(ShortText('Why rejected or cancelled.', 1000)),
    creditMemoId: Type.Optional({ ...ExternalId, description: 'Credit memo id in the ERP, set when credited.' }),
    refundIds: Type.Array(HubId, { maxItems: 20, description: 'Hub ids of the refunds paid for this return.' }),
  },
});

export type Return = Static<typeof ReturnSchema>;
