import { createHash } from 'node:crypto';
import type { CloudEvent } from '../../canonical/cloudevent.ts';
import type { RetailEventData, RetailEventType } from '../../canonical/events/catalogue.ts';
import { createRetailEvent } from '../../canonical/events/create-event.ts';
import { CanonicalValidationError } from '../../canonical/validation.ts';
import { PermanentError } from '../../runtime/errors.ts';
import type { InboundRequest, WebhookReceiver } from '../connector.ts';
import { header } from '../inbound/signature.ts';
import { verifyWmsSignature, type WmsSignatureVerdict } from './auth.ts';
import { WMS_SYSTEM } from './client.ts';
import type { WmsMappings } from './mappings.ts';

export const WMS_SIGNATURE_HEADER = 'x-wms-signature';
export const WMS_DELIVERY_ID_HEADER = 'x-wms-delivery-id';

/** The webhook body the WMS sends: `{ id, type, createdAt, data }`. */
interface WmsWebhookBody {
  id: string;
  type: string;
  createdAt: string;
  data: Record<string, unknown>;
}

interface WmsFulfillmentEvent {
  type: string;
  occurredAt: string;
  shipmentId?: string;
  reason?: string;
}

interface WmsParcel {
  id: string;
  lines?: { sku: string; quantity: number }[];
}

/** A canonical milestone entry (`milestone`, `detail`?) with when it happened. */
type ParcelMilestone = Record<string, unknown> & { occurredAt: string };

interface WmsFulfillmentOrder {
  id: string;
  lines: { sku: string; quantity: number; quantityShipped?: number }[];
  events: WmsFulfillmentEvent[];
  shipments: WmsParcel[];
}

/**
 * Canonical milestones of the warehouse itself: they concern the units still on the premises
 * (the consignment being prepared), never a parcel already handed to a carrier.
 */
const WAREHOUSE_MILESTONES: ReadonlySet<unknown> = new Set(['picked', 'packed']);

export interface WmsInboundOptions {
  /** Role name of the connector (`wms`): events come from `crossdock://connectors/<role>`. */
  role: string;
  /** Signing secrets of the webhook subscription (two while rotating). */
  secrets: readonly string[];
  toleranceSeconds: number;
  /** Location code of the warehouse in the canonical model (stock and returns happen there). */
  warehouseLocationCode: string | undefined;
  mappings: WmsMappings;
  clock: () => number;
}

/**
 * Turns WMS webhooks into canonical events:
 * - `fulfillment_order.shipped | delivered | exception` → `retail.shipment.milestone-reached.v1`,
 *   one per parcel concerned, carrying the parcel's whole milestone history so far;
 * - `fulfillment_order.picked | packed`, and an exception while units are still in the
 *   warehouse → the same event for the consignment being prepared: shipment number = the
 *   fulfilment order's id, lines = the units not shipped yet, no carrier;
 * - `return_receipt.received` → `retail.return.received.v1` (a line per received condition);
 * - `stock.adjusted` → `retail.inventory.level-changed.v1` with the adjustment's sequence.
 *
 * Event ids are derived from the WMS event id, which is the same on every retry and duplicate
 * of a delivery (and on every subscription): a repeated delivery yields the same ids, which the
 * event log drops. Out-of-order deliveries are harmless: each event carries the source time of
 * its milestone (`sourceTimestamp`, `time`) and the order's own revision (`version` = number of
 * milestones the WMS had recorded), so a flow ignores one older than what it already holds.
 */
export class WmsWebhookReceiver implements WebhookReceiver {
  private readonly source: string;

  constructor(private readonly options: WmsInboundOptions) {
    this.source = `crossdock://connectors/${options.role}`;
  }

  verify(request: InboundRequest): boolean {
    return this.verifySignature(request).valid;
  }

  /** The verdict with its reason, for the hub's log (the sender is only told 401). */
  verifySignature(request: InboundRequest): WmsSignatureVerdict {
    return verifyWmsSignature({
      header: header(request.headers, WMS_SIGNATURE_HEADER),
      rawBody: request.rawBody,
      secrets: this.options.secrets,
      nowSeconds: Math.floor(this.options.clock() / 1000),
      toleranceSeconds: this.options.toleranceSeconds,
    });
  }

  deliveryId(request: InboundRequest): string {
    const id = header(request.headers, WMS_DELIVERY_ID_HEADER);
    if (!id) throw new PermanentError('a WMS webhook without X-WMS-Delivery-Id cannot be deduplicated', { code: 'missing_delivery_id', system: WMS_SYSTEM });
    return id;
  }

  async toEvents(request: InboundRequest): Promise<CloudEvent[]> {
    const body = parseBody(request.rawBody);
    const [resource] = body.type.split('.');
    try {
      if (resource === 'fulfillment_order') return await this.milestoneEvents(body);
      if (body.type === 'return_receipt.received') return await this.returnReceivedEvents(body);
      if (body.type === 'stock.adjusted') return await this.stockEvents(body);
    } catch (error) {
      if (error instanceof CanonicalValidationError) {
        throw new PermanentError(`WMS ${body.type} ${body.id} does not make a valid canonical event: ${error.message}`, {
          code: 'invalid_canonical_event',
          system: WMS_SYSTEM,
          ...(error.field !== undefined && { field: error.field }),
        });
      }
      throw error;
    }
    // A topic the hub does not consume: acknowledged, nothing to record.
    return [];
  }

  private async milestoneEvents(body: WmsWebhookBody): Promise<CloudEvent[]> {
    const order = body.data.fulfillmentOrder as WmsFulfillmentOrder | undefined;
    if (!order) return [];
    const current = order.events[order.events.length - 1];
    const milestone = current && (await this.milestoneOf(current));
    if (!current || !milestone) return []; // resolved: no canonical milestone
    // Picked and packed, and an exception while units are still in the warehouse (a short pick,
    // a backorder), concern the units being prepared, not the parcels already on their way.
    const warehouseException = current.type === 'exception' && unitsLeftAt(order, order.events.length - 1);
    if (WAREHOUSE_MILESTONES.has(milestone.milestone) || warehouseException || order.shipments.length === 0) return this.preparationEvents(body, order);
    // A shipment event concerns its own parcel; delivered and exception concern every parcel sent so far.
    const parcels = current.shipmentId ? order.shipments.filter((parcel) => parcel.id === current.shipmentId) : order.shipments;
    const events: CloudEvent[] = [];
    for (const parcel of parcels) {
      const milestones = await this.parcelHistory(order, parcel.id);
      const latest = milestones[milestones.length - 1];
      if (!latest) continue;
      const fields = await this.options.mappings.shipment.apply({ fulfillmentOrder: order, shipment: parcel, milestones });
      const data = this.envelope('shp', parcel.id, latest.occurredAt, order.events.length, fields);
      events.push(this.event('retail.shipment.milestone-reached.v1', `${body.id}:${parcel.id}`, latest.occurredAt, data));
    }
    return events;
  }

  /**
   * The consignment being prepared: the units of the order not shipped yet, numbered with the
   * fulfilment order's id (no parcel id exists before shipping), with the warehouse milestones
   * recorded since the last parcel left. Its parcels get their own shipment numbers when shipped.
   */
  private async preparationEvents(body: WmsWebhookBody, order: WmsFulfillmentOrder): Promise<CloudEvent[]> {
    const lines = order.lines
      .map((line) => ({ sku: line.sku, quantity: line.quantity - (line.quantityShipped ?? 0) }))
      .filter((line) => line.quantity > 0);
    const lastParcelAt = order.events.findLastIndex((event) => event.type === 'shipped');
    const milestones: ParcelMilestone[] = [];
    for (const event of order.events.slice(lastParcelAt + 1)) {
      const milestone = await this.milestoneOf(event);
      if (milestone) milestones.push({ ...milestone, occurredAt: event.occurredAt });
    }
    const latest = milestones[milestones.length - 1];
    if (lines.length === 0 || !latest) return [];
    const fields = await this.options.mappings.shipment.apply({ fulfillmentOrder: order, shipment: { id: order.id, lines }, milestones });
    const data = this.envelope('shp', order.id, latest.occurredAt, order.events.length, fields);
    return [this.event('retail.shipment.milestone-reached.v1', `${body.id}:${order.id}`, latest.occurredAt, data)];
  }

  /** The parcel's milestones, oldest first: its own shipment, then the order's later carrier milestones. */
  private async parcelHistory(order: WmsFulfillmentOrder, parcelId: string): Promise<ParcelMilestone[]> {
    const shippedAt = order.events.findIndex((event) => event.type === 'shipped' && event.shipmentId === parcelId);
    if (shippedAt < 0) return [];
    const history: ParcelMilestone[] = [];
    for (const [index, event] of order.events.entries()) {
      if (index < shippedAt || (event.type === 'shipped' && event.shipmentId !== parcelId)) continue;
      if (event.type === 'exception' && unitsLeftAt(order, index)) continue; // it held the units left, not this parcel
      const milestone = await this.milestoneOf(event);
      if (milestone && !WAREHOUSE_MILESTONES.has(milestone.milestone)) history.push({ ...milestone, occurredAt: event.occurredAt });
    }
    return history;
  }

  private async milestoneOf(event: WmsFulfillmentEvent): Promise<Record<string, unknown> | undefined> {
    const mapped = withoutNulls(await this.options.mappings.milestone.apply(event));
    return typeof mapped.milestone === 'string' ? mapped : undefined;
  }

  private async returnReceivedEvents(body: WmsWebhookBody): Promise<CloudEvent[]> {
    const receipt = body.data.returnReceipt as { id: string; updatedAt: string; lines: { received: unknown[] }[] } | undefined;
    if (!receipt) return [];
    const fields = await this.options.mappings.return.apply(body.data, this.bindings());
    // Each receipt adds received batches: their count is the receipt's own revision.
    const revision = receipt.lines.reduce((sum, line) => sum + line.received.length, 0);
    const data = this.envelope('rtn', receipt.id, receipt.updatedAt, Math.max(1, revision), fields);
    return [this.event('retail.return.received.v1', body.id, receipt.updatedAt, data)];
  }

  private async stockEvents(body: WmsWebhookBody): Promise<CloudEvent[]> {
    const adjustment = body.data.adjustment as { createdAt: string } | undefined;
    const stock = body.data.stock as { sku: string } | undefined;
    if (!adjustment || !stock) return [];
    const fields = await this.options.mappings.inventoryLevel.apply(body.data, this.bindings());
    const sequence = typeof fields.sourceSequence === 'number' && fields.sourceSequence >= 1 ? fields.sourceSequence : 1;
    const data = this.envelope('inv', `${stock.sku}@${String(fields.locationCode)}`, adjustment.createdAt, sequence, fields);
    return [this.event('retail.inventory.level-changed.v1', body.id, adjustment.createdAt, data)];
  }

  private bindings(): Record<string, unknown> {
    return this.options.warehouseLocationCode ? { warehouseLocationCode: this.options.warehouseLocationCode } : {};
  }

  /**
   * The canonical envelope. The hub id is derived from the WMS id, so the same record always
   * gets the same one; `version` is the WMS's own revision of the record, so newer wins.
   */
  private envelope(prefix: string, externalId: string, sourceTimestamp: string, version: number, fields: Record<string, unknown>) {
    return {
      hubId: `${prefix}_${createHash('sha256').update(`${this.options.role}/${externalId}`).digest('hex').slice(0, 26)}`,
      externalIds: { [WMS_SYSTEM]: externalId },
      sourceSystem: WMS_SYSTEM,
      sourceTimestamp,
      version,
      schemaVersion: 1,
      ...withoutNulls(fields),
    };
  }

  private event<T extends RetailEventType>(type: T, id: string, time: string, data: unknown): CloudEvent {
    // The correlation id starts here, at the first hop; derived so a redelivery carries the same.
    return createRetailEvent({ type, id, time, data: data as RetailEventData<T>, source: this.source, correlationId: `wms-${id}` });
  }
}

/** Whether units of the order were still in the warehouse when its event at `index` happened. */
function unitsLeftAt(order: WmsFulfillmentOrder, index: number): boolean {
  const sent = new Set(order.events.slice(0, index + 1).flatMap((event) => (event.type === 'shipped' && event.shipmentId ? [event.shipmentId] : [])));
  const shipped = order.shipments.filter((parcel) => sent.has(parcel.id)).flatMap((parcel) => parcel.lines ?? []);
  const units = (lines: readonly { quantity: number }[]) => lines.reduce((sum, line) => sum + line.quantity, 0);
  return units(shipped) < units(order.lines);
}

function parseBody(rawBody: Buffer): WmsWebhookBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new PermanentError('the WMS webhook body is not JSON', { code: 'malformed_payload', system: WMS_SYSTEM });
  }
  const body = parsed as Partial<WmsWebhookBody> | null;
  if (!body || typeof body.id !== 'string' || typeof body.type !== 'string' || typeof body.data !== 'object' || body.data === null) {
    throw new PermanentError('the WMS webhook body needs id, type and data', { code: 'malformed_payload', system: WMS_SYSTEM });
  }
  return body as WmsWebhookBody;
}

/** Systems answer `null` for "not set"; canonical records leave such fields out. */
function withoutNulls(value: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value, (_key, field: unknown) => (field === null ? undefined : field))) as Record<string, unknown>;
}
