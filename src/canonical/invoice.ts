import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { defineEntity } from './entity.ts';
import {
  Amount,
  CalendarDate,
  CurrencyCode,
  documentNumber,
  enumOf,
  HubId,
  LineNumber,
  OrderedQuantity,
  ShortText,
  Sku,
  Timestamp,
} from './primitives.ts';

export const InvoiceStatus = {
  open: 'open',
  partiallyPaid: 'partially-paid',
  paid: 'paid',
  void: 'void',
} as const;
export type InvoiceStatus = (typeof InvoiceStatus)[keyof typeof InvoiceStatus];

export const InvoiceSchema = defineEntity({
  name: 'invoice',
  version: 1,
  title: 'Invoice',
  description: 'A customer invoice issued by the ERP; business key `invoiceNumber`.',
  properties: {
    invoiceNumber: documentNumber('Invoice number from the ERP.', ['INV-2026-004211']),
    orderNumber: Type.Optional(documentNumber('Order invoiced, when there is one.')),
    customerId: HubId,
    issuedAt: Timestamp,
    dueDate: CalendarDate,
    currency: CurrencyCode,
    lines: Type.Array(
      Type.Object(
        {
          lineNumber: LineNumber,
          sku: Type.Optional(Sku),
          description: ShortText('Line text as printed.', 500),
          quantity: OrderedQuantity,
          unitPrice: Amount,
          taxAmount: Amount,
          lineTotal: { ...Amount, description: 'quantity × unitPrice, before tax.' },
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
    totals: Type.Object(
      { subtotal: Amount, taxTotal: Amount, grandTotal: Amount },
      { additionalProperties: false },
    ),
    status: enumOf(InvoiceStatus),
    amountPaid: Amount,
  },
});

export type Invoice = Static<typeof InvoiceSchema>;
