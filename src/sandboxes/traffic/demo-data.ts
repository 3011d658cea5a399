/**
 * The retail business every sandbox is seeded with, so that the systems agree on day one: the
 * same SKUs in NetSuite items, Shopify inventory items, WMS stock and the Salesforce price book;
 * the same locations; the same customers. The traffic generator draws its actions from it.
 */
export interface DemoProduct {
  sku: string;
  name: string;
  /** Salesforce Product2.Family picklist value. */
  family: 'Apparel' | 'Footwear' | 'Accessories';
  /** List price in the standard price book, in the shop currency, as a decimal string. */
  listPrice: string;
}

export interface DemoLocation {
  /** Location code: NetSuite location external id, Shopify location name prefix, WMS warehouse id. */
  code: string;
  name: string;
  kind: 'warehouse' | 'store';
  city: string;
  countryCode: string;
}

export interface DemoCustomer {
  /** The customer number shared by every system (Salesforce External_Id__c, NetSuite externalId). */
  customerNumber: string;
  kind: 'person' | 'business';
  firstName?: string;
  lastName?: string;
  companyName?: string;
  email: string;
  phone: string;
  address: { line1: string; city: string; region: string; postalCode: string; country: string };
}

export interface DemoSeed {
  currency: string;
  products: readonly DemoProduct[];
  locations: readonly DemoLocation[];
  customers: readonly DemoCustomer[];
  /** Units on hand of every SKU at every location at the start of the day. */
  unitsOnHand: number;
}

export const DEMO_SEED: DemoSeed = {
  currency: 'USD',
  products: [
    { sku: 'TRAIL-RUNNER-42-BLU', name: 'Trail Runner GTX - Blue / EU 42', family: 'Footwear', listPrice: '119.99' },
    { sku: 'MERINO-SOCK-M-GRY', name: 'Merino Running Sock - Grey / M', family: 'Accessories', listPrice: '14.50' },
    { sku: 'RAIN-JACKET-M-NVY', name: 'Packable Rain Jacket - Navy / M', family: 'Apparel', listPrice: '149.00' },
    { sku: 'FLEECE-HOOD-L-GRY', name: 'Fleece Hoodie - Grey / L', family: 'Apparel', listPrice: '68.00' },
    { sku: 'CANVAS-CAP-NVY', name: 'Canvas Cap - Navy', family: 'Accessories', listPrice: '19.50' },
    { sku: 'TRAIL-TEE-M-BLK', name: 'Trail Tee - Black / M', family: 'Apparel', listPrice: '24.00' },
  ],
  locations: [
    { code: 'DC-EAST', name: 'DC East', kind: 'warehouse', city: 'Columbus', countryCode: 'US' },
    { code: 'STORE-001', name: 'Store 001 Downtown', kind: 'store', city: 'Chicago', countryCode: 'US' },
  ],
  customers: [
    {
      customerNumber: 'CUST-0001', kind: 'person', firstName: 'Jane', lastName: 'Doe', email: 'jane.doe@example.com', phone: '+13125550101',
      address: { line1: '12 Acacia Avenue', city: 'Chicago', region: 'IL', postalCode: '60601', country: 'US' },
    },
    {
      customerNumber: 'CUST-0002', kind: 'person', firstName: 'Sam', lastName: 'Rivera', email: 'sam.rivera@example.com', phone: '+16145550102',
      address: { line1: '400 High Street', city: 'Columbus', region: 'OH', postalCode: '43215', country: 'US' },
    },
    {
      customerNumber: 'CUST-0003', kind: 'person', firstName: 'Priya', lastName: 'Shah', email: 'priya.shah@example.com', phone: '+12125550103',
      address: { line1: '77 Hudson Street', city: 'New York', region: 'NY', postalCode: '10013', country: 'US' },
    },
    {
      customerNumber: 'CUST-B2B-0001', kind: 'business', companyName: 'Harbour Outfitters Ltd', email: 'ap@harbour-outfitters.example', phone: '+12065550199',
      address: { line1: '1 Pier Road', city: 'Seattle', region: 'WA', postalCode: '98101', country: 'US' },
    },
  ],
  unitsOnHand: 300,
};

/** SKUs no system knows: the generator's "unknown SKU" bad data. */
export const UNKNOWN_SKUS = ['DISCONTINUED-SKU-0001', 'TRAIL-RUNNER-43-RED', 'GIFTWRAP-XL'] as const;

export function personCustomers(seed: DemoSeed): DemoCustomer[] {
  return seed.customers.filter((customer) => customer.kind === 'person');
}

export function businessCustomers(seed: DemoSeed): DemoCustomer[] {
  return seed.customers.filter((customer) => customer.kind === 'business');
}

export function displayName(customer: DemoCustomer): string {
  return customer.companyName ?? `${customer.firstName ?? ''} ${customer.lastName ?? ''}`.trim();
}
