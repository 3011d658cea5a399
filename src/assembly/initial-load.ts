import type { CloudEvent } from '../canonical/cloudevent.ts';
import type { Customer } from '../canonical/customer.ts';
import { createRetailEvent } from '../canonical/events/create-event.ts';
import type { InventoryLevel } from '../canonical/inventory-level.ts';
import type { Price } from '../canonical/price.ts';
import type { Product } from '../canonical/product.ts';
import type { DemoSeed } from '../sandboxes/traffic/demo-data.ts';

/**
 * The day-one state of the ERP as canonical events: products, prices, stock per location and
 * customers, as an initial load from NetSuite would publish them. The demo and the end-to-end
 * tests start from it so the hub's read models know what the systems were seeded with.
 */
export function initialLoadEvents(catalogue: DemoSeed, options: { at?: string; source?: string } = {}): CloudEvent[] {
  const at = options.at ?? new Date().toISOString();
  const source = options.source ?? 'crossdock://initial-load/netsuite';
  const base = { sourceSystem: 'netsuite', sourceTimestamp: at, version: 1, schemaVersion: 1 } as const;
  const events: CloudEvent[] = [];
  const push = (type: Parameters<typeof createRetailEvent>[0]['type'], id: string, data: unknown) =>
    events.push(createRetailEvent({ type, data: data as never, source, id: `initial-load/${id}`, time: at, correlationId: `initial-load/${id}` }));
  for (const item of catalogue.products) {
    const product: Product = {
      ...base,
      hubId: `prd_${item.sku}`,
      externalIds: { netsuite: `ITEM-${item.sku}` },
      sku: item.sku,
      name: item.name,
      category: { code: item.family.toUpperCase(), path: [item.family] },
      attributes: {},
      active: true,
    };
    push('retail.product.updated.v1', `product/${item.sku}`, product);
    const price: Price = {
      ...base,
      hubId: `prc_${item.sku}`,
      externalIds: { netsuite: `ITEM-${item.sku}` },
      sku: item.sku,
      priceList: `RETAIL-${catalogue.currency}`,
      currency: catalogue.currency,
      amount: item.listPrice,
      validFrom: at,
    };
    push('retail.price.changed.v1', `price/${item.sku}`, price);
    for (const location of catalogue.locations) {
      const level: InventoryLevel = {
        ...base,
        hubId: `inv_${item.sku}_${location.code}`,
        externalIds: { netsuite: `ITEM-${item.sku}@${location.code}` },
        sku: item.sku,
        locationCode: location.code,
        onHand: catalogue.unitsOnHand,
        reserved: 0,
        available: catalogue.unitsOnHand,
      };
      push('retail.inventory.level-changed.v1', `inventory/${item.sku}@${location.code}`, level);
    }
  }
  for (const seeded of catalogue.customers) {
    const person = seeded.kind === 'person';
    const fullName = person ? `${seeded.firstName ?? ''} ${seeded.lastName ?? ''}`.trim() : (seeded.companyName ?? seeded.customerNumber);
    const customer: Customer = {
      ...base,
      hubId: seeded.customerNumber,
      externalIds: { netsuite: seeded.customerNumber },
      partyType: person ? 'person' : 'business',
      name: { ...(seeded.firstName && { given: seeded.firstName }), ...(seeded.lastName && { family: seeded.lastName }), full: fullName },
      ...(!person && seeded.companyName && { companyName: seeded.companyName }),
      emails: [{ address: seeded.email, use: person ? 'personal' : 'work', primary: true }],
      phones: [{ number: seeded.phone, type: person ? 'mobile' : 'work', primary: true }],
      // The address the ERP holds for the customer: where orders without one are shipped.
      addresses: [{ use: 'both', isDefault: true, address: { recipient: fullName, line1: seeded.address.line1, city: seeded.address.city, region: seeded.address.region, postalCode: seeded.address.postalCode, country: seeded.address.country } }],
      consents: {},
      ...(!person && { billingAccount: { accountNumber: seeded.customerNumber, creditLimit: { amount: '25000.00', currency: catalogue.currency }, paymentTerms: 'NET30', status: 'active' } }),
    };
    push('retail.customer.updated.v1', `customer/${seeded.customerNumber}`, customer);
  }
  return events;
}
