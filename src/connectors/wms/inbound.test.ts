import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
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

  it('emits nothing for picked and packed, which precede any parcel', async () => {
    const order = { id: 'fo_000001', externalOrderId: 'WEB-1', warehouseId: 'WH-1', shipTo: {}, lines: [], shipments: [], events: [{ type: 'picked', occurredAt: '2026-11-23T08:00:00Z' }] };
    expect(await receiver.toEvents(request({ id: 'evt_1', type: 'fulfillment_order.picked', createdAt: '2026-11-23T08:00:00Z', data: { fulfillmentOrder: order } }))).toEqual([]);
  });
});
