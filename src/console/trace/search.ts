import type { Customer } from '../../canonical/customer.ts';
import { aliasKey } from '../../flows/customers/golden.ts';
import { customerOrdersKey } from '../../flows/order-capture/read-models.ts';
import { customerMatchKeys, RecordEntity } from '../../flows/reference/records.ts';
import type { ReturnRecord } from '../../flows/returns/record.ts';
import type { RecordStore } from '../../ports/storage.ts';

/** What a trace search term was recognised as. */
export const TraceMatch = {
  businessKey: 'business key',
  /** A bare sku: every `sku@location` key of it. */
  skuAtLocations: 'sku at every location',
  customerEmail: 'customer e-mail',
  returnNumber: 'return number',
  correlationId: 'correlation id',
} as const;
export type TraceMatch = (typeof TraceMatch)[keyof typeof TraceMatch];

/** One thing to gather the records of: an exact business key, or a key prefix. */
export type TraceLookup = { key: string; as: TraceMatch } | { keyPrefix: string; as: TraceMatch };

/** The match key prefix of a customer's other hub ids (`alias:<hub id>`). */
const ALIAS = aliasKey('');
/** Customers one e-mail address finds (a duplicate not merged yet is a second one). */
const MAX_CUSTOMERS = 5;
/** A customer's orders pulled into its trace, newest order numbers first. */
const MAX_CUSTOMER_ORDERS = 20;

/**
 * What a search term stands for, as lookups the trace gathers by. Each one is an index seek:
 * - the term as a business key (any event subject, flow, delivery or exception key);
 * - a term without `@` also as a bare sku: every `sku@location` key (a key-prefix range,
 *   `SKU-1@` ≤ key < `SKU-1A`; order lines are not searched, they are not indexed by sku);
 * - a term with `@` also as a customer's e-mail, through the golden customer read model's match
 *   keys (the customer sync flow stores `email:<address>`): the customer's hub id, its aliases
 *   (the ids its profiles arrive under) and its latest orders (the order read model's
 *   `customer:<hub id>` match key);
 * - a return number (also typed in lower case), through the returns read model: the RMA, its
 *   service case (`case:<number>` in the CRM queue) and its refunds.
 */
export async function traceLookups(records: RecordStore, query: string): Promise<TraceLookup[]> {
  const lookups: TraceLookup[] = [{ key: query, as: TraceMatch.businessKey }];
  if (!query.includes('@') && !/\s/.test(query)) lookups.push({ keyPrefix: `${query}@`, as: TraceMatch.skuAtLocations });
  if (query.includes('@')) lookups.push(...(await customerLookups(records, query)));
  lookups.push(...(await returnLookups(records, query)));
  return dedupe(lookups);
}

async function customerLookups(records: RecordStore, email: string): Promise<TraceLookup[]> {
  const customers = (await records.match<Customer>(RecordEntity.customer, customerMatchKeys({ email }))).slice(0, MAX_CUSTOMERS);
  const lookups: TraceLookup[] = [];
  for (const customer of customers) {
    const ids = [customer.key, ...customer.matchKeys.filter((key) => key.startsWith(ALIAS)).map((key) => key.slice(ALIAS.length))];
    for (const id of ids) lookups.push({ key: id, as: TraceMatch.customerEmail });
    const orders = await records.match(RecordEntity.order, ids.map(customerOrdersKey));
    for (const order of orders.slice(-MAX_CUSTOMER_ORDERS).reverse()) lookups.push({ key: order.key, as: TraceMatch.customerEmail });
  }
  return lookups;
}

async function returnLookups(records: RecordStore, query: string): Promise<TraceLookup[]> {
  const found = (await records.get<ReturnRecord>(RecordEntity.return, query)) ?? (query !== query.toUpperCase() ? await records.get<ReturnRecord>(RecordEntity.return, query.toUpperCase()) : undefined);
  if (!found) return [];
  const request = found.data.return;
  const keys = [found.key, ...(request.caseNumber ? [request.caseNumber, `case:${request.caseNumber}`] : []), ...request.refundIds];
  return keys.map((key) => ({ key, as: TraceMatch.returnNumber }));
}

/** One lookup per key or prefix; a key found both as itself and as something more specific is labelled the specific way. */
function dedupe(lookups: TraceLookup[]): TraceLookup[] {
  const byId = new Map<string, TraceLookup>();
  for (const lookup of lookups) {
    const id = 'key' in lookup ? `=${lookup.key}` : `^${lookup.keyPrefix}`;
    const seen = byId.get(id);
    if (!seen) byId.set(id, lookup);
    else if (seen.as === TraceMatch.businessKey) seen.as = lookup.as;
  }
  return [...byId.values()];
}
