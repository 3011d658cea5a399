import type { Order } from '../../../canonical/order.ts';
import type { DeliveryItem } from '../../../ports/storage.ts';
import type { QuotaSignal } from '../../../runtime/delivery/budget.ts';
import type { DeliveryContext, ItemOutcome } from '../../../runtime/delivery/target.ts';
import { PermanentError } from '../../../runtime/errors.ts';
import type { Mapping } from '../../mapping/mapping.ts';
import type { SalesforceClient } from '../client.ts';
import { recordFailure, SALESFORCE_SYSTEM, type SalesforceRecordError } from '../failures.ts';
import { COMPOSITE_MAX_COLLECTIONS_OR_QUERIES } from '../limits.ts';
import { EXTERNAL_ID_FIELD } from './collections.ts';

/**
 * One order costs three Composite subrequests (read the Account by external id, upsert the
 * Order, upsert its OrderItems as one collection), and a Composite holds at most 5 collections
 * and 25 subrequests: 5 orders per call.
 */
export const ORDERS_PER_COMPOSITE = COMPOSITE_MAX_COLLECTIONS_OR_QUERIES;

/** Create-only fields of OrderItem: on a replay, the platform refuses to "update" them. */
const CREATE_ONLY_ITEM_FIELDS = new Set(['OrderId', 'PricebookEntryId', 'Product2Id']);

/**
 * Fields of an order keyed in Salesforce that stay its author's when the hub projects it back:
 * the rep activated it (projecting "Draft" would deactivate it), dated it, typed it and gave it
 * the customer's PO number.
 */
const AUTHOR_OWNED_ORDER_FIELDS = ['Status', 'EffectiveDate', 'Type', 'PoNumber'] as const;

/** Every Order id starts with the Order object's key prefix. */
const ORDER_KEY_PREFIX = '801';

/**
 * The Salesforce Order an order was read from when it was keyed in Salesforce (the Order
 * poller's orders: source `salesforce`, an Order id). The projection updates that record in
 * place instead of upserting a second one by order number, and leaves its order products alone
 * (they are the rep's, and an activated order refuses changes to them).
 */
export function salesforceOrderIdOf(order: Order): string | undefined {
  const id = order.externalIds[SALESFORCE_SYSTEM];
  return order.sourceSystem === SALESFORCE_SYSTEM && id !== undefined && id.startsWith(ORDER_KEY_PREFIX) ? id : undefined;
}

export interface OrderProjectionDeps {
  client: SalesforceClient;
  orderMapping: Mapping;
  lineMapping: Mapping;
  /** The price book of the projected orders; default the org's standard price book. */
  pricebookId?: string;
}

interface CompositeAnswer {
  compositeResponse: { referenceId: string; httpStatusCode: number; body: unknown }[];
}

const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * Projects orders into Salesforce as Order + OrderItems with Composite (`@{ref.id}` chaining):
 * one API call per 5 orders, idempotent because the Order is upserted by `External_Id__c`
 * (the order number) and each item by its own (`<order number>#<line>`). Price book entries
 * are looked up by product code once per SKU and remembered. An order keyed in Salesforce is
 * one PATCH of its own record (see salesforceOrderIdOf).
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_composite.htm
 */
export class OrderProjection {
  private readonly priceEntries = new Map<string, string>();
  private pricebook: string | undefined;

  constructor(private readonly deps: OrderProjectionDeps) {
    this.pricebook = deps.pricebookId;
  }

  async deliver(batch: readonly DeliveryItem[], context: DeliveryContext): Promise<ItemOutcome[]> {
    const outcomes: ItemOutcome[] = [];
    for (let from = 0; from < batch.length; from += ORDERS_PER_COMPOSITE) {
      outcomes.push(...(await this.deliverComposite(batch.slice(from, from + ORDERS_PER_COMPOSITE), context)));
    }
    return outcomes;
  }

  private async deliverComposite(batch: readonly DeliveryItem[], context: DeliveryContext): Promise<ItemOutcome[]> {
    const { client } = this.deps;
    const report = (signal: QuotaSignal) => context.reportQuota(signal);
    const orders = batch.map((item) => item.payload as Order);
    await this.resolvePriceEntries(orders.filter((order) => !salesforceOrderIdOf(order)), report);
    const outcomes: (ItemOutcome | undefined)[] = new Array(batch.length).fill(undefined);
    const subrequests: { method: string; url: string; referenceId: string; body?: unknown }[] = [];
    const base = client.basePath;
    let projected = 0;
    for (const [index, order] of orders.entries()) {
      try {
        const ownId = salesforceOrderIdOf(order);
        if (ownId) {
          const fields = await this.deps.orderMapping.apply(order);
          for (const field of AUTHOR_OWNED_ORDER_FIELDS) delete fields[field];
          subrequests.push({ method: 'PATCH', url: `${base}/sobjects/Order/${ownId}`, referenceId: `order${index}`, body: { ...fields, [EXTERNAL_ID_FIELD]: order.orderNumber } });
          projected++;
          continue;
        }
        if (!order.customer.customerId) {
          throw new PermanentError(`order ${order.orderNumber} has no customer id: a Salesforce Order needs an Account`, { code: 'MISSING_CUSTOMER', field: 'customer.customerId', system: SALESFORCE_SYSTEM });
        }
        const fields = await this.deps.orderMapping.apply(order);
        const records = [];
        for (const line of order.lines) {
          const entry = this.priceEntries.get(line.sku);
          if (!entry) {
            throw new PermanentError(`order ${order.orderNumber} line ${line.lineNumber}: SKU ${line.sku} has no price book entry; upsert the product and its standard price first`, { code: 'PRICEBOOK_ENTRY_MISSING', field: `lines[${line.lineNumber}].sku`, system: SALESFORCE_SYSTEM });
          }
          const lineFields = await this.deps.lineMapping.apply(line, { orderNumber: order.orderNumber });
          records.push({ attributes: { type: 'OrderItem' }, ...lineFields, OrderId: `@{order${index}.id}`, PricebookEntryId: entry });
        }
        subrequests.push(
          { method: 'GET', url: `${base}/sobjects/Account/${EXTERNAL_ID_FIELD}/${encodeURIComponent(order.customer.customerId)}?fields=Id`, referenceId: `account${index}` },
          { method: 'PATCH', url: `${base}/sobjects/Order/${EXTERNAL_ID_FIELD}/${encodeURIComponent(order.orderNumber)}`, referenceId: `order${index}`, body: { ...fields, AccountId: `@{account${index}.Id}`, Pricebook2Id: this.pricebook } },
          { method: 'PATCH', url: `${base}/composite/sobjects/OrderItem/${EXTERNAL_ID_FIELD}`, referenceId: `items${index}`, body: { allOrNone: false, records } },
        );
        projected++;
      } catch (error) {
        outcomes[index] = { ok: false, error };
      }
    }
    if (subrequests.length > 0) {
      const answer = await client.request<CompositeAnswer>({ method: 'POST', path: '/composite', body: { allOrNone: false, compositeRequest: subrequests }, what: `project ${projected} orders` }, report);
      const byReference = new Map(answer.compositeResponse.map((response) => [response.referenceId, response]));
      orders.forEach((order, index) => {
        if (outcomes[index]) return;
        outcomes[index] = this.outcomeOf(order, index, byReference);
      });
    }
    return outcomes.map((outcome) => outcome ?? { ok: false, error: new PermanentError('no result for the order', { system: SALESFORCE_SYSTEM }) });
  }

  private outcomeOf(order: Order, index: number, answers: Map<string, CompositeAnswer['compositeResponse'][number]>): ItemOutcome {
    const record = { object: 'Order', key: order.orderNumber };
    const ownId = salesforceOrderIdOf(order);
    if (ownId) {
      const answer = answers.get(`order${index}`);
      if (answer && answer.httpStatusCode < 300) return { ok: true, externalId: ownId };
      return { ok: false, error: recordFailure(Array.isArray(answer?.body) ? (answer.body[0] as SalesforceRecordError) : undefined, record) };
    }
    for (const step of ['account', 'order']) {
      const answer = answers.get(`${step}${index}`);
      if (!answer || answer.httpStatusCode >= 300) {
        const error = Array.isArray(answer?.body) ? (answer.body[0] as SalesforceRecordError) : undefined;
        const failure = recordFailure(error, step === 'account' ? { object: 'Account', key: order.customer.customerId ?? '' } : record);
        return { ok: false, error: failure };
      }
    }
    const items = answers.get(`items${index}`);
    const results = (Array.isArray(items?.body) ? items.body : []) as { success: boolean; errors: SalesforceRecordError[] }[];
    for (const [position, result] of results.entries()) {
      if (result.success) continue;
      const error = result.errors[0];
      const replayed = (error?.statusCode ?? error?.errorCode) === 'INVALID_FIELD_FOR_INSERT_UPDATE' && (error?.fields ?? []).every((field) => CREATE_ONLY_ITEM_FIELDS.has(field));
      if (!replayed) return { ok: false, error: recordFailure(error, { object: 'OrderItem', key: `${order.orderNumber}#${order.lines[position]?.lineNumber ?? position + 1}` }) };
    }
    if (!items || items.httpStatusCode >= 300) return { ok: false, error: recordFailure(undefined, record) };
    return { ok: true, externalId: (answers.get(`order${index}`)?.body as { id: string }).id };
  }

  private async resolvePriceEntries(orders: readonly Order[], report: (signal: QuotaSignal) => void): Promise<void> {
    const { client } = this.deps;
    if (orders.length === 0) return;
    if (!this.pricebook) {
      const standard = await client.request<{ records: { Id: string }[] }>({ method: 'GET', path: `/query?q=${encodeURIComponent('SELECT Id FROM Pricebook2 WHERE IsStandard = true')}`, what: 'find the standard price book' }, report);
      this.pricebook = standard.records[0]?.Id;
      if (!this.pricebook) throw new PermanentError('the org has no standard price book', { code: 'NO_STANDARD_PRICEBOOK', system: SALESFORCE_SYSTEM });
    }
    const missing = [...new Set(orders.flatMap((order) => order.lines.map((line) => line.sku)))].filter((sku) => !this.priceEntries.has(sku));
    if (missing.length === 0) return;
    const soql = `SELECT Id, ProductCode FROM PricebookEntry WHERE Pricebook2Id = ${quote(this.pricebook)} AND ProductCode IN (${missing.map(quote).join(', ')})`;
    const found = await client.request<{ records: { Id: string; ProductCode: string }[] }>({ method: 'GET', path: `/query?q=${encodeURIComponent(soql)}`, what: 'find price book entries' }, report);
    for (const entry of found.records) this.priceEntries.set(entry.ProductCode, entry.Id);
  }
}
