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
/** The `priceBooks` key of prices that go to the org's standard price book. */
const STANDARD_BOOK = '';

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
 * `upsertPrice`: each canonical Price becomes the UnitPrice of its product's entry in a price
 * book: the one `priceBooks` names for its price list (by the Pricebook2's Name, e.g.
 * `WHOLESALE-USD: Wholesale`), else the org's standard price book. A PricebookEntry has no
 * external id of its own (one entry per product and price book, DUPLICATE_VALUE for a second),
 * so a batch of up to 200 prices costs two calls:
 *
 * 1. one Composite of queries (one API call): the Product2 of each SKU by `External_Id__c`, the
 *    standard price book entries of those products (`Product2.External_Id__c IN (...)`) and
 *    those of each named price book, plus the price books' Ids on first use;
 * 2. one write, only for the entries that change: a Collections create (`Pricebook2Id`,
 *    `Product2Id`, `UnitPrice`, `IsActive`) for products without an entry and a Collections
 *    update by Id for the others, in one Composite when there are both.
 *
 * Salesforce takes an entry in a custom price book only for a product with a standard price
 * (STANDARD_PRICE_NOT_DEFINED otherwise). Standard prices of a batch are written before its
 * custom ones; a custom price whose product has none yet is retried (the standard price list may
 * still be on its way) and, if it never comes, dead-lettered saying so.
 *
 * A price whose entry already holds it is not written again, so a redelivery costs the read only.
 * A SKU with no Product2 fails with PRODUCT_NOT_FOUND (load the products first); an entry created
 * by someone else between the read and the create (DUPLICATE_VALUE) is retried, and found then.
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_pricebookentry.htm
 */
export class PriceBookPrices {
  private standardId: string | undefined;
  /** Custom price books by Name → Id, read on first use. */
  private readonly customIds = new Map<string, string>();

  constructor(private readonly deps: { client: SalesforceClient; mapping: Mapping; priceBooks?: Readonly<Record<string, string>> }) {}

  /** The price book a price list's prices go to: its configured Name, or the standard one. */
  private bookOf(priceList: string | undefined): string {
    return (priceList !== undefined ? this.deps.priceBooks?.[priceList] : undefined) ?? STANDARD_BOOK;
  }

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
    // Per price book, per SKU (External_Id__c is unique case-insensitively: SKUs differing in
    // case name one product). The standard book comes first: custom entries need its prices.
    const books = new Map<string, Map<string, SkuPrice>>([[STANDARD_BOOK, new Map()]]);
    for (const [index, item] of batch.entries()) {
      try {
        const price = checkedPrice(item);
        const fields = await this.deps.mapping.apply(price);
        const book = this.bookOf(price.priceList);
        const prices = books.get(book) ?? books.set(book, new Map()).get(book)!;
        const known = prices.get(price.sku.toLowerCase());
        // The later item wins: items are in the order their prices were published.
        if (known) Object.assign(known, { fields, indexes: [...known.indexes, index] });
        else prices.set(price.sku.toLowerCase(), { sku: price.sku, indexes: [index], fields });
      } catch (error) {
        outcomes[index] = { ok: false, error };
      }
    }
    const all = [...books.values()].flatMap((prices) => [...prices.values()]);
    if (all.length === 0) return outcomes.map((outcome) => outcome ?? noResult());

    const customBooks = [...books.keys()].filter((book) => book !== STANDARD_BOOK && books.get(book)!.size > 0);
    const found = await this.read([...new Set(all.map((price) => price.sku))], customBooks, report);
    const creates: Write[] = [];
    const updates: Write[] = [];
    const fail = (price: SkuPrice, error: Error) => {
      for (const index of price.indexes) outcomes[index] = { ok: false, error };
    };
    const entryOf = (bookId: string, productId: string) => found.entries.get(entryKey(bookId, productId));
    /** Products that get a standard price in this batch (the others have one if `entryOf` finds it). */
    const standardCreated = new Set<string>();
    for (const [book, prices] of books) {
      const bookId = book === STANDARD_BOOK ? found.standardId : this.customIds.get(book);
      for (const price of prices.values()) {
        const productId = found.productBySku.get(price.sku.toLowerCase());
        if (!bookId) {
          fail(price, new PermanentError(
            `price ${batch[price.indexes[0]!]!.key}: Salesforce has no price book named "${book}" (the priceBooks setting of the Salesforce connector names it for this price list); create it in Salesforce or correct the setting, then replay this price`,
            { code: 'PRICEBOOK_NOT_FOUND', field: 'priceList', system: SALESFORCE_SYSTEM, details: { object: 'Pricebook2', name: book } },
          ));
          continue;
        }
        if (!productId) {
          fail(price, new PermanentError(
            `price ${batch[price.indexes[0]!]!.key}: Salesforce has no Product2 with ${EXTERNAL_ID_FIELD} = ${price.sku}; load the products first (crossdock backfill product --to <crm role>), then replay this price`,
            { code: 'PRODUCT_NOT_FOUND', field: 'sku', system: SALESFORCE_SYSTEM, details: { object: 'Product2', sku: price.sku } },
          ));
          continue;
        }
        const entry = entryOf(bookId, productId);
        if (entry && unchanged(entry, price.fields)) {
          for (const index of price.indexes) outcomes[index] = { ok: true, externalId: String(entry.Id) };
        } else if (entry) {
          updates.push({ price, record: { attributes: { type: PRICEBOOK_ENTRY }, Id: entry.Id, ...price.fields } });
        } else if (book !== STANDARD_BOOK && !entryOf(found.standardId, productId) && !standardCreated.has(productId)) {
          fail(price, new TransientError(
            `price ${batch[price.indexes[0]!]!.key}: ${price.sku} has no price in the standard price book yet, and Salesforce takes a "${book}" price only for a product with one (STANDARD_PRICE_NOT_DEFINED); load the standard price list first`,
            { code: 'STANDARD_PRICE_NOT_DEFINED', field: 'sku', system: SALESFORCE_SYSTEM, details: { object: PRICEBOOK_ENTRY, sku: price.sku, priceBook: book } },
          ));
        } else {
          creates.push({ price, record: { attributes: { type: PRICEBOOK_ENTRY }, Pricebook2Id: bookId, Product2Id: productId, ...price.fields } });
          if (book === STANDARD_BOOK) standardCreated.add(productId);
        }
      }
    }
    const results = await this.write(creates, updates, report);
    for (const [position, write] of [...creates, ...updates].entries()) {
      const outcome = outcomeOf(results[position], { created: position < creates.length, sku: write.price.sku });
      for (const index of write.price.indexes) outcomes[index] = outcome;
    }
    return outcomes.map((outcome) => outcome ?? noResult());
  }

  /**
   * The Product2 of each SKU, and their entries in the standard price book and in each named
   * one, in one call per 5 queries; the price books' Ids too while they are not known.
   */
  private async read(
    skus: string[],
    customBooks: string[],
    report: (signal: QuotaSignal) => void,
  ): Promise<{ standardId: string; productBySku: Map<string, string>; entries: Map<string, Record<string, unknown>> }> {
    const { client } = this.deps;
    const queries: { referenceId: string; soql: string }[] = [];
    if (!this.standardId) queries.push({ referenceId: 'pricebook', soql: 'SELECT Id FROM Pricebook2 WHERE IsStandard = true' });
    const unknownBooks = customBooks.filter((book) => !this.customIds.has(book));
    if (unknownBooks.length > 0) queries.push({ referenceId: 'books', soql: `SELECT Id, Name FROM Pricebook2 WHERE Name IN (${unknownBooks.map(quote).join(', ')})` });
    const entryFields = `Id, Product2Id, Pricebook2Id, ${ENTRY_FIELDS.join(', ')}`;
    skuLists(skus).forEach((list, n) => {
      const values = list.map(quote).join(', ');
      queries.push(
        { referenceId: `products${n}`, soql: `SELECT Id, ${EXTERNAL_ID_FIELD} FROM Product2 WHERE ${EXTERNAL_ID_FIELD} IN (${values})` },
        { referenceId: `entries${n}`, soql: `SELECT ${entryFields} FROM ${PRICEBOOK_ENTRY} WHERE Pricebook2.IsStandard = true AND Product2.${EXTERNAL_ID_FIELD} IN (${values})` },
        ...customBooks.map((book, b) => ({
          referenceId: `entries${n}_book${b}`,
          soql: `SELECT ${entryFields} FROM ${PRICEBOOK_ENTRY} WHERE Pricebook2.Name = ${quote(book)} AND Product2.${EXTERNAL_ID_FIELD} IN (${values})`,
        })),
      );
    });
    const productBySku = new Map<string, string>();
    /** Entries by `entryKey(price book, product)`: a product has one entry per price book. */
    const entries = new Map<string, Record<string, unknown>>();
    for (let from = 0; from < queries.length; from += COMPOSITE_MAX_COLLECTIONS_OR_QUERIES) {
      const part = queries.slice(from, from + COMPOSITE_MAX_COLLECTIONS_OR_QUERIES);
      const answer = await client.request<CompositeAnswer>(
        {
          method: 'POST',
          path: '/composite',
          body: { allOrNone: false, compositeRequest: part.map((query) => ({ method: 'GET', url: `${client.basePath}/query?q=${encodeURIComponent(query.soql)}`, referenceId: query.referenceId })) },
          what: `read the products and price book entries of ${skus.length} SKUs`,
        },
        report,
      );
      // Each query matches at most one record per SKU of its list: one page holds them all.
      for (const response of answer.compositeResponse) {
        if (response.httpStatusCode >= 300) throw queryFailure(response);
        const records = (response.body as QueryAnswer).records;
        if (response.referenceId === 'pricebook') this.standardId = records[0] ? String(records[0].Id) : undefined;
        else if (response.referenceId === 'books') for (const book of records) this.customIds.set(String(book.Name), String(book.Id));
        else if (response.referenceId.startsWith('products')) for (const product of records) productBySku.set(String(product[EXTERNAL_ID_FIELD]).toLowerCase(), String(product.Id));
        else for (const entry of records) entries.set(entryKey(String(entry.Pricebook2Id), String(entry.Product2Id)), entry);
      }
    }
    if (!this.standardId) throw new PermanentError('the org has no standard price book: prices cannot be written', { code: 'NO_STANDARD_PRICEBOOK', system: SALESFORCE_SYSTEM });
    return { standardId: this.standardId, productBySku, entries };
  }

  /** Creates and updates, one call: a Collections request, or a Composite of both. Results in creates-then-updates order. */
  private async write(creates: Write[], updates: Write[], report: (signal: QuotaSignal) => void): Promise<(SaveResult | SalesforceRecordError)[]> {
    const { client } = this.deps;
    const requests: { method: 'POST' | 'PATCH'; writes: Write[]; referenceId: string }[] = [
      ...(creates.length > 0 ? [{ method: 'POST' as const, writes: creates, referenceId: 'create' }] : []),
      ...(updates.length > 0 ? [{ method: 'PATCH' as const, writes: updates, referenceId: 'update' }] : []),
    ];
    const bodyOf = (writes: Write[]) => ({ allOrNone: false, records: writes.map((write) => write.record) });
    const what = `create ${creates.length} and update ${updates.length} price book entries`;
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

const entryKey = (pricebookId: string, productId: string) => `${pricebookId}|${productId}`;

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
      error: new TransientError(`Salesforce refused ${PRICEBOOK_ENTRY} ${write.sku}: another client created the price book entry since it was read; the retry updates it`, {
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
