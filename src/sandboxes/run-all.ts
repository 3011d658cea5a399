import type { FaultConfig, LatencyDistribution } from './kit/index.ts';
import { SANDBOX_TBA_CREDENTIALS, startNetSuiteSandbox } from './netsuite/index.ts';
import type { RunningNetSuiteSandbox, TbaCredentials } from './netsuite/index.ts';
import { startPaymentsSandbox } from './payments/index.ts';
import type { RunningPaymentsSandbox } from './payments/index.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_USERNAME, startSalesforceSandbox } from './salesforce/index.ts';
import type { SalesforceSandbox } from './salesforce/index.ts';
import { DEFAULT_API_VERSION, startShopifySandbox } from './shopify/index.ts';
import type { RunningShopifySandbox, StoreSeed } from './shopify/index.ts';
import { DEMO_SEED, displayName } from './traffic/demo-data.ts';
import type { DemoSeed } from './traffic/demo-data.ts';
import { startWmsSandbox, WMS_REQUESTS_PER_SECOND } from './wms/index.ts';
import type { RunningWmsSandbox } from './wms/index.ts';

export type SandboxSystem = 'salesforce' | 'netsuite' | 'shopify' | 'wms' | 'payments';
export const SANDBOX_SYSTEMS: readonly SandboxSystem[] = ['salesforce', 'netsuite', 'shopify', 'wms', 'payments'];

export interface StartAllSandboxesOptions {
  /** Ports basePort (Salesforce) … basePort + 4 (payments), in SANDBOX_SYSTEMS order; default ephemeral. */
  basePort?: number;
  host?: string;
  /** Seed of every sandbox's fault dice and latency draws. */
  seed?: number;
  /** Faults per system at start (settable later with `faults.set` or `PUT /__sandbox/faults`). */
  faults?: Partial<Record<SandboxSystem, FaultConfig>>;
  /** `realistic` (default): each system's typical service time; `fast`: none (tests). */
  latency?: 'realistic' | 'fast';
  /** Multiplies webhook retry delays (Shopify and WMS); default 1, the real schedule. */
  webhookTimeScale?: number;
  /** What the systems are seeded with; default DEMO_SEED. */
  catalogue?: DemoSeed;
  /**
   * The WMS's rate limit per API key; default its own 10/s. A load test raises it (as a
   * warehouse on a bigger plan would); the installation's connector budget follows it.
   */
  wmsRequestsPerSecond?: number;
}

/** Where each sandbox is and how a connector signs in: what the demo and tests configure from. */
export interface SandboxDirectory {
  salesforce: {
    url: string;
    /** jsforce `loginUrl` / OAuth token endpoint base. */
    loginUrl: string;
    apiVersion: string;
    clientId: string;
    clientSecret: string;
    username: string;
    standardPricebookId: string;
  };
  netsuite: { url: string; accountId: string; tba: TbaCredentials };
  shopify: {
    url: string;
    shopDomain: string;
    apiVersion: string;
    accessToken: string;
    /** Webhooks are signed with it (X-Shopify-Hmac-Sha256). */
    clientSecret: string;
    /** For `@shopify/admin-api-client`'s `customFetchApi`: sends https://{shopDomain} here. */
    fetch: typeof fetch;
  };
  /** `requestsPerSecond`: the rate limit per API key the sandbox enforces. */
  wms: { url: string; apiKey: string; warehouseId: string; requestsPerSecond: number };
  payments: { url: string; port: number; secretKey: string };
  catalogue: DemoSeed;
}

export interface RunningSandboxes {
  directory: SandboxDirectory;
  salesforce: SalesforceSandbox;
  netsuite: RunningNetSuiteSandbox;
  shopify: RunningShopifySandbox;
  wms: RunningWmsSandbox;
  payments: RunningPaymentsSandbox;
  /** Stops every sandbox (webhook emitters first, then the servers). */
  closeAll(): Promise<void>;
}

const SALESFORCE_API_VERSION = '62.0';

/**
 * Added service time per system with `latency: 'realistic'`. Typical figures, not vendor
 * guarantees; NetSuite's own (record write p50 300 ms) is set in its sandbox.
 */
const REALISTIC_LATENCY: Record<Exclude<SandboxSystem, 'netsuite'>, LatencyDistribution> = {
  salesforce: { p50Ms: 80, p99Ms: 400 },
  shopify: { p50Ms: 60, p99Ms: 300 },
  wms: { p50Ms: 40, p99Ms: 250 },
  payments: { p50Ms: 50, p99Ms: 300 },
};

/**
 * Starts the five sandboxes (Salesforce, NetSuite, Shopify, WMS, payments) seeded with the same
 * retail business — the same SKUs, locations and customers everywhere, and a standard price
 * book in Salesforce — and returns where they are and how to sign in.
 *
 * @example
 * const sandboxes = await startAllSandboxes({ latency: 'fast' });
 * console.log(sandboxes.directory.shopify.url);
 * await sandboxes.closeAll();
 */
export async function startAllSandboxes(options: StartAllSandboxesOptions = {}): Promise<RunningSandboxes> {
  const catalogue = options.catalogue ?? DEMO_SEED;
  const fast = options.latency === 'fast';
  const seed = options.seed ?? 1;
  const port = (system: SandboxSystem) => (options.basePort === undefined ? {} : { port: options.basePort + SANDBOX_SYSTEMS.indexOf(system) });
  const host = options.host ? { host: options.host } : {};
  const faultsOf = (system: SandboxSystem): FaultConfig => {
    const given = options.faults?.[system] ?? {};
    if (fast || system === 'netsuite' || given.latency) return given;
    return { ...given, latency: REALISTIC_LATENCY[system] };
  };
  const timeScale = options.webhookTimeScale ?? 1;
  const warehouse = catalogue.locations.find((location) => location.kind === 'warehouse');

  const started: { close(): Promise<void> }[] = [];
  try {
    const salesforce = await startSalesforceSandbox({ ...port('salesforce'), ...host, seed, faults: faultsOf('salesforce') });
    started.push(salesforce);
    const netsuite = await startNetSuiteSandbox({
      ...port('netsuite'), ...host, seed, faults: faultsOf('netsuite'), demoData: false,
      ...(fast ? { latency: { recordWrite: { p50Ms: 0, p99Ms: 0 }, recordRead: { p50Ms: 0, p99Ms: 0 }, query: { p50Ms: 0, p99Ms: 0 } } } : {}),
    });
    started.push(netsuite);
    const shopify = await startShopifySandbox({ ...port('shopify'), ...host, randomSeed: seed, faults: faultsOf('shopify'), seed: shopifySeed(catalogue), webhooks: { timeScale } });
    started.push(shopify);
    const wms = await startWmsSandbox({
      ...port('wms'), ...host, seed, faults: faultsOf('wms'), webhookTimeScale: timeScale,
      warehouseId: warehouse?.code ?? 'WH-1',
      ...(options.wmsRequestsPerSecond !== undefined && { requestsPerSecond: options.wmsRequestsPerSecond }),
      initialStock: Object.fromEntries(catalogue.products.map((product) => [product.sku, catalogue.unitsOnHand])),
    });
    started.push(wms);
    const payments = await startPaymentsSandbox({ ...port('payments'), ...host, seed, faults: faultsOf('payments') });
    started.push(payments);

    seedNetSuite(netsuite, catalogue);
    await seedSalesforce(salesforce, catalogue);

    const directory: SandboxDirectory = {
      salesforce: {
        url: salesforce.url, loginUrl: salesforce.url, apiVersion: SALESFORCE_API_VERSION,
        clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET, username: DEFAULT_USERNAME,
        standardPricebookId: salesforce.org.standardPricebookId,
      },
      netsuite: { url: netsuite.url, accountId: netsuite.accountId, tba: { accountId: netsuite.accountId, ...SANDBOX_TBA_CREDENTIALS } },
      shopify: {
        url: shopify.url, shopDomain: shopify.shopDomain, apiVersion: DEFAULT_API_VERSION,
        accessToken: shopify.accessToken, clientSecret: shopify.clientSecret, fetch: shopify.fetch,
      },
      wms: { url: wms.url, apiKey: wms.apiKey, warehouseId: warehouse?.code ?? 'WH-1', requestsPerSecond: options.wmsRequestsPerSecond ?? WMS_REQUESTS_PER_SECOND },
      payments: { url: payments.url, port: payments.port, secretKey: payments.secretKey },
      catalogue,
    };
    let closing: Promise<void> | undefined;
    return {
      directory, salesforce, netsuite, shopify, wms, payments,
      closeAll: () => (closing ??= closeEach(started)),
    };
  } catch (error) {
    await closeEach(started);
    throw error;
  }
}

async function closeEach(sandboxes: { close(): Promise<void> }[]): Promise<void> {
  const results = await Promise.allSettled([...sandboxes].reverse().map((sandbox) => sandbox.close()));
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
}

function shopifySeed(catalogue: DemoSeed): StoreSeed {
  return {
    // Shopify locations carry the location code in their name, so connectors can map them.
    locations: catalogue.locations.map((location) => ({ name: `${location.code} ${location.name}`, city: location.city, countryCode: location.countryCode })),
    catalog: catalogue.products.map((product) => ({ sku: product.sku, title: product.name, price: product.listPrice, available: catalogue.unitsOnHand })),
    customers: catalogue.customers
      .filter((customer) => customer.kind === 'person')
      .map((customer) => ({ email: customer.email, ...(customer.firstName ? { firstName: customer.firstName } : {}), ...(customer.lastName ? { lastName: customer.lastName } : {}) })),
  };
}

/** NetSuite: locations by code, inventory items `ITEM-<sku>` with stock per location, customers by number. */
function seedNetSuite(netsuite: RunningNetSuiteSandbox, catalogue: DemoSeed): void {
  const locations = catalogue.locations.map((location) => netsuite.records.create('location', { name: location.name }, location.code));
  for (const product of catalogue.products) {
    netsuite.records.create(
      'inventoryItem',
      {
        itemId: product.sku,
        displayName: product.name,
        basePrice: Number(product.listPrice),
        locations: { items: locations.map((location) => ({ location: { id: location.id }, quantityOnHand: catalogue.unitsOnHand })) },
      },
      `ITEM-${product.sku}`,
    );
  }
  for (const customer of catalogue.customers) {
    const address = { addr1: customer.address.line1, city: customer.address.city, state: customer.address.region, zip: customer.address.postalCode, country: customer.address.country };
    const fields =
      customer.kind === 'person'
        ? { isPerson: true, firstName: customer.firstName, lastName: customer.lastName, email: customer.email, phone: customer.phone, defaultAddress: address }
        : { companyName: customer.companyName, email: customer.email, phone: customer.phone, creditLimit: 25_000, defaultAddress: address };
    netsuite.records.create('customer', fields, customer.customerNumber);
  }
}

/** Salesforce, over its own REST API: products, standard price book entries, accounts. */
async function seedSalesforce(salesforce: SalesforceSandbox, catalogue: DemoSeed): Promise<void> {
  const token = salesforce.createSession();
  const write = async (method: 'PATCH' | 'POST', path: string, body: Record<string, unknown>): Promise<string> => {
    const response = await fetch(`${salesforce.url}/services/data/v${SALESFORCE_API_VERSION}/sobjects/${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const result = (await response.json()) as { id?: string };
    if (!response.ok || !result.id) throw new Error(`Seeding Salesforce ${path} failed: ${response.status} ${JSON.stringify(result)}`);
    return result.id;
  };
  const upsert = (object: string, externalId: string, body: Record<string, unknown>) => write('PATCH', `${object}/External_Id__c/${encodeURIComponent(externalId)}`, body);
  const pricebookId = salesforce.org.standardPricebookId;
  for (const product of catalogue.products) {
    const productId = await upsert('Product2', product.sku, { Name: product.name, ProductCode: product.sku, StockKeepingUnit: product.sku, Family: product.family, IsActive: true });
    // PricebookEntry has no custom external id (as on the platform): created once, on a fresh org.
    await write('POST', 'PricebookEntry', { Pricebook2Id: pricebookId, Product2Id: productId, UnitPrice: Number(product.listPrice), IsActive: true });
  }
  for (const customer of catalogue.customers) {
    const billing = { BillingStreet: customer.address.line1, BillingCity: customer.address.city, BillingState: customer.address.region, BillingPostalCode: customer.address.postalCode, BillingCountry: customer.address.country };
    const fields =
      customer.kind === 'person'
        ? { FirstName: customer.firstName, LastName: customer.lastName, PersonEmail: customer.email, PersonMobilePhone: customer.phone, ...billing }
        : { Name: displayName(customer), Type: 'Customer - Direct', Phone: customer.phone, ...billing };
    await upsert('Account', customer.customerNumber, fields);
  }
}
