import type { Case } from './case.ts';
import type { Customer } from './customer.ts';
import type { InventoryLevel } from './inventory-level.ts';
import type { Invoice } from './invoice.ts';
import type { Location } from './location.ts';
import type { Order } from './order.ts';
import type { Payment, Refund } from './payment.ts';
import type { Price } from './price.ts';
import type { Product } from './product.ts';
import type { Return } from './return.ts';
import type { Shipment } from './shipment.ts';

/**
 * Realistic, valid sample records for tests in every layer. They tell one story: Jane Doe
 * orders trail shoes and socks on the web shop (WEB-100234), it ships from the East DC, and
 * she returns the shoes. Each function returns a fresh deep copy, so a test may change it;
 * pass `overrides` for the fields a test cares about.
 *
 * Contact data is fictional by construction: e-mail domains are example.com/.org (RFC 2606)
 * and phone numbers are in Ofcom's drama range +44 7700 900000–900999.
 */

function make<T>(base: T, overrides: Partial<T>): T {
  return { ...structuredClone(base), ...structuredClone(overrides) };
}

const customer: Customer = {
  hubId: 'cus_01JD3W5K9Q2T8X7M4N6P0R1S2V',
  externalIds: { shopify: 'gid://shopify/Customer/7391550914', salesforce: '003Dn00000ABcdeIAD', netsuite: '48213' },
  sourceSystem: 'shopify',
  sourceTimestamp: '2026-11-20T14:03:12Z',
  version: 3,
  schemaVersion: 1,
  partyType: 'person',
  name: { given: 'Jane', family: 'Doe', full: 'Jane Doe' },
  emails: [
    { address: 'jane.doe@example.com', use: 'personal', primary: true, verified: true },
    { address: 'j.doe@work.example.org', use: 'work', primary: false },
  ],
  phones: [{ number: '+447700900123', type: 'mobile', primary: true }],
  addresses: [
    {
      use: 'both',
      isDefault: true,
      address: {
        recipient: 'Jane Doe',
        line1: '12 Acacia Avenue',
        line2: 'Flat 3',
        city: 'Manchester',
        region: 'GB-MAN',
        postalCode: 'M1 4BT',
        country: 'GB',
      },
    },
  ],
  loyalty: { memberId: 'LOY-00482913', tier: 'gold', pointsBalance: 2450 },
  consents: {
    email: { status: 'granted', source: 'shopify', capturedAt: '2025-03-02T10:15:00Z', policyVersion: '2025-01' },
    sms: { status: 'denied', source: 'salesforce', capturedAt: '2025-06-11T16:40:00+01:00' },
  },
  preferredStoreCode: 'STORE-0042',
  locale: 'en-GB',
};

const product: Product = {
  hubId: 'prd_01JD3W8B2C4D6E8F0G2H4J6K8M',
  externalIds: { netsuite: '1187', shopify: 'gid://shopify/ProductVariant/44120398611' },
  sourceSystem: 'netsuite',
  sourceTimestamp: '2026-11-01T06:00:00Z',
  version: 7,
  schemaVersion: 1,
  sku: 'TRAIL-RUNNER-42-BLU',
  name: 'Trail Runner GTX, Blue, EU 42',
  brand: 'Northpeak',
  category: { code: 'RUNNING-SHOES', path: ['Footwear', 'Running', 'Trail'] },
  gtin: '5012345678900',
  parentSku: 'TRAIL-RUNNER',
  attributes: { color: 'blue', size: '42', waterproof: true, weightGrams: 310 },
  unitOfMeasure: 'EA',
  active: true,
};

const price: Price = {
  hubId: 'prc_01JD3WA1B3C5D7E9F1G3H5J7K9',
  externalIds: { netsuite: '1187-RETAIL-GBP' },
  sourceSystem: 'netsuite',
  sourceTimestamp: '2026-11-01T06:00:00Z',
  version: 2,
  schemaVersion: 1,
  sku: 'TRAIL-RUNNER-42-BLU',
  priceList: 'RETAIL-GBP',
  currency: 'GBP',
  amount: '119.99',
  compareAtAmount: '139.99',
  validFrom: '2026-11-01T00:00:00Z',
  validTo: '2027-01-01T00:00:00Z',
};

const store: Location = {
  hubId: 'loc_01JD3WC0STORE0042MANCHEST',
  externalIds: { netsuite: '12', shopify: 'gid://shopify/Location/68150362289' },
  sourceSystem: 'netsuite',
  sourceTimestamp: '2026-10-01T08:00:00Z',
  version: 1,
  schemaVersion: 1,
  code: 'STORE-0042',
  name: 'Manchester Market Street',
  type: 'store',
  address: { line1: '48 Market Street', city: 'Manchester', postalCode: 'M1 1PW', country: 'GB' },
  geo: { latitude: 53.4826, longitude: -2.2388 },
  timeZone: 'Europe/London',
  capabilities: { shipToCustomer: false, pickupInStore: true, shipFromStore: true },
  fulfilmentPriority: 2,
  active: true,
};

const inventoryLevel: InventoryLevel = {
  hubId: 'inv_01JD3WD8TRAILRUNNER42DCEAS',
  externalIds: { netsuite: '1187:7' },
  sourceSystem: 'netsuite',
  sourceTimestamp: '2026-11-23T08:30:05Z',
  version: 412,
  schemaVersion: 1,
  sku: 'TRAIL-RUNNER-42-BLU',
  locationCode: 'DC-EAST',
  onHand: 140,
  reserved: 12,
  available: 128,
  sourceSequence: 90817,
};

// 1 × shoes 119.99 − 12.00 promo = 107.99; 2 × socks 14.50 = 29.00; UK VAT 20 % included.
const order: Order = {
  hubId: 'ord_01JD3WF2WEB100234XYZ0000AB',
  externalIds: { shopify: 'gid://shopify/Order/5823104577', netsuite: 'SO-778120' },
  sourceSystem: 'shopify',
  sourceTimestamp: '2026-11-22T19:42:10Z',
  version: 2,
  schemaVersion: 1,
  orderNumber: 'WEB-100234',
  channel: 'web',
  channelOrderId: 'gid://shopify/Order/5823104577',
  placedAt: '2026-11-22T19:41:58Z',
  customer: {
    customerId: 'cus_01JD3W5K9Q2T8X7M4N6P0R1S2V',
    name: 'Jane Doe',
    email: 'jane.doe@example.com',
    phone: '+447700900123',
  },
  currency: 'GBP',
  pricesIncludeTax: true,
  lines: [
    {
      lineNumber: 1,
      sku: 'TRAIL-RUNNER-42-BLU',
      name: 'Trail Runner GTX, Blue, EU 42',
      quantity: 1,
      unitPrice: '119.99',
      discounts: [{ code: 'RUN12', description: '£12 off trail shoes', amount: '12.00' }],
      tax: { amount: '18.00', rate: '0.2', code: 'VAT20' },
      lineTotal: '107.99',
    },
    {
      lineNumber: 2,
      sku: 'MERINO-SOCK-M-GRY',
      name: 'Merino Running Sock, Grey, M',
      quantity: 2,
      unitPrice: '14.50',
      discounts: [],
      tax: { amount: '4.83', rate: '0.2', code: 'VAT20' },
      lineTotal: '29.00',
    },
  ],
  totals: { subtotal: '136.99', discountTotal: '12.00', shippingTotal: '4.95', taxTotal: '23.66', grandTotal: '141.94' },
  paymentStatus: 'paid',
  fulfilment: {
    method: 'ship',
    locationCode: 'DC-EAST',
    carrierService: 'next-day',
    shippingAddress: {
      recipient: 'Jane Doe',
      line1: '12 Acacia Avenue',
      line2: 'Flat 3',
      city: 'Manchester',
      postalCode: 'M1 4BT',
      country: 'GB',
    },
  },
  billingAddress: { line1: '12 Acacia Avenue', line2: 'Flat 3', city: 'Manchester', postalCode: 'M1 4BT', country: 'GB' },
  status: 'booked',
  erpOrderId: 'SO-778120',
  returnEligibility: { eligible: true, returnBy: '2026-12-22T23:59:59Z' },
  notes: 'Please leave with the concierge if I am out.',
};

const shipment: Shipment = {
  hubId: 'shp_01JD3WH4SHP558201000000000',
  externalIds: { wms: 'DN-558201', netsuite: 'IF-33019' },
  sourceSystem: 'wms',
  sourceTimestamp: '2026-11-23T07:55:00Z',
  version: 3,
  schemaVersion: 1,
  shipmentNumber: 'SHP-558201',
  orderNumber: 'WEB-100234',
  fromLocationCode: 'DC-EAST',
  lines: [
    { orderLineNumber: 1, sku: 'TRAIL-RUNNER-42-BLU', quantity: 1 },
    { orderLineNumber: 2, sku: 'MERINO-SOCK-M-GRY', quantity: 2 },
  ],
  carrier: { code: 'dpd', service: 'next-day' },
  trackingNumber: '15501234567890',
  trackingUrl: 'https://track.dpd.co.uk/parcels/15501234567890',
  shipTo: { recipient: 'Jane Doe', line1: '12 Acacia Avenue', line2: 'Flat 3', city: 'Manchester', postalCode: 'M1 4BT', country: 'GB' },
  milestones: [
    { milestone: 'label-created', occurredAt: '2026-11-23T06:10:00Z' },
    { milestone: 'handed-to-carrier', occurredAt: '2026-11-23T07:40:00Z', place: 'Daventry hub' },
    { milestone: 'in-transit', occurredAt: '2026-11-23T07:55:00Z', place: 'Daventry hub' },
  ],
};

// A trade customer's invoice: 10 × socks at 10.00 and 2 × shoes at 80.00, 20 % VAT on top.
const invoice: Invoice = {
  hubId: 'ivc_01JD3WK6INV2026004211000000',
  externalIds: { netsuite: 'INV-2026-004211' },
  sourceSystem: 'netsuite',
  sourceTimestamp: '2026-11-21T09:00:00Z',
  version: 1,
  schemaVersion: 1,
  invoiceNumber: 'INV-2026-004211',
  orderNumber: 'B2B-20981',
  customerId: 'cus_01JD3WM8RUNNINGCLUBLTD00000',
  issuedAt: '2026-11-21T09:00:00Z',
  dueDate: '2026-12-21',
  currency: 'GBP',
  lines: [
    { lineNumber: 1, sku: 'MERINO-SOCK-M-GRY', description: 'Merino Running Sock, Grey, M', quantity: 10, unitPrice: '10.00', taxAmount: '20.00', lineTotal: '100.00' },
    { lineNumber: 2, sku: 'TRAIL-RUNNER-42-BLU', description: 'Trail Runner GTX, Blue, EU 42', quantity: 2, unitPrice: '80.00', taxAmount: '32.00', lineTotal: '160.00' },
  ],
  totals: { subtotal: '260.00', taxTotal: '52.00', grandTotal: '312.00' },
  status: 'open',
  amountPaid: '0',
};

const returnRequest: Return = {
  hubId: 'rtn_01JD3WN0RMA20931000000000',
  externalIds: { shopify: 'gid://shopify/Return/1029384', netsuite: 'RA-5521' },
  sourceSystem: 'shopify',
  sourceTimestamp: '2026-11-25T12:00:00Z',
  version: 1,
  schemaVersion: 1,
  rmaNumber: 'RMA-20931',
  orderNumber: 'WEB-100234',
  customerId: 'cus_01JD3W5K9Q2T8X7M4N6P0R1S2V',
  requestedAt: '2026-11-25T11:58:40Z',
  method: 'mail',
  returnLocationCode: 'DC-EAST',
  lines: [
    {
      orderLineNumber: 1,
      sku: 'TRAIL-RUNNER-42-BLU',
      quantity: 1,
      reason: 'size-or-fit',
      customerComment: 'Too narrow for me, call me on 07700 900123 if needed.',
    },
  ],
  status: 'requested',
  refundIds: [],
};

const supportCase: Case = {
  hubId: 'cas_01JD3WQ2CASE00012873000000',
  externalIds: { salesforce: '500Dn00000XyZ12IAF' },
  sourceSystem: 'salesforce',
  sourceTimestamp: '2026-11-23T09:12:00Z',
  version: 2,
  schemaVersion: 1,
  caseNumber: '00012873',
  subject: 'Where is my order WEB-100234?',
  description: 'Hi, this is Jane Doe, my parcel to 12 Acacia Avenue has not arrived yet.',
  status: 'open',
  priority: 'medium',
  origin: 'email',
  customerId: 'cus_01JD3W5K9Q2T8X7M4N6P0R1S2V',
  orderNumber: 'WEB-100234',
  openedAt: '2026-11-23T09:10:31Z',
};

const payment: Payment = {
  hubId: 'pay_01JD3WS4PAYWEB100234000000',
  externalIds: { stripe: 'pi_3QK8vL2eZvKYlo2C1xA0b9cD', shopify: 'gid://shopify/OrderTransaction/6641' },
  sourceSystem: 'stripe',
  sourceTimestamp: '2026-11-22T19:42:01Z',
  version: 2,
  schemaVersion: 1,
  orderNumber: 'WEB-100234',
  amount: '141.94',
  currency: 'GBP',
  method: 'card',
  status: 'captured',
  processor: { name: 'stripe', reference: 'pi_3QK8vL2eZvKYlo2C1xA0b9cD' },
  idempotencyKey: 'capture:WEB-100234:1',
  capturedAt: '2026-11-22T19:42:01Z',
  card: { brand: 'visa', last4: '4242' },
};

const refund: Refund = {
  hubId: 'rfd_01JD3WT6RFDRMA20931000000',
  externalIds: { stripe: 're_3QK8vL2eZvKYlo2C0pQ7rS1t' },
  sourceSystem: 'stripe',
  sourceTimestamp: '2026-11-28T10:05:00Z',
  version: 1,
  schemaVersion: 1,
  paymentId: 'pay_01JD3WS4PAYWEB100234000000',
  orderNumber: 'WEB-100234',
  rmaNumber: 'RMA-20931',
  amount: '107.99',
  currency: 'GBP',
  method: 'card',
  status: 'issued',
  processor: { name: 'stripe', reference: 're_3QK8vL2eZvKYlo2C0pQ7rS1t' },
  idempotencyKey: 'refund:RMA-20931:1',
  reason: 'Return RMA-20931 received in sellable condition',
  issuedAt: '2026-11-28T10:05:00Z',
};

export const sampleCustomer = (overrides: Partial<Customer> = {}): Customer => make(customer, overrides);
export const sampleProduct = (overrides: Partial<Product> = {}): Product => make(product, overrides);
export const samplePrice = (overrides: Partial<Price> = {}): Price => make(price, overrides);
export const sampleLocation = (overrides: Partial<Location> = {}): Location => make(store, overrides);
export const sampleInventoryLevel = (overrides: Partial<InventoryLevel> = {}): InventoryLevel => make(inventoryLevel, overrides);
/** WEB-100234: two lines, booked in the ERP, shipping from DC-EAST; totals add up. */
export const sampleOrder = (overrides: Partial<Order> = {}): Order => make(order, overrides);
export const sampleShipment = (overrides: Partial<Shipment> = {}): Shipment => make(shipment, overrides);
export const sampleInvoice = (overrides: Partial<Invoice> = {}): Invoice => make(invoice, overrides);
/** RMA-20931: the shoes of WEB-100234, requested. */
export const sampleReturn = (overrides: Partial<Return> = {}): Return => make(returnRequest, overrides);
export const sampleCase = (overrides: Partial<Case> = {}): Case => make(supportCase, overrides);
export const samplePayment = (overrides: Partial<Payment> = {}): Payment => make(payment, overrides);
export const sampleRefund = (overrides: Partial<Refund> = {}): Refund => make(refund, overrides);
