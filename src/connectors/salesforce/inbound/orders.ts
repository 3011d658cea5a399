import type { Logger } from '../../../observability/logger.ts';
import type { DeltaPoller } from '../../connector.ts';
import type { Mapping } from '../../mapping/mapping.ts';
import type { SalesforceClient } from '../client.ts';
import { systemModstampPoller } from '../inbound.ts';

/** Order fields the Order poller reads (add the ones a mapping override needs with `polling.orderFields`). */
export const ORDER_FIELDS = [
  'OrderNumber', 'External_Id__c', 'Status', 'Type', 'PoNumber', 'AccountId', 'EffectiveDate', 'ActivatedDate', 'CreatedDate', 'Description', 'TotalAmount',
  'BillingStreet', 'BillingCity', 'BillingState', 'BillingPostalCode', 'BillingCountry',
  'ShippingStreet', 'ShippingCity', 'ShippingState', 'ShippingPostalCode', 'ShippingCountry',
] as const;
/** OrderItem.Product2Id is filled by the platform from the price book entry (API v38.0 and later). */
const ORDER_ITEM_FIELDS = ['Id', 'OrderId', 'OrderItemNumber', 'Product2Id', 'PricebookEntryId', 'Quantity', 'UnitPrice', 'TotalPrice', 'Description', 'External_Id__c'];
const PRODUCT_FIELDS = ['Id', 'Name', 'ProductCode', 'StockKeepingUnit'];
const ACCOUNT_FIELDS = ['Id', 'Name', 'External_Id__c', 'AccountNumber'];

/**
 * The field the hub stamps on every Order it projects (`order.to-salesforce`: the system the order
 * came from). Orders keyed in Salesforce have it empty until the hub has captured and projected
 * them back, so `= null` keeps the hub's own writes out of what the poller reads.
 */
export const ORDER_SOURCE_FIELD = 'Source_System__c';

/**
 * Which changed Orders are new B2B orders: activated (a Draft is still being keyed; activation
 * is the rep's "submit") and never projected by the hub (the echo filter).
 */
export const DEFAULT_ORDER_CONDITION = `Status = 'Activated' AND ${ORDER_SOURCE_FIELD} = null`;

/**
 * Ids per `IN (...)` list: 150 quoted 18-character ids keep the WHERE clause under 4,000
 * characters and the GET URL far under the 16,384 bytes the REST API accepts.
 * https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_soslsoql.htm
 */
const IDS_PER_QUERY = 150;

export interface OrderPollerOptions {
  client: SalesforceClient;
  /** `order.from-salesforce`: the assembled order record → canonical Order. */
  mapping: Mapping;
  /** The org's currency (single-currency orgs carry no CurrencyIsoCode on records), bound as `$currency`. */
  currency: string;
  /** Extra Order fields read for a mapping override. */
  fields?: readonly string[];
  /** The SOQL condition of the orders to capture; default DEFAULT_ORDER_CONDITION. Keep the echo filter in it. */
  where?: string;
  source: string;
  name: string;
  everyMs: number;
  since?: string;
  logger?: Pick<Logger, 'warn'>;
}

type SalesforceRecord = Record<string, unknown>;

interface QueryPage {
  records: SalesforceRecord[];
  done: boolean;
  nextRecordsUrl?: string;
}

const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * B2B orders keyed by sales reps in Salesforce: activated Orders the hub has not projected,
 * read by SystemModstamp (the same watermark and paging as the Account and Case pollers), each
 * with its Account and its order products and their Product2, mapped to a canonical Order and
 * emitted as `retail.order.placed.v1` (subject = the order number). Event ids are
 * `salesforce:Order:<Id>@<SystemModstamp>`: a page read twice yields the same ids.
 */
export function orderPoller(options: OrderPollerOptions): DeltaPoller {
  return systemModstampPoller({
    client: options.client,
    object: 'Order',
    fields: [...ORDER_FIELDS, ...(options.fields ?? [])],
    where: options.where ?? DEFAULT_ORDER_CONDITION,
    enrich: (orders) => withOrderDetails(options.client, orders),
    mapping: options.mapping,
    bindings: { currency: options.currency },
    eventType: 'retail.order.placed.v1',
    source: options.source,
    name: options.name,
    everyMs: options.everyMs,
    ...(options.since && { since: options.since }),
    ...(options.logger && { logger: options.logger }),
  });
}

/**
 * Attaches to each Order what a relationship query would return with it —
 * `Account.{Name, External_Id__c, AccountNumber}` and
 * `OrderItems.records[]` (by OrderItemNumber) each with `Product2.{Name, ProductCode, StockKeepingUnit}` —
 * read with three separate queries per page (order products, products, accounts), so the
 * mapping reads one record and the connector works where relationship queries do not.
 */
export async function withOrderDetails(client: SalesforceClient, orders: readonly SalesforceRecord[]): Promise<SalesforceRecord[]> {
  const items = await selectByIds(client, { object: 'OrderItem', fields: ORDER_ITEM_FIELDS, field: 'OrderId', ids: orders.map((order) => String(order.Id)), orderBy: 'OrderId, OrderItemNumber' });
  const productIds = items.map((item) => item.Product2Id).filter((id): id is string => typeof id === 'string');
  const accountIds = orders.map((order) => order.AccountId).filter((id): id is string => typeof id === 'string');
  const [products, accounts] = await Promise.all([
    selectByIds(client, { object: 'Product2', fields: PRODUCT_FIELDS, field: 'Id', ids: productIds }),
    selectByIds(client, { object: 'Account', fields: ACCOUNT_FIELDS, field: 'Id', ids: accountIds }),
  ]);
  const productById = new Map(products.map((product) => [String(product.Id), product]));
  const accountById = new Map(accounts.map((account) => [String(account.Id), account]));
  const itemsByOrder = new Map<string, SalesforceRecord[]>();
  for (const item of items) {
    const withProduct = { ...item, Product2: productById.get(String(item.Product2Id)) ?? null };
    itemsByOrder.set(String(item.OrderId), [...(itemsByOrder.get(String(item.OrderId)) ?? []), withProduct]);
  }
  return orders.map((order) => {
    const lines = itemsByOrder.get(String(order.Id)) ?? [];
    return { ...order, Account: accountById.get(String(order.AccountId)) ?? null, OrderItems: { totalSize: lines.length, done: true, records: lines } };
  });
}

/** `SELECT <fields> FROM <object> WHERE <field> IN (<ids>)`, in lists of IDS_PER_QUERY, every page followed. */
async function selectByIds(client: SalesforceClient, args: { object: string; fields: readonly string[]; field: string; ids: readonly string[]; orderBy?: string }): Promise<SalesforceRecord[]> {
  const ids = [...new Set(args.ids)];
  const found: SalesforceRecord[] = [];
  for (let from = 0; from < ids.length; from += IDS_PER_QUERY) {
    const list = ids.slice(from, from + IDS_PER_QUERY).map(quote).join(', ');
    const soql = `SELECT ${args.fields.join(', ')} FROM ${args.object} WHERE ${args.field} IN (${list})${args.orderBy ? ` ORDER BY ${args.orderBy}` : ''}`;
    let page = await client.request<QueryPage>({ method: 'GET', path: `/query?q=${encodeURIComponent(soql)}`, what: `read the ${args.object} records of changed orders` });
    found.push(...page.records);
    while (!page.done && page.nextRecordsUrl) {
      page = await client.request<QueryPage>({ method: 'GET', path: page.nextRecordsUrl, what: `read the next ${args.object} records of changed orders` });
      found.push(...page.records);
    }
  }
  return found;
}
