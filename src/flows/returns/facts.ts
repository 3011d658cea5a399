import type { Case } from '../../canonical/case.ts';
import type { Invoice } from '../../canonical/invoice.ts';
import type { Order, OrderStatus } from '../../canonical/order.ts';
import type { Payment, Refund } from '../../canonical/payment.ts';
import type { Product } from '../../canonical/product.ts';
import type { Return } from '../../canonical/return.ts';
import type { Shipment } from '../../canonical/shipment.ts';
import type { RecordStore } from '../../ports/storage.ts';
import { defineFlow, type FlowDefinition } from '../../runtime/flows/definition.ts';
import { RecordEntity, recordVersion } from '../reference/records.ts';
import { orderMatchKey, ReturnEvent, ReturnFlow, ReturnsRecord } from './names.ts';
import type { ReturnRecord } from './record.ts';
import { storefrontReturnOf } from './recognise.ts';

/**
 * What the hub knows of an order, for returns: the order as its channel placed it (the prices
 * the customer paid) and as the ERP booked it, and when it was handed over if the ERP or the
 * channel said so as a status (delivered, picked up) rather than with a shipment.
 */
export interface OrderFacts {
  orderNumber: string;
  placed?: Order;
  booked?: Order;
  /** The latest fulfilment status reported for the whole order, e.g. delivered or picked-up. */
  handedOver?: { status: OrderStatus; at: string };
  cancelled?: boolean;
  /** Bumped on every change: the record's version (writes of one order are serialised by subject). */
  revision: number;
}

/** The order as the returns flows see it: the channel's view first (prices paid), else the ERP's. */
export function orderOf(facts: OrderFacts | undefined): Order | undefined {
  return facts?.placed ?? facts?.booked;
}

const HANDED_OVER: readonly string[] = ['delivered', 'picked-up'];

/**
 * The returns flows' own projections of upstream events, kept apart from other modules' read
 * models (the order, shipment and payment models of other flows may take another shape or
 * arrive later): orders, captured payments, paid invoices, delivered shipments and cases.
 * Each write is ordered by the source's own version, so duplicates and late arrivals are harmless.
 */
export function factsProjection(records: RecordStore, clock: () => number): FlowDefinition {
  return defineFlow({
    name: ReturnFlow.facts,
    durable: false,
    startsOn: [
      ReturnEvent.orderPlaced,
      ReturnEvent.orderBooked,
      ReturnEvent.orderStatusChanged,
      ReturnEvent.orderCancelled,
      ReturnEvent.paymentCaptured,
      ReturnEvent.invoicePaid,
      ReturnEvent.shipmentMilestone,
      ReturnEvent.caseUpdated,
      ReturnEvent.refundIssued,
    ],
    async run(_ctx, event) {
      const now = clock();
      switch (event.type) {
        case ReturnEvent.orderPlaced:
        case ReturnEvent.orderBooked:
        case ReturnEvent.orderStatusChanged:
        case ReturnEvent.orderCancelled:
          await mergeOrder(records, event.type, event.data as Order, now);
          return;
        case ReturnEvent.paymentCaptured: {
          const payment = event.data as Payment;
          if (!payment.orderNumber) return;
          await records.put({ entity: ReturnsRecord.payment, key: payment.hubId, data: payment, version: recordVersion(payment), matchKeys: [orderMatchKey(payment.orderNumber)] }, now);
          return;
        }
        case ReturnEvent.invoicePaid: {
          const invoice = event.data as Invoice;
          if (!invoice.orderNumber) return;
          await records.put({ entity: ReturnsRecord.invoice, key: invoice.invoiceNumber, data: invoice, version: recordVersion(invoice), matchKeys: [orderMatchKey(invoice.orderNumber)] }, now);
          return;
        }
        case ReturnEvent.shipmentMilestone: {
          const shipment = event.data as Shipment;
          // Only delivered parcels matter for returns; a later milestone event carries the whole history.
          if (!deliveredAt(shipment)) return;
          await records.put({ entity: ReturnsRecord.shipment, key: shipment.shipmentNumber, data: shipment, version: recordVersion(shipment), matchKeys: [orderMatchKey(shipment.orderNumber)] }, now);
          return;
        }
        case ReturnEvent.refundIssued: {
          const refund = event.data as Refund;
          // Storefront refunds of goods only; the hub's own refunds are in the return records.
          if (!storefrontReturnOf(refund)) return;
          await records.put({ entity: ReturnsRecord.refund, key: refund.hubId, data: refund, version: recordVersion(refund) }, now);
          return;
        }
        case ReturnEvent.caseUpdated: {
          const supportCase = event.data as Case;
          await records.put({ entity: ReturnsRecord.case, key: supportCase.caseNumber, data: supportCase, version: recordVersion(supportCase) }, now);
          return;
        }
      }
    },
  });
}

/** Read-merge-write of an order's facts. Events of one order share its number as subject, so they are handled one at a time. */
async function mergeOrder(records: RecordStore, type: string, order: Order, now: number): Promise<void> {
  for (;;) {
    const stored = await records.get<OrderFacts>(ReturnsRecord.order, order.orderNumber);
    const facts: OrderFacts = stored?.data ?? { orderNumber: order.orderNumber, revision: 0 };
    const next = { ...facts, revision: facts.revision + 1 };
    const newer = (known: Order | undefined) => !known || recordVersion(order) >= recordVersion(known);
    if (type === ReturnEvent.orderPlaced) {
      if (!newer(facts.placed)) return;
      next.placed = order;
    } else if (type === ReturnEvent.orderBooked) {
      if (!newer(facts.booked)) return;
      next.booked = order;
    } else if (type === ReturnEvent.orderCancelled) {
      if (facts.cancelled) return;
      next.cancelled = true;
    } else {
      if (!HANDED_OVER.includes(order.status) || facts.handedOver) return;
      next.handedOver = { status: order.status, at: order.sourceTimestamp };
    }
    // Refused only if another writer got there first (another worker): read again and merge again.
    if (await records.put({ entity: ReturnsRecord.order, key: order.orderNumber, data: next, version: next.revision }, now)) return;
  }
}

/** When a shipment was delivered, if it was. */
export function deliveredAt(shipment: Shipment): string | undefined {
  return shipment.milestones.find((entry) => entry.milestone === 'delivered')?.occurredAt;
}

/** Everything eligibility is decided on, read in one journaled step. */
export interface EligibilityFacts {
  order?: OrderFacts;
  payments: Payment[];
  paidInvoices: Invoice[];
  deliveredShipments: Shipment[];
  /** The top category (family) of each SKU asked about, from the product read model. */
  categories: Record<string, string | undefined>;
  /** The order's other returns, as recorded so far (rejected and expired ones included). */
  otherReturns: Pick<ReturnRecord, 'return' | 'claimedAt'>[];
}

export async function readEligibilityFacts(records: RecordStore, request: Pick<Return, 'orderNumber' | 'rmaNumber' | 'lines'>): Promise<EligibilityFacts> {
  const byOrder = [orderMatchKey(request.orderNumber)];
  const [order, payments, invoices, shipments, products, returns] = await Promise.all([
    records.get<OrderFacts>(ReturnsRecord.order, request.orderNumber),
    records.match<Payment>(ReturnsRecord.payment, byOrder),
    records.match<Invoice>(ReturnsRecord.invoice, byOrder),
    records.match<Shipment>(ReturnsRecord.shipment, byOrder),
    records.getMany<Product>(RecordEntity.product, request.lines.map((line) => line.sku)),
    records.match<ReturnRecord>(RecordEntity.return, byOrder),
  ]);
  const categories: Record<string, string | undefined> = {};
  for (const line of request.lines) categories[line.sku] = products.find((product) => product.key === line.sku)?.data.category.path[0];
  return {
    ...(order && { order: order.data }),
    payments: payments.map((record) => record.data).filter((payment) => payment.status === 'captured' || payment.status === 'partially-refunded'),
    paidInvoices: invoices.map((record) => record.data).filter((invoice) => invoice.status === 'paid'),
    deliveredShipments: shipments.map((record) => record.data),
    categories,
    otherReturns: returns.filter((record) => record.key !== request.rmaNumber).map((record) => ({ return: record.data.return, claimedAt: record.data.claimedAt })),
  };
}
