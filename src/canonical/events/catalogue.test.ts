import { describe, expect, it } from 'vitest';
import { entitySchemas } from '../entities.ts';
import {
  sampleCase,
  sampleCustomer,
  sampleInventoryLevel,
  sampleInvoice,
  sampleLocation,
  sampleOrder,
  samplePayment,
  samplePrice,
  sampleProduct,
  sampleRefund,
  sampleReturn,
  sampleShipment,
} from '../fixtures.ts';
import { eventDefinition, isRetailEventType, RETAIL_EVENT_TYPE_PATTERN, retailEventTypes } from './catalogue.ts';
import type { RetailEventType } from './catalogue.ts';

describe('retail event catalogue', () => {
  it.each(retailEventTypes)('%s follows the naming rule retail.<entity>.<past-tense>.v<N>', (type) => {
    expect(type).toMatch(RETAIL_EVENT_TYPE_PATTERN);
    // Past tense is a human rule; the common English endings catch most slips ("retail.order.book").
    const happened = type.split('.')[2] as string;
    expect(happened).toMatch(/(ed|-reached|issued|paid)$/);
  });

  it('rejects names that break the rule', () => {
    for (const name of ['retail.Order.placed.v1', 'order.placed.v1', 'retail.order.placed', 'retail.order.placed.1', 'retail.order.placed_ok.v1']) {
      expect(name).not.toMatch(RETAIL_EVENT_TYPE_PATTERN);
    }
  });

  it('has the events the flows need', () => {
    for (const type of [
      'retail.order.placed.v1',
      'retail.order.booked.v1',
      'retail.order.rejected.v1',
      'retail.inventory.level-changed.v1',
      'retail.shipment.milestone-reached.v1',
      'retail.customer.updated.v1',
      'retail.return.requested.v1',
      'retail.return.authorized.v1',
      'retail.return.received.v1',
      'retail.return.credited.v1',
      'retail.refund.issued.v1',
      'retail.case.updated.v1',
      'retail.product.updated.v1',
      'retail.price.changed.v1',
      'retail.invoice.issued.v1',
      'retail.payment.captured.v1',
    ]) {
      expect(isRetailEventType(type)).toBe(true);
    }
    expect(isRetailEventType('retail.order.exploded.v1')).toBe(false);
  });

  it('maps every type to a registered entity schema, and names the entity in the type', () => {
    for (const type of retailEventTypes) {
      const definition = eventDefinition(type);
      expect(entitySchemas[definition.entity]).toBe(definition.schema);
      const entityInName = type.split('.')[1];
      expect(definition.entity.startsWith(entityInName as string)).toBe(true);
    }
  });

  it('derives the business key from the data', () => {
    const subjectOf = (type: RetailEventType, data: unknown) => eventDefinition(type).subjectOf(data as never);
    expect(subjectOf('retail.order.booked.v1', sampleOrder())).toBe('WEB-100234');
    expect(subjectOf('retail.inventory.level-changed.v1', sampleInventoryLevel())).toBe('TRAIL-RUNNER-42-BLU@DC-EAST');
    expect(subjectOf('retail.customer.updated.v1', sampleCustomer())).toBe('cus_01JD3W5K9Q2T8X7M4N6P0R1S2V');
    expect(subjectOf('retail.price.changed.v1', samplePrice())).toBe('RETAIL-GBP/TRAIL-RUNNER-42-BLU');
    expect(subjectOf('retail.product.updated.v1', sampleProduct())).toBe('TRAIL-RUNNER-42-BLU');
    expect(subjectOf('retail.location.updated.v1', sampleLocation())).toBe('STORE-0042');
    expect(subjectOf('retail.shipment.milestone-reached.v1', sampleShipment())).toBe('SHP-558201');
    expect(subjectOf('retail.invoice.issued.v1', sampleInvoice())).toBe('INV-2026-004211');
    expect(subjectOf('retail.return.requested.v1', sampleReturn())).toBe('RMA-20931');
    expect(subjectOf('retail.case.updated.v1', sampleCase())).toBe('00012873');
    expect(subjectOf('retail.payment.captured.v1', samplePayment())).toBe('pay_01JD3WS4PAYWEB100234000000');
    expect(subjectOf('retail.refund.issued.v1', sampleRefund())).toBe('rfd_01JD3WT6RFDRMA20931000000');
  });
});
