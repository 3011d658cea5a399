import type {
  Customer,
  Fulfillment,
  FulfillmentOrder,
  InventoryItem,
  InventoryLevel,
  Location,
  Order,
  Product,
  ProductVariant,
  Refund,
  Shop,
  StoreEvent,
  WebhookSubscriptionRecord,
} from './types.ts';
import type { ReturnRecord } from './returns.ts';

/** One product variant to stock the demo store with, at every location. */
export interface CatalogEntry {
  sku: string;
  title: string;
  /** Unit price, e.g. "24.00". */
  price: string;
  /** Available units per location (default 100). */
  available?: number;
}

export interface StoreSeed {
  shop?: Partial<Shop>;
  locations?: { name: string; city: string; countryCode?: string }[];
  catalog?: CatalogEntry[];
  customers?: { email: string; firstName?: string; lastName?: string }[];
}

export const DEFAULT_SEED: Required<StoreSeed> = {
  shop: { name: 'Crossdock Demo Store', domain: 'crossdock-demo.myshopify.com', email: 'owner@crossdock-demo.example', currencyCode: 'USD' },
  locations: [
    { name: 'Main Warehouse', city: 'Columbus', countryCode: 'US' },
    { name: 'Downtown Store', city: 'Chicago', countryCode: 'US' },
  ],
  catalog: [
    { sku: 'TEE-BLK-M', title: 'Organic Tee - Black / M', price: '24.00' },
    { sku: 'TEE-WHT-L', title: 'Organic Tee - White / L', price: '24.00' },
    { sku: 'HOOD-GRY-M', title: 'Fleece Hoodie - Grey / M', price: '68.00' },
    { sku: 'CAP-NVY', title: 'Canvas Cap - Navy', price: '19.50' },
    { sku: 'SOCK-3PK', title: 'Wool Socks 3-Pack', price: '15.00' },
  ],
  customers: [
    { email: 'ada.lovelace@example.com', firstName: 'Ada', lastName: 'Lovelace' },
    { email: 'grace.hopper@example.com', firstName: 'Grace', lastName: 'Hopper' },
  ],
};

/**
 * The in-memory state of one Shopify store. Business rules live in the modules beside this one
 * (inventory, orders, customers); this class holds the records, hands out ids, and publishes
 * store events for the webhook emitter.
 */
export class ShopifyStore {
  shop!: Shop;
  readonly locations = new Map<number, Location>();
  /** Products written with productSet (seeded catalogue entries have variants only). */
  readonly products = new Map<number, Product>();
  readonly variants = new Map<number, ProductVariant>();
  readonly inventoryItems = new Map<number, InventoryItem>();
  /** Keyed by `${inventoryItemId}@${locationId}`. */
  readonly inventoryLevels = new Map<string, InventoryLevel>();
  readonly customers = new Map<number, Customer>();
  readonly orders = new Map<number, Order>();
  readonly fulfillmentOrders = new Map<number, FulfillmentOrder>();
  readonly fulfillments = new Map<number, Fulfillment>();
  readonly refunds = new Map<number, Refund>();
  /** Returns (store/returns.ts): requested by customers, approved or declined, closed. */
  readonly returns = new Map<number, ReturnRecord>();
  readonly webhookSubscriptions = new Map<number, WebhookSubscriptionRecord>();
  private nextId = 0;
  private nextOrderNumber = 1001;
  private readonly seed: Required<StoreSeed>;
  private readonly listeners: ((event: StoreEvent) => void)[] = [];

  constructor(
    private readonly clock: () => number = Date.now,
    seed: StoreSeed = {},
  ) {
    this.seed = {
      shop: { ...DEFAULT_SEED.shop, ...seed.shop },
      locations: seed.locations ?? DEFAULT_SEED.locations,
      catalog: seed.catalog ?? DEFAULT_SEED.catalog,
      customers: seed.customers ?? DEFAULT_SEED.customers,
    };
    this.reset();
  }

  /** Shopify ids are large integers; a shared sequence keeps them unique across types. */
  newId(): number {
    this.nextId += 1;
    return 7_000_000_000 + this.nextId;
  }

  newOrderNumber(): number {
    return this.nextOrderNumber++;
  }

  now(): string {
    return new Date(this.clock()).toISOString();
  }

  onEvent(listener: (event: StoreEvent) => void): void {
    this.listeners.push(listener);
  }

  publish(event: StoreEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  levelKey(inventoryItemId: number, locationId: number): string {
    return `${inventoryItemId}@${locationId}`;
  }

  variantBySku(sku: string): ProductVariant | undefined {
    for (const variant of this.variants.values()) if (variant.sku === sku) return variant;
    return undefined;
  }

  reset(): void {
    for (const map of [
      this.locations,
      this.products,
      this.variants,
      this.inventoryItems,
      this.inventoryLevels,
      this.customers,
      this.orders,
      this.fulfillmentOrders,
      this.fulfillments,
      this.refunds,
      this.returns,
      this.webhookSubscriptions,
    ]) {
      map.clear();
    }
    this.nextId = 0;
    this.nextOrderNumber = 1001;
    this.shop = this.seed.shop as Shop;
    const now = this.now();
    for (const location of this.seed.locations) {
      const id = this.newId();
      this.locations.set(id, { id, name: location.name, isActive: true, address1: '1 Main St', city: location.city, countryCode: location.countryCode ?? 'US' });
    }
    for (const entry of this.seed.catalog) this.addVariant(entry, now);
    for (const customer of this.seed.customers) {
      const id = this.newId();
      this.customers.set(id, {
        id,
        email: customer.email,
        firstName: customer.firstName ?? null,
        lastName: customer.lastName ?? null,
        phone: null,
        note: null,
        tags: [],
        createdAt: now,
        updatedAt: now,
      });
    }
  }

  private addVariant(entry: CatalogEntry, now: string): void {
    const productId = this.newId();
    const variantId = this.newId();
    const inventoryItemId = this.newId();
    const [productTitle = entry.title, variantTitle = 'Default Title'] = entry.title.split(' - ');
    this.variants.set(variantId, {
      id: variantId,
      productId,
      productTitle,
      title: variantTitle,
      sku: entry.sku,
      priceCents: toCents(entry.price),
      inventoryItemId,
      createdAt: now,
      updatedAt: now,
    });
    this.inventoryItems.set(inventoryItemId, { id: inventoryItemId, sku: entry.sku, variantId, tracked: true, createdAt: now, updatedAt: now });
    for (const location of this.locations.values()) {
      this.inventoryLevels.set(this.levelKey(inventoryItemId, location.id), {
        id: this.newId(),
        inventoryItemId,
        locationId: location.id,
        quantities: { available: entry.available ?? 100, committed: 0, reserved: 0, damaged: 0, safety_stock: 0, quality_control: 0, incoming: 0 },
        updatedAt: now,
      });
    }
  }

  /** Everything, as plain JSON, for `GET /__sandbox/state`. */
  snapshot(): Record<string, unknown> {
    return {
      shop: this.shop,
      locations: [...this.locations.values()],
      productVariants: [...this.variants.values()],
      inventoryItems: [...this.inventoryItems.values()],
      inventoryLevels: [...this.inventoryLevels.values()],
      customers: [...this.customers.values()],
      orders: [...this.orders.values()],
      fulfillmentOrders: [...this.fulfillmentOrders.values()],
      fulfillments: [...this.fulfillments.values()],
      refunds: [...this.refunds.values()],
      returns: [...this.returns.values()],
      webhookSubscriptions: [...this.webhookSubscriptions.values()],
    };
  }
}

/** "24.5" → 2450. Throws on anything that is not a non-negative decimal amount. */
export function toCents(amount: string | number): number {
  const text = String(amount).trim();
  if (!/^\d+(\.\d{1,2})?$/.test(text)) throw new RangeError(`Not a money amount: ${text}`);
  const [whole = '0', fraction = ''] = text.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

/** 2450 → "24.50", the decimal string Shopify uses for money. */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
