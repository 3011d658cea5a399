import type { Logger } from '../../observability/logger.ts';
import type { DeliveryItem } from '../../ports/storage.ts';
import type { DeliveryContext, ItemOutcome } from '../../runtime/delivery/target.ts';
import type { Connector, DeltaPoller, QuotaReport } from '../connector.ts';
import type { SalesforceCredentials } from './auth.ts';
import { bulkLoad, bulkUpsert, DEFAULT_BULK_THRESHOLD, type BulkUpsertResult } from './bulk.ts';
import { SalesforceClient } from './client.ts';
import { SALESFORCE_SYSTEM } from './failures.ts';
import { systemModstampPoller } from './inbound.ts';
import { orderPoller } from './inbound/orders.ts';
import { dailyApiRequests, salesforceBudget, type SalesforceEdition } from './limits.ts';
import { loadSalesforceMappings, type SalesforceMappingOverrides } from './mappings.ts';
import { COLLECTION_OPERATIONS, deliverToSalesforce, SalesforceOperation, type CollectionOperation } from './outbound.ts';
import { OrderProjection } from './outbound/orders.ts';
import { PriceBookPrices } from './outbound/prices.ts';

export type { SalesforceCredentials } from './auth.ts';
export { signJwtAssertion } from './auth.ts';
export type { CaseStatusUpdate } from './outbound.ts';
export { SalesforceOperation } from './outbound.ts';
export type { SalesforceMappingName, SalesforceMappingOverrides } from './mappings.ts';
export { SALESFORCE_API_VERSION } from './client.ts';

/** Account fields the customer poller reads (add the ones your mapping override needs with `pollFields`). */
const ACCOUNT_FIELDS = ['External_Id__c', 'Name', 'IsPersonAccount', 'FirstName', 'LastName', 'PersonEmail', 'PersonMobilePhone', 'Phone', 'PersonMailingStreet', 'PersonMailingCity', 'PersonMailingPostalCode', 'PersonMailingCountry', 'BillingStreet', 'BillingCity', 'BillingPostalCode', 'BillingCountry', 'PersonHasOptedOutOfEmail'];
const CASE_FIELDS = ['External_Id__c', 'CaseNumber', 'Subject', 'Description', 'Status', 'Priority', 'Origin', 'AccountId', 'CreatedDate', 'ClosedDate'];

export interface SalesforceConnectorOptions {
  /** The delivery target name = the role flows address (default `crm`). */
  role?: string;
  /** https://login.salesforce.com, https://test.salesforce.com, the org's My Domain URL, or a sandbox's `url`. */
  loginUrl: string;
  credentials: SalesforceCredentials;
  apiVersion?: string;
  /** The org's edition and Salesforce licences set the daily API allocation (default Enterprise, 20). */
  edition?: SalesforceEdition;
  licences?: number;
  /** Overrides the computed daily allocation (e.g. the share of it given to the hub). */
  dailyRequestLimit?: number;
  concurrency?: number;
  timeoutMs?: number;
  /** Price book of projected orders (default: the org's standard price book). */
  pricebookId?: string;
  /**
   * Where prices of a price list go: price list code → the Name of a Salesforce price book
   * (`{ WHOLESALE-USD: Wholesale }`). Price lists not named here go to the standard price book.
   */
  priceBooks?: Record<string, string>;
  mappings?: SalesforceMappingOverrides;
  /** Delta pollers: customer changes made by agents (Account), cases, and B2B orders keyed by sales reps. Omit to poll nothing. */
  polling?: SalesforcePollingOptions;
  /** Initial loads above this many records go through Bulk API 2.0 (default 10,000). */
  bulkThreshold?: number;
  logger?: Pick<Logger, 'warn' | 'info'>;
  clock?: () => number;
}

export interface SalesforcePollingOptions {
  everyMs?: number;
  /** Where a first run starts (RFC 3339); default every record once. */
  since?: string;
  accounts?: boolean;
  cases?: boolean;
  /** B2B orders keyed by sales reps: activated Orders the hub did not project (`retail.order.placed.v1`). Needs `currency`. */
  orders?: boolean;
  accountFields?: string[];
  caseFields?: string[];
  /** Extra Order fields read for an `order.from-salesforce` override (e.g. `CurrencyIsoCode` in a multi-currency org). */
  orderFields?: string[];
  /** SOQL condition of the Orders to capture; default `Status = 'Activated' AND Source_System__c = null` (keep the echo filter). */
  orderWhere?: string;
  /** The org's currency (ISO 4217), bound as `$currency` in `order.from-salesforce`. */
  currency?: string;
}

export interface SalesforceConnector extends Connector {
  readonly client: SalesforceClient;
  readonly bulkThreshold: number;
  /** Bulk API 2.0 upsert by External_Id__c of already-mapped records (backfills, initial loads). */
  bulkUpsert(object: string, records: Record<string, unknown>[], options?: { pollIntervalMs?: number }): Promise<BulkUpsertResult>;
  /** Bulk API 2.0 load of canonical payloads of a collections operation, mapped as that operation maps them. */
  bulkLoad(operation: CollectionOperation, payloads: readonly unknown[], options?: { pollIntervalMs?: number }): Promise<BulkUpsertResult>;
  /**
   * The operations `bulkLoad` takes: the upserts by External_Id__c. Not `upsertPrice` (a
   * PricebookEntry has no external id to upsert by) nor `projectOrder` (an order and its lines).
   */
  readonly bulkOperations: readonly CollectionOperation[];
}

/**
 * The Salesforce connector (CRM role): upserts customers, products, inventory levels,
 * shipments, returns and cases with sObject Collections (200 records per call), writes prices
 * into the standard price book (a read and a write per 200), projects orders
 * with Composite, reads agents' changes to Accounts and Cases and the B2B orders sales reps key
 * (activated Orders) by SystemModstamp, and feeds the
 * org's `Sforce-Limit-Info` into the delivery budget. See docs/connectors/salesforce.md.
 *
 * @example
 * const crm = createSalesforceConnector({
 *   loginUrl: 'https://acme.my.salesforce.com',
 *   credentials: { flow: 'jwt-bearer', clientId: env.SF_CLIENT_ID, username: 'crossdock@acme.com', privateKey: env.SF_PRIVATE_KEY },
 *   licences: 250, polling: { accounts: true, cases: true },
 * });
 * new DeliveryEngine({ storage, targets: [crm] });
 */
export function createSalesforceConnector(options: SalesforceConnectorOptions): SalesforceConnector {
  const client = new SalesforceClient({
    loginUrl: options.loginUrl,
    credentials: options.credentials,
    ...(options.apiVersion !== undefined && { apiVersion: options.apiVersion }),
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    ...(options.logger && { logger: options.logger }),
    ...(options.clock && { clock: options.clock }),
  });
  const mappings = loadSalesforceMappings(options.mappings);
  const dailyRequestLimit = options.dailyRequestLimit ?? dailyApiRequests(options.edition ?? 'enterprise', options.licences ?? 20);
  const budget = salesforceBudget({ dailyRequestLimit, ...(options.concurrency !== undefined && { concurrency: options.concurrency }) });
  const prices = new PriceBookPrices({ client, mapping: mappings['price.to-salesforce'], ...(options.priceBooks && { priceBooks: checkedPriceBooks(options.priceBooks) }) });
  const orders = new OrderProjection({ client, orderMapping: mappings['order.to-salesforce'], lineMapping: mappings['order-line.to-salesforce'], ...(options.pricebookId && { pricebookId: options.pricebookId }) });
  const role = options.role ?? 'crm';
  const source = `crossdock://connectors/salesforce/${new URL(options.loginUrl).host}`;
  const pollers: DeltaPoller[] = [];
  const polling = options.polling;
  if (polling?.accounts) {
    pollers.push(
      systemModstampPoller({
        client, object: 'Account', fields: [...ACCOUNT_FIELDS, ...(polling.accountFields ?? [])], mapping: mappings['customer.from-salesforce'],
        eventType: 'retail.customer.updated.v1', source, name: `${role}.salesforce.Account`, everyMs: polling.everyMs ?? 60_000,
        ...(polling.since && { since: polling.since }), ...(options.logger && { logger: options.logger }),
      }),
    );
  }
  if (polling?.orders) {
    if (!polling.currency || !/^[A-Z]{3}$/.test(polling.currency)) {
      throw new Error(`polling.currency: the Order poller needs the org's currency as an ISO 4217 code (e.g. "USD"), got ${JSON.stringify(polling.currency)}`);
    }
    pollers.push(
      orderPoller({
        client, mapping: mappings['order.from-salesforce'], currency: polling.currency, source, name: `${role}.salesforce.Order`, everyMs: polling.everyMs ?? 60_000,
        ...(polling.orderFields && { fields: polling.orderFields }), ...(polling.orderWhere && { where: polling.orderWhere }),
        ...(polling.since && { since: polling.since }), ...(options.logger && { logger: options.logger }),
      }),
    );
  }
  if (polling?.cases) {
    pollers.push(
      systemModstampPoller({
        client, object: 'Case', fields: [...CASE_FIELDS, ...(polling.caseFields ?? [])], mapping: mappings['case.from-salesforce'],
        eventType: 'retail.case.updated.v1', source, name: `${role}.salesforce.Case`, everyMs: polling.everyMs ?? 60_000,
        ...(polling.since && { since: polling.since }), ...(options.logger && { logger: options.logger }),
      }),
    );
  }
  return {
    name: role,
    system: SALESFORCE_SYSTEM,
    operations: Object.values(SalesforceOperation),
    budget,
    client,
    bulkThreshold: options.bulkThreshold ?? DEFAULT_BULK_THRESHOLD,
    pollers,
    deliver: (batch: readonly DeliveryItem[], context: DeliveryContext): Promise<ItemOutcome[]> => deliverToSalesforce(batch, context, { client, mappings, orders, prices }),
    bulkOperations: (Object.keys(COLLECTION_OPERATIONS) as CollectionOperation[]).filter((operation) => operation.startsWith('upsert')),
    bulkLoad: (operation, payloads, bulkOptions) => {
      const target = COLLECTION_OPERATIONS[operation];
      return bulkLoad(client, { object: target.object, mapping: mappings[target.mapping], payloads, ...(bulkOptions?.pollIntervalMs !== undefined && { pollIntervalMs: bulkOptions.pollIntervalMs }) });
    },
    bulkUpsert: (object, records, bulkOptions) => bulkUpsert(client, { object, records, ...(bulkOptions?.pollIntervalMs !== undefined && { pollIntervalMs: bulkOptions.pollIntervalMs }) }),
    quota(): QuotaReport {
      const usage = client.lastUsage;
      return usage
        ? { name: 'DailyApiRequests', used: usage.used, limit: usage.limit, source: 'Sforce-Limit-Info response header' }
        : { name: 'DailyApiRequests', used: 0, limit: dailyRequestLimit, source: 'configured allocation (no answer from the org yet)' };
    },
  };
}

/** `priceBooks` as the connector takes it: price list codes to non-empty price book Names. */
function checkedPriceBooks(priceBooks: unknown): Record<string, string> {
  if (priceBooks === null || typeof priceBooks !== 'object' || Array.isArray(priceBooks)) {
    throw new Error('priceBooks must map price list codes to Salesforce price book names, e.g. { WHOLESALE-USD: Wholesale }');
  }
  for (const [priceList, name] of Object.entries(priceBooks)) {
    if (typeof name !== 'string' || name.trim() === '') throw new Error(`priceBooks.${priceList} must be the Name of a Salesforce price book, got ${JSON.stringify(name)}`);
  }
  return priceBooks as Record<string, string>;
}
