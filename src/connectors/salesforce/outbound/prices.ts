import type { Price } from '../../../canonical/price.ts';
import type { DeliveryItem } from '../../../ports/storage.ts';
import type { QuotaSignal } from '../../../runtime/delivery/budget.ts';
import type { DeliveryContext, ItemOutcome } from '../../../runtime/delivery/target.ts';
import { PermanentError, TransientError } from '../../../runtime/errors.ts';
import type { Mapping } from '../../mapping/mapping.ts';
import type { SalesforceClient } from '../client.ts';
import { recordFailure, SALESFORCE_SYSTEM, type SalesforceRecordError } from '../failures.ts';
import { COLLECTION_MAX_RECORDS, COMPOSITE_MAX_COLLECTIONS_OR_QUERIES } from '../limits.ts';
import { EXTERNAL_ID_FIELD } from './collections.ts';

/**
 * Characters of quoted SKUs per `IN (...)` list, so the WHERE clause stays under the 4,000
 * characters SOQL allows with the rest of the condition (200 SKUs of up to 15 characters fit in
 * one list).
 * https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_soslsoql.htm
 */
const SKU_LIST_MAX_CHARS = 3_800;

/** The entry's fields read back, to leave an entry alone when the price has not changed. */
const ENTRY_FIELDS = ['UnitPrice', 'IsActive'] as const;

const PRICEBOOK_ENTRY = 'PricebookEntry';

interface QueryAnswer {
  records: Record<string, unknown>[];
}

interface CompositeAnswer {
  compositeResponse: { referenceId: string; httpStatusCode: number; body: unknown }[];
}

/** A SaveResult of sObject Collections create or update: one per record, in request order. */
interface SaveResult {
  id?: string;
  success: boolean;
  errors: SalesforceRecordError[];
}

/** The price of one SKU in the batch, and the items it answers for (several price lists may name one SKU). */
interface SkuPrice {
  sku: string;
  indexes: number[];
  fields: Record<string, unknown>;
}

interface Write {
  price: SkuPrice;
  record: Record<string, unknown>;
}

const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * `upsertPrice`: each canonical Price becomes the UnitPrice of its product's entry in the org's
 * standard price book. A PricebookEntry has no external id of its own (one entry per product and
 * price book, DUPLICATE_VALUE for a second), so a batch of up to 200 prices costs two calls:
 *
 * 1. one Composite of queries (one API call): the Product2 of each SKU by `External_Id__c`, and
 *    the standard price book entries of those products (`Product2.External_Id__c IN (...)`),
 *    plus the standard price book's Id on the first batch;
 * 2. one write, only for the entries that change: a Collections create (`Pricebook2Id`,
 *    `Product2Id`, `UnitPrice`, `IsActive`) for products without an entry and a Collections
 *    update by Id for the others, in one Composite when there are both.
 *
 * A price whose entry already holds it is not written again, so a redelivery costs the read only.
 * A SKU with no Product2 fails with PRODUCT_NOT_FOUND (load the products first); an entry created
 * by someone else between the read and the create (DUPLICATE_VALUE) is retried, and found then.
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_pricebookentry.htm
 */
export class StandardPrices {
  private pricebookId: string | undefined;

  constructor(private readonly deps: { client: SalesforceClient; mapping: Mapping }) {}

  async deliver(batch: readonly DeliveryItem[], context: DeliveryContext): Promise<ItemOutcome[]> {
    const outcomes: ItemOutcome[] = [];
    for (let from = 0; from < batch.length; from += COLLECTION_MAX_RECORDS) {
      outcomes.push(...(await this.deliverSlice(batch.slice(from, from + COLLECTION_MAX_RECORDS), context)));
    }
    return outcomes;
  }

  private async deliverSlice(batch: readonly DeliveryItem[], context: DeliveryContext): Promise<ItemOutcome[]> {
    const report = (signal: QuotaSignal) => context.reportQuota(signal);
    const outcomes: (ItemOutcome | undefined)[] = new Array(batch.length).fill(undefined);
    // External_Id__c is unique case-insensitively: SKUs differing in case name one product.
    const prices = new Map<string, SkuPrice>();
    for (const [index, item] of batch.entries()) {
      try {
        const price = checkedPrice(item);
        const fields = await this.deps.mapping.apply(price);
        const known = prices.get(price.sku.toLowerCase());
        // The later item wins: items are in the order their prices were published.
        if (known) Object.assign(known, { fields, indexes: [...known.indexes, index] });
        else prices.set(price.sku.toLowerCase(), { sku: price.sku, indexes: [index], fields });
      } catch (error) {
        outcomes[index] = { ok: false, error };
      }
    }
    if (prices.size === 0) return outcomes.map((outcome) => outcome ?? noResult());

    const found = await this.read([...prices.values()].map((price) => price.sku), report);
    const creates: Write[] = [];
    const updates: Write[] = [];
    for (const price of prices.values()) {
      const productId = found.productBySku.get(price.sku.toLowerCase());
      if (!productId) {
        for (const index of price.indexes) {
          outcomes[index] = {
            ok: false,
            error: new PermanentError(
              `price ${batch[index]!.key}: Salesforce has no Product2 with ${EXTERNAL_ID_FIELD} = ${price.sku}; load the products first (crossdock backfill product --to <crm role>), then replay this price`,
              { code: 'PRODUCT_NOT_FOUND', field: 'sku', system: SALESFORCE_SYSTEM, details: { object: 'Product2', sku: price.sku } },
            ),
          };
        }
        continue;
      }
      const entry = found.entryByProduct.get(productId);
      if (entry && unchanged(entry, price.fields)) {
        for (const index of price.indexes) outcomes[index] = { ok: true, externalId: String(entry.Id) };
      } else if (entry) {
        updates.push({ price, record: { attributes: { type: PRICEBOOK_ENTRY }, Id: entry.Id, ...price.fields } });
      } else {
        creates.push({ price, record: { attributes: { type: PRICEBOOK_ENTRY }, Pricebook2Id: found.pricebookId, Product2Id: productId, ...price.fields } });
      }
    }
    const results = await this.write(creates, updates, report);
    for (const [position, write] of [...creates, ...updates].entries()) {
      const outcome = outcomeOf(results[position], { created: position < creates.length, sku: write.price.sku });
      for (const index of write.price.indexes) outcomes[index] = outcome;
    }
    return outcomes.map((outcome) => outcome ?? noResult());
  }

  /** The Product2 of each SKU and the standard price book entries of those products, in one call per 5 queries. */
  private async read(
    skus: string[],
    report: (signal: QuotaSignal) => void,
  ): Promise<{ pricebookId: string; productBySku: Map<string, string>; entryByProduct: Map<string, Record<string, unknown>> }> {
    const { client } = this.deps;
    const queries: { referenceId: string; soql: string }[] = [];
    if (!this.pricebookId) queries.push({ referenceId: 'pricebook', soql: 'SELECT Id FROM Pricebook2 WHERE IsStandard = true' });
    skuLists(skus).forEach((list, n) => {
      const values = list.map(quote).join(', ');
      queries.push(
        { referenceId: `products${n}`, soql: `SELECT Id, ${EXTERNAL_ID_FIELD} FROM Product2 WHERE ${EXTERNAL_ID_FIELD} IN (${values})` },
        { referenceId: `entries${n}`, soql: `SELECT Id, Product2Id, ${ENTRY_FIELDS.join(', ')} FROM ${PRICEBOOK_ENTRY} WHERE Pricebook2.IsStandard = true AND Product2.${EXTERNAL_ID_FIELD} IN (${values})` },
      );
    });
    const productBySku = new Map<string, string>();
    const entryByProduct = new Map<string, Record<string, unknown>>();
    for (let from = 0; from < queries.length; from += COMPOSITE_MAX_COLLECTIONS_OR_QUERIES) {
      const part = queries.slice(from, from + COMPOSITE_MAX_COLLECTIONS_OR_QUERIES);
      const answer = await client.request<CompositeAnswer>(
        {
          method: 'POST',
          path: '/composite',
          body: { allOrNone: false, compositeRequest: part.map((query) => ({ method: 'GET', url: `${client.basePath}/query?q=${encodeURIComponent(query.soql)}`, referenceId: query.referenceId })) },
          what: `read the products and standard price book entries of ${skus.length} SKUs`,
        },
        report,
      );
      // Each query matches at most one record per SKU of its list: one page holds them all.
      for (const response of answer.compositeResponse) {
        if (response.httpStatusCode >= 300) throw queryFailure(response);
        const records = (response.body as QueryAnswer).records;
        if (response.referenceId === 'pricebook') this.pricebookId = records[0] ? String(records[0].Id) : undefined;
        else if (response.referenceId.startsWith('products')) for (const product of records) productBySku.set(String(product[EXTERNAL_ID_FIELD]).toLowerCase(), String(product.Id));
        else for (const entry of records) entryByProduct.set(String(entry.Product2Id), entry);
      }
    }
    if (!this.pricebookId) throw new PermanentError('the org has no standard price book: prices cannot be written', { code: 'NO_STANDARD_PRICEBOOK', system: SALESFORCE_SYSTEM });
    return { pricebookId: this.pricebookId, productBySku, entryByProduct };
  }

  /** Creates and updates, one call: a Collections request, or a Composite of both. Results in creates-then-updates order. */
  private async write(creates: Write[], updates: Write[], report: (signal: QuotaSignal) => void): Promise<(SaveResult | SalesforceRecordError)[]> {
    const { client } = this.deps;
    const requests: { method: 'POST' | 'PATCH'; writes: Write[]; referenceId: string }[] = [
      ...(creates.length > 0 ? [{ method: 'POST' as const, writes: creates, referenceId: 'create' }] : []),
      ...(updates.length > 0 ? [{ method: 'PATCH' as const, writes: updates, referenceId: 'update' }] : []),
    ];
    const bodyOf = (writes: Write[]) => ({ allOrNone: false, records: writes.map((write) => write.record) });
    const what = `create ${creates.length} and update ${updates.length} standard price book entries`;
    if (requests.length === 0) return [];
    if (requests.length === 1) {
      const [only] = requests;
      return client.request<SaveResult[]>({ method: only!.method, path: '/composite/sobjects', body: bodyOf(only!.writes), what }, report);
    }
    const answer = await client.request<CompositeAnswer>(
      {
        method: 'POST',
        path: '/composite',
        body: { allOrNone: false, compositeRequest: requests.map((request) => ({ method: request.method, url: `${client.basePath}/composite/sobjects`, referenceId: request.referenceId, body: bodyOf(request.writes) })) },
        what,
      },
      report,
    );
    return requests.flatMap((request): (SaveResult | SalesforceRecordError)[] => {
      const response = answer.compositeResponse.find((candidate) => candidate.referenceId === request.referenceId);
      if (response && response.httpStatusCode < 300 && Array.isArray(response.body)) return response.body as SaveResult[];
      // The whole collection was refused: every record of it carries that error.
      const error = Array.isArray(response?.body) ? (response.body[0] as SalesforceRecordError) : { message: 'no answer to the subrequest' };
      return request.writes.map(() => error);
    });
  }
}

function checkedPrice(item: DeliveryItem): Price {
  const price = item.payload as Partial<Price> | null;
  if (!price || typeof price.sku !== 'string' || price.sku === '') {
    throw new PermanentError(`price ${item.key}: the price has no sku`, { code: 'INVALID_PAYLOAD', field: 'sku', system: SALESFORCE_SYSTEM });
  }
  if (price.minQuantity !== undefined && price.minQuantity > 1) {
    throw new PermanentError(
      `price ${item.key}: a price from quantity ${price.minQuantity} is a tier price; a PricebookEntry has one list price per product, so only prices from quantity 1 can be written`,
      { code: 'TIER_PRICE_UNSUPPORTED', field: 'minQuantity', system: SALESFORCE_SYSTEM },
    );
  }
  return price as Price;
}

/** Whether the entry already holds every mapped field's value (numbers compared as numbers). */
function unchanged(entry: Record<string, unknown>, fields: Record<string, unknown>): boolean {
  return Object.entries(fields).every(([name, value]) => {
    const current = entry[name];
    return typeof value === 'number' ? current !== null && current !== undefined && Number(current) === value : current === value;
  });
}

function outcomeOf(result: SaveResult | SalesforceRecordError | undefined, write: { created: boolean; sku: string }): ItemOutcome {
  if (result && 'success' in result && result.success && result.id) return { ok: true, externalId: result.id };
  const error = result && 'success' in result ? result.errors[0] : result;
  const code = error?.statusCode ?? error?.errorCode;
  if (write.created && code === 'DUPLICATE_VALUE') {
    return {
      ok: false,
      error: new TransientError(`Salesforce refused ${PRICEBOOK_ENTRY} ${write.sku}: another client created the standard price book entry since it was read; the retry updates it`, {
        code,
        system: SALESFORCE_SYSTEM,
        details: { object: PRICEBOOK_ENTRY, key: write.sku },
      }),
    };
  }
  return { ok: false, error: recordFailure(error, { object: PRICEBOOK_ENTRY, key: write.sku }) };
}

/** A query of the read refused as a whole: 5xx worth retrying, anything else (a field the org lacks) not. */
function queryFailure(response: CompositeAnswer['compositeResponse'][number]): Error {
  const error = (Array.isArray(response.body) ? response.body[0] : undefined) as SalesforceRecordError | undefined;
  const code = error?.errorCode ?? error?.statusCode ?? 'UNKNOWN_ERROR';
  const message = `Salesforce could not read the standard price book entries (${response.referenceId}): ${code}: ${error?.message ?? 'no message'}`;
  const info = { code, system: SALESFORCE_SYSTEM, details: { status: response.httpStatusCode } };
  return response.httpStatusCode >= 500 ? new TransientError(message, info) : new PermanentError(message, info);
}

/** SKUs in `IN (...)` lists of at most SKU_LIST_MAX_CHARS characters. */
function skuLists(skus: readonly string[]): string[][] {
  const lists: string[][] = [];
  let current: string[] = [];
  let chars = 0;
  for (const sku of skus) {
    const size = quote(sku).length + 2;
    if (current.length > 0 && chars + size > SKU_LIST_MAX_CHARS) {
      lists.push(current);
      current = [];
      chars = 0;
    }
    current.push(sku);
    chars += size;
  }
  if (current.length > 0) lists.push(current);
  return lists;
}

function noResult(): ItemOutcome {
  return { ok: false, error: new PermanentError('no result for the price', { system: SALESFORCE_SYSTEM }) };
}
