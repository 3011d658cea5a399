import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../../adapters/sqlite/index.ts';
import { createRetailEvent } from '../../canonical/events/create-event.ts';
import type { Order } from '../../canonical/order.ts';
import { createOwnership } from '../ownership.ts';
import type { RetailFlowDependencies } from '../module.ts';
import { RecordEntity } from '../reference/records.ts';
import { channelOrder } from '../order-capture/testing.ts';
import { flowSettings } from '../settings.ts';
import { keysReleasedBy, StockReleasingEvent } from './republish.ts';

describe('which sku@location keys an order event releases', () => {
  let adapters: EmbeddedAdapters;
  afterEach(async () => adapters?.close());

  async function deps(): Promise<RetailFlowDependencies> {
    adapters = await openSqlite({ path: ':memory:' });
    return {
      records: adapters.storage.records,
      settings: flowSettings({ orders: { defaultFulfilmentLocation: 'DC-EAST' } }),
      ownership: createOwnership(),
      systems: { erp: 'netsuite', commerce: 'shopify', crm: 'salesforce' },
      clock: Date.now,
    };
  }
  const order = (status: Order['status'], locationCode?: string): Order => ({
    ...channelOrder({ orderNumber: 'SHOP-1001', method: 'ship', ...(locationCode && { locationCode }), lines: [{ sku: 'TRAIL-TEE-M-BLK', quantity: 2, unitPrice: '24.00' }, { sku: 'CANVAS-CAP-NVY', quantity: 1, unitPrice: '19.50' }, { sku: 'TRAIL-TEE-M-BLK', quantity: 1, unitPrice: '24.00' }] }),
    status,
    ...(status !== 'placed' && { statusReason: { code: 'PRICE_MISMATCH', message: 'below the ERP price' } }),
  });
  const event = (type: string, data: unknown, subject = 'SHOP-1001') => ({ ...createRetailEvent({ type: 'retail.order.placed.v1', data: order('placed'), source: 'test', id: `${type}-1` }), type, subject, data });

  it('takes each sku once at the fulfilment location of a held or rejected order; a status change other than a hold releases nothing', async () => {
    const d = await deps();
    expect(await keysReleasedBy(event(StockReleasingEvent.orderStatusChanged, order('on-hold', 'STORE-001')), d)).toEqual(['TRAIL-TEE-M-BLK@STORE-001', 'CANVAS-CAP-NVY@STORE-001']);
    expect(await keysReleasedBy(event(StockReleasingEvent.orderRejected, order('rejected', 'DC-EAST')), d)).toEqual(['TRAIL-TEE-M-BLK@DC-EAST', 'CANVAS-CAP-NVY@DC-EAST']);
    expect(await keysReleasedBy(event(StockReleasingEvent.orderStatusChanged, order('booked', 'STORE-001')), d)).toEqual([]);
  });

  it('finds the location of a storefront cancellation or refund in the order read model, else takes the default location', async () => {
    const d = await deps();
    await d.records.put({ entity: RecordEntity.order, key: 'SHOP-1001', data: order('booked', 'STORE-001'), version: 1 }, Date.now());
    // A storefront cancellation carries no location; the captured order has one.
    expect(await keysReleasedBy(event(StockReleasingEvent.orderCancelled, order('cancelled')), d)).toEqual(['TRAIL-TEE-M-BLK@STORE-001', 'CANVAS-CAP-NVY@STORE-001']);
    const refund = { orderNumber: 'SHOP-1001', status: 'issued', lines: [{ sku: 'CANVAS-CAP-NVY', quantity: 1 }] };
    expect(await keysReleasedBy(event(StockReleasingEvent.refundIssued, refund, 'shopify-refund-7'), d)).toEqual(['CANVAS-CAP-NVY@STORE-001']);
    // A money-only refund moves no stock; an order the hub never captured ships from the default location.
    expect(await keysReleasedBy(event(StockReleasingEvent.refundIssued, { ...refund, lines: undefined }, 'shopify-refund-8'), d)).toEqual([]);
    expect(await keysReleasedBy(event(StockReleasingEvent.orderCancelled, { ...order('cancelled'), orderNumber: 'SHOP-9999' }, 'SHOP-9999'), d)).toEqual(['TRAIL-TEE-M-BLK@DC-EAST', 'CANVAS-CAP-NVY@DC-EAST']);
  });
});
