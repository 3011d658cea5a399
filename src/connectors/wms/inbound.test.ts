import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { validateRetailEvent } from '../../canonical/events/create-event.ts';
import { PermanentError } from '../../runtime/errors.ts';
import type { InboundRequest } from '../connector.ts';
import { WmsWebhookReceiver } from './inbound.ts';
import { loadWmsMappings } from './mappings.ts';

const now = Date.parse('2026-11-23T09:00:00Z');
const receiver = new WmsWebhookReceiver({ role: 'wms', secrets: ['whsec_test'], toleranceSeconds: 300, warehouseLocationCode: 'DC-EAST', mappings: loadWmsMappings(), clock: () => now });

function request(body: unknown, headers: Record<string, string> = {}): InboundRequest {
  const rawBody = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const t = Math.floor(now / 1000);
  const v1 = createHmac('sha256', 'whsec_test').update(`${t}.`).update(rawBody).digest('hex');
  return { rawBody, headers: { 'x-wms-signature': `t=${t},v1=${v1}`, 'x-wms-delivery-id': 'dlv-1', ...headers } };
}

describe('WmsWebhookReceiver on crafted deliveries', () => {
  it('acknowledges a topic it does not map with no events', async () => {
    const unknown = request({ id: 'evt_9', type: 'wave.released', createdAt: '2026-11-23T09:00:00Z', data: {} });
    expect(receiver.verify(unknown)).toBe(true);
    expect(await receiver.toEvents(unknown)).toEqual([]);
  });

  it('refuses a body that is not a WMS event as malformed_payload', async () => {
    await expect(receiver.toEvents(request('not json'))).rejects.toMatchObject({ code: 'malformed_payload' });
    await expect(receiver.toEvents(request({ type: 'stock.adjusted' }))).rejects.toBeInstanceOf(PermanentError);
  });

  it('needs the delivery id to deduplicate', () => {
    expect(receiver.deliveryId(request({}))).toBe('dlv-1');
    expect(() => receiver.deliveryId(request({}, { 'x-wms-delivery-id': '' }))).toThrow(/X-WMS-Delivery-Id/);
  });

  it('names the canonical field a WMS record cannot fill: a return without its order number', async () => {
    const receipt = {
      id: 'rr_000001',
      rmaNumber: 'RMA-1',
      externalOrderId: null,
      status: 'received',
      lines: [{ sku: 'SKU-1', quantityExpected: 1, quantityReceived: 1, received: [{ quantity: 1, condition: 'sellable', receivedAt: '2026-11-23T08:59:00Z' }] }],
      createdAt: '2026-11-23T08:00:00Z',
      updatedAt: '2026-11-23T08:59:00Z',
    };
    const delivery = request({ id: 'evt_3', type: 'return_receipt.received', createdAt: '2026-11-23T08:59:00Z', data: { returnReceipt: receipt } });
    await expect(receiver.toEvents(delivery)).rejects.toMatchObject({ code: 'invalid_canonical_event', field: 'orderNumber', system: 'wms' });
  });

  it('turns picked and packed into milestones of the consignment being prepared: the fulfilment order, its unshipped units, no carrier', async () => {
    const lines = [
      { sku: 'SKU-1', quantity: 2, quantityShipped: 0 },
      { sku: 'SKU-2', quantity: 1, quantityShipped: 0 },
    ];
    const events = [
      { type: 'picked', occurredAt: '2026-11-23T08:00:00Z' },
      { type: 'packed', occurredAt: '2026-11-23T08:05:00Z' },
    ];
    const order = { id: 'fo_000001', externalOrderId: 'WEB-1', warehouseId: 'DC-EAST', shippingMethod: 'next-day', shipTo: {}, lines, shipments: [], events };
    const [packed, ...rest] = await receiver.toEvents(request({ id: 'evt_2', type: 'fulfillment_order.packed', createdAt: '2026-11-23T08:05:00Z', data: { fulfillmentOrder: order } }));
    expect(rest).toEqual([]);
    expect(validateRetailEvent(packed).ok).toBe(true);
    expect(packed).toMatchObject({
      id: 'evt_2:fo_000001',
      type: 'retail.shipment.milestone-reached.v1',
      subject: 'fo_000001',
      time: '2026-11-23T08:05:00Z',
      data: {
        shipmentNumber: 'fo_000001',
        orderNumber: 'WEB-1',
        fromLocationCode: 'DC-EAST',
        lines: [
          { orderLineNumber: 1, sku: 'SKU-1', quantity: 2 },
          { orderLineNumber: 2, sku: 'SKU-2', quantity: 1 },
        ],
        milestones: [
          { milestone: 'picked', occurredAt: '2026-11-23T08:00:00Z' },
          { milestone: 'packed', occurredAt: '2026-11-23T08:05:00Z' },
        ],
        version: 2,
      },
    });
    expect((packed!.data as Record<string, unknown>).carrier).toBeUndefined();
  });

  it('shows an exception before any parcel left on the consignment being prepared, with the WMS reason', async () => {
    const order = {
      id: 'fo_000002',
      externalOrderId: 'WEB-2',
      warehouseId: 'DC-EAST',
      shipTo: {},
      lines: [{ sku: 'SKU-1', quantity: 3, quantityShipped: 0 }],
      shipments: [],
      events: [
        { type: 'picked', occurredAt: '2026-11-23T08:00:00Z' },
        { type: 'exception', occurredAt: '2026-11-23T08:10:00Z', reason: 'short pick: 1 unit damaged' },
      ],
    };
    const [held] = await receiver.toEvents(request({ id: 'evt_3', type: 'fulfillment_order.exception', createdAt: '2026-11-23T08:10:00Z', data: { fulfillmentOrder: order } }));
    expect(held).toMatchObject({
      subject: 'fo_000002',
      data: { lines: [{ sku: 'SKU-1', quantity: 3 }], milestones: [{ milestone: 'picked' }, { milestone: 'exception', detail: 'short pick: 1 unit damaged' }] },
    });
  });

  it('keeps warehouse milestones out of a parcel\'s history and numbers only the units left after a partial shipment', async () => {
    const order = {
      id: 'fo_000003',
      externalOrderId: 'WEB-3',
      warehouseId: 'DC-EAST',
      shipTo: {},
      lines: [
        { sku: 'SKU-1', quantity: 1, quantityShipped: 1 },
        { sku: 'SKU-2', quantity: 2, quantityShipped: 0 },
      ],
      shipments: [{ id: 'shp_000001', carrier: 'UPS', trackingNumber: '1Z1', lines: [{ sku: 'SKU-1', quantity: 1 }], shippedAt: '2026-11-23T09:00:00Z' }],
      events: [
        { type: 'picked', occurredAt: '2026-11-23T08:00:00Z' },
        { type: 'packed', occurredAt: '2026-11-23T08:05:00Z' },
        { type: 'shipped', occurredAt: '2026-11-23T09:00:00Z', shipmentId: 'shp_000001' },
        // Another WMS may pick the rest later: it concerns the units left, not the parcel sent.
        { type: 'picked', occurredAt: '2026-11-23T10:00:00Z' },
      ],
    };
    const [picked] = await receiver.toEvents(request({ id: 'evt_4', type: 'fulfillment_order.picked', createdAt: '2026-11-23T10:00:00Z', data: { fulfillmentOrder: order } }));
    expect(picked).toMatchObject({ subject: 'fo_000003', data: { lines: [{ orderLineNumber: 2, sku: 'SKU-2', quantity: 2 }], milestones: [{ milestone: 'picked', occurredAt: '2026-11-23T10:00:00Z' }] } });
    const shippedOrder = { ...order, events: order.events.slice(0, 3) };
    const [parcel] = await receiver.toEvents(request({ id: 'evt_5', type: 'fulfillment_order.shipped', createdAt: '2026-11-23T09:00:00Z', data: { fulfillmentOrder: shippedOrder } }));
    expect(parcel).toMatchObject({ subject: 'shp_000001', data: { carrier: { code: 'ups' }, milestones: [{ milestone: 'handed-to-carrier' }] } });
    expect((parcel!.data as { milestones: unknown[] }).milestones).toHaveLength(1);
  });

  it('puts an exception after a partial shipment on the units left, not on the parcel already on its way', async () => {
    const shipments = [{ id: 'shp_000001', carrier: 'UPS', trackingNumber: '1Z1', lines: [{ sku: 'SKU-1', quantity: 1 }], shippedAt: '2026-11-23T09:00:00Z' }];
    const lines = [
      { sku: 'SKU-1', quantity: 1, quantityShipped: 1 },
      { sku: 'SKU-2', quantity: 2, quantityShipped: 0 },
    ];
    const base = { id: 'fo_000004', externalOrderId: 'WEB-4', warehouseId: 'DC-EAST', shipTo: {}, lines, shipments };
    const events = [
      { type: 'picked', occurredAt: '2026-11-23T08:00:00Z' },
      { type: 'packed', occurredAt: '2026-11-23T08:05:00Z' },
      { type: 'shipped', occurredAt: '2026-11-23T09:00:00Z', shipmentId: 'shp_000001' },
      { type: 'exception', occurredAt: '2026-11-23T09:30:00Z', reason: 'backorder: SKU-2' },
    ];
    const held = await receiver.toEvents(request({ id: 'evt_6', type: 'fulfillment_order.exception', createdAt: '2026-11-23T09:30:00Z', data: { fulfillmentOrder: { ...base, events } } }));
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ subject: 'fo_000004', data: { lines: [{ orderLineNumber: 2, sku: 'SKU-2', quantity: 2 }], milestones: [{ milestone: 'exception', detail: 'backorder: SKU-2' }] } });

    // Resolved and shipped: the second parcel's history, and the first's at delivery, leave the hold out.
    const allShipped = {
      ...base,
      lines: lines.map((line) => ({ ...line, quantityShipped: line.quantity })),
      shipments: [...shipments, { id: 'shp_000002', carrier: 'UPS', trackingNumber: '1Z2', lines: [{ sku: 'SKU-2', quantity: 2 }], shippedAt: '2026-11-24T09:00:00Z' }],
      events: [
        ...events,
        { type: 'resolved', occurredAt: '2026-11-24T08:00:00Z' },
        { type: 'shipped', occurredAt: '2026-11-24T09:00:00Z', shipmentId: 'shp_000002' },
        { type: 'delivered', occurredAt: '2026-11-25T09:00:00Z' },
      ],
    };
    const delivered = await receiver.toEvents(request({ id: 'evt_7', type: 'fulfillment_order.delivered', createdAt: '2026-11-25T09:00:00Z', data: { fulfillmentOrder: allShipped } }));
    expect(delivered.map((event) => [event.subject, (event.data as { milestones: { milestone: string }[] }).milestones.map((entry) => entry.milestone)])).toEqual([
      ['shp_000001', ['handed-to-carrier', 'delivered']],
      ['shp_000002', ['handed-to-carrier', 'delivered']],
    ]);
  });
});
