import { WmsError } from './errors.ts';
import { applyFulfillmentEvent, cancelFulfillmentOrder } from './fulfillment.ts';
import type { AppliedEvent, CancelledOrder } from './fulfillment.ts';
import { canonicalJson } from '../kit/index.ts';
import { IdSequence, pageAfter } from './ids.ts';
import type { CreateFulfillmentOrder, FulfillmentEventInput, FulfillmentOrder, FulfillmentStatus } from './model.ts';
import type { StockLedger } from './stock.ts';

/** Fulfilment orders, idempotent by the client's `externalOrderId`. */
export class FulfillmentOrders {
  private readonly orders = new Map<string, FulfillmentOrder>();
  /** externalOrderId → { id, the canonical request that created it }. */
  private readonly byExternalId = new Map<string, { id: string; request: string }>();
  private readonly ids = new IdSequence('fo');
  private readonly shipmentIds = new IdSequence('shp');

  constructor(
    private readonly stock: StockLedger,
    private readonly clock: () => number,
    private readonly defaultWarehouseId: string,
  ) {}

  /**
   * Creates an order, or returns the existing one when the same request is sent again (a client
   * retry). The same `externalOrderId` with different content is a conflict (409).
   */
  create(input: CreateFulfillmentOrder): { order: FulfillmentOrder; created: boolean } {
    const request = canonicalJson(input);
    const existing = this.byExternalId.get(input.externalOrderId);
    if (existing) {
      if (existing.request !== request) {
        throw new WmsError(
          409,
          'external_order_id_conflict',
          `A different fulfillment order already exists for externalOrderId ${input.externalOrderId} (${existing.id}); send the same content to retry, or use a new externalOrderId.`,
          'externalOrderId',
        );
      }
      return { order: this.get(existing.id), created: false };
    }
    const now = this.now();
    const order: FulfillmentOrder = {
      id: this.ids.take(),
      externalOrderId: input.externalOrderId,
      warehouseId: input.warehouseId ?? this.defaultWarehouseId,
      shippingMethod: input.shippingMethod ?? null,
      status: 'received',
      statusBeforeException: null,
      exceptionReason: null,
      shipTo: input.shipTo,
      lines: input.lines.map((line) => ({ sku: line.sku, quantity: line.quantity, quantityShipped: 0 })),
      shipments: [],
      events: [],
      createdAt: now,
      updatedAt: now,
    };
    this.orders.set(order.id, order);
    this.byExternalId.set(input.externalOrderId, { id: order.id, request });
    return { order, created: true };
  }

  get(id: string): FulfillmentOrder {
    const order = this.orders.get(id);
    if (!order) throw new WmsError(404, 'not_found', `No fulfillment order ${id}.`);
    return order;
  }

  list(options: { limit: number; cursor?: string; status?: FulfillmentStatus; externalOrderId?: string }) {
    const matching = [...this.orders.values()].filter(
      (order) =>
        (!options.status || order.status === options.status) &&
        (!options.externalOrderId || order.externalOrderId === options.externalOrderId),
    );
    const page = pageAfter(matching, options);
    if (!page) throw new WmsError(400, 'invalid_cursor', 'The cursor is not valid for this list.', 'cursor');
    return page;
  }

  /** Records a milestone; a shipment takes its units off the shelf. */
  recordEvent(id: string, input: FulfillmentEventInput): AppliedEvent {
    const current = this.get(id);
    const applied = applyFulfillmentEvent(current, input, { now: this.now(), shipmentId: this.shipmentIds.take() });
    if (applied.shipment) {
      this.stock.assertAvailable(applied.shipment.lines);
      this.stock.ship(applied.shipment.lines);
    }
    this.orders.set(id, applied.order);
    return applied;
  }

  /** Cancels at the client's request (see `cancelFulfillmentOrder` for the rules). */
  cancel(id: string, input: { reason?: string | undefined }): CancelledOrder {
    const result = cancelFulfillmentOrder(this.get(id), input, { now: this.now() });
    if (result.changed) this.orders.set(id, result.order);
    return result;
  }

  snapshot(): FulfillmentOrder[] {
    return [...this.orders.values()];
  }

  reset(): void {
    this.orders.clear();
    this.byExternalId.clear();
    this.ids.reset();
    this.shipmentIds.reset();
  }

  private now(): string {
    return new Date(this.clock()).toISOString();
  }
}
