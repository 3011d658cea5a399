import { describe, expect, it } from 'vitest';
import { expectedParcelStatus, judgeVisibility, type ShipmentSystemsState, type WmsOrderState } from './invariants.ts';

/** A web order shipped in two parcels, the first delivered... as the WMS sandbox keeps it. */
const order: WmsOrderState = {
  id: 'fo_000001',
  externalOrderId: 'SHOP-1001',
  status: 'delivered',
  lines: [{ quantity: 1 }, { quantity: 2 }],
  shipments: [
    { id: 'shp_000001', trackingNumber: '1Z1', lines: [{ quantity: 1 }] },
    { id: 'shp_000002', trackingNumber: '1Z2', lines: [{ quantity: 2 }] },
  ],
  events: [
    { type: 'picked' },
    { type: 'packed' },
    { type: 'shipped', shipmentId: 'shp_000001' },
    { type: 'exception' },
    { type: 'resolved' },
    { type: 'shipped', shipmentId: 'shp_000002' },
    { type: 'delivered' },
  ],
};

function consistent(): ShipmentSystemsState {
  return {
    fulfilmentOrders: [order],
    itemFulfilments: new Map([
      ['shp_000001', 1],
      ['shp_000002', 1],
    ]),
    storefrontTracking: new Map([['6001', new Set(['1Z1', '1Z2'])]]),
    agentStatus: new Map([
      ['shp_000001', 'Delivered'],
      ['shp_000002', 'Delivered'],
      ['fo_000001', 'Delivered'],
    ]),
    references: new Map([['SHOP-1001', { channel: 'web', channelOrderId: '6001' }]]),
    storefrontChannels: ['web'],
  };
}

describe('shipments.visibleEverywhere', () => {
  it('holds when every parcel is once in NetSuite, tracked in Shopify and current in Salesforce', () => {
    expect(judgeVisibility(consistent())).toEqual({
      ok: true,
      details: {
        parcels: 2,
        notOnceInErp: { count: 0, examples: [] },
        missingInStorefront: { count: 0, examples: [] },
        staleInSalesforce: { count: 0, examples: [] },
        orderChannelUnknown: { count: 0, examples: [] },
      },
    });
  });

  it('names the parcels fulfilled twice, missing in Shopify, or behind in Salesforce', () => {
    const state = consistent();
    state.itemFulfilments = new Map([['shp_000001', 2]]);
    state.storefrontTracking = new Map([['6001', new Set(['1Z1'])]]);
    state.agentStatus = new Map([
      ['shp_000001', 'Delivered'],
      ['shp_000002', 'Shipped'],
      ['fo_000001', 'Packed'],
    ]);
    const verdict = judgeVisibility(state);
    expect(verdict.ok).toBe(false);
    expect(verdict.details).toMatchObject({
      notOnceInErp: { count: 2, examples: ['shp_000001 (2)', 'shp_000002 (0)'] },
      missingInStorefront: { count: 1, examples: ['SHOP-1001/shp_000002'] },
      staleInSalesforce: { count: 2, examples: ['shp_000002 (Shipped, expected Delivered)', 'fo_000001 (Packed, expected Delivered)'] },
    });
  });

  it('does not expect the storefront for other channels, but flags orders the hub cannot place', () => {
    const b2b = { ...consistent(), storefrontTracking: new Map(), references: new Map([['SHOP-1001', { channel: 'b2b-portal', channelOrderId: 'PO-7' }]]) };
    expect(judgeVisibility(b2b).ok).toBe(true);
    const unknown = { ...consistent(), references: new Map() };
    expect(judgeVisibility(unknown)).toMatchObject({ ok: false, details: { orderChannelUnknown: { count: 2 } } });
  });

  it('expects the WMS milestones after a parcel left: a delivery, a carrier exception, not a backorder of the rest', () => {
    expect(expectedParcelStatus(order, 'shp_000001')).toBe('Delivered');
    // The exception came while the second parcel's units were still in the warehouse.
    expect(expectedParcelStatus({ ...order, events: order.events.slice(0, 4) }, 'shp_000001')).toBe('Shipped');
    expect(expectedParcelStatus({ ...order, events: order.events.slice(0, 6) }, 'shp_000002')).toBe('Shipped');
    const afterAllLeft = { ...order, events: [...order.events.slice(0, 6), { type: 'exception' }] };
    expect([expectedParcelStatus(afterAllLeft, 'shp_000001'), expectedParcelStatus(afterAllLeft, 'shp_000002')]).toEqual(['Exception', 'Exception']);
  });
});
