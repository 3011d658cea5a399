import type { RecordType } from './catalog.ts';
import { REFERENCE_FIELDS, SUBLISTS, TRANSACTION_TYPES } from './catalog.ts';
import { customerFinancials } from './balances.ts';
import type { Fields, NsRecord, RecordStore } from './store.ts';

export interface Link {
  rel: string;
  href: string;
}

export function recordUrl(baseUrl: string, type: RecordType, id: string): string {
  return `${baseUrl}/services/rest/record/v1/${type.toLowerCase()}/${id}`;
}

/**
 * The JSON of `GET /record/v1/{type}/{id}`: body fields, `links`, references as
 * `{ id, refName, links }`, and sublists as a link unless `expandSubResources=true` inlines them.
 */
export function renderRecord(args: { record: NsRecord; store: RecordStore; baseUrl: string; expandSubResources: boolean }): Fields {
  const { record, store, baseUrl } = args;
  const self = recordUrl(baseUrl, record.type, record.id);
  const body: Fields = { links: [{ rel: 'self', href: self }] };
  const sublists = new Set(SUBLISTS[record.type] ?? []);
  for (const [name, value] of Object.entries(record.fields)) {
    if (sublists.has(name)) {
      body[name] = args.expandSubResources
        ? renderSublist({ record, name, store, baseUrl })
        : { links: [{ rel: 'self', href: `${self}/${name}` }] };
      continue;
    }
    body[name] = renderValue(name, value, store, baseUrl);
  }
  if (record.type === 'customer') {
    // Read-only financials of the customer record; the hold decision itself is the reader's.
    const { balance, unbilledOrders } = customerFinancials(store, record.id);
    Object.assign(body, { balance, unbilledOrders });
  }
  body.id = record.id;
  if (record.externalId !== undefined) body.externalId = record.externalId;
  body.createdDate = record.createdDate;
  body.lastModifiedDate = record.lastModifiedDate;
  return body;
}

/** A sublist as a collection (`GET /record/v1/{type}/{id}/{sublist}` or expanded in the record). */
export function renderSublist(args: { record: NsRecord; name: string; store: RecordStore; baseUrl: string }): Fields {
  const lines = (args.record.fields[args.name] as { items?: Fields[] } | undefined)?.items ?? [];
  const sublistUrl = `${recordUrl(args.baseUrl, args.record.type, args.record.id)}/${args.name}`;
  return {
    links: [{ rel: 'self', href: sublistUrl }],
    count: lines.length,
    hasMore: false,
    items: lines.map((line, index) => ({
      links: [{ rel: 'self', href: `${sublistUrl}/${String(line.line ?? index + 1)}` }],
      ...renderFields(line, args.store, args.baseUrl),
    })),
    offset: 0,
    totalResults: lines.length,
  };
}

function renderFields(fields: Fields, store: RecordStore, baseUrl: string): Fields {
  return Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, renderValue(name, value, store, baseUrl)]));
}

function renderValue(name: string, value: unknown, store: RecordStore, baseUrl: string): unknown {
  const target = REFERENCE_FIELDS[name];
  if (!target || typeof value !== 'object' || value === null || !('id' in value)) return value;
  const id = String((value as { id: unknown }).id);
  const referenced = target === 'transaction' ? store.getInFamily('transaction', id) : store.get(target, id);
  if (!referenced) return { id };
  return { links: [{ rel: 'self', href: recordUrl(baseUrl, referenced.type, id) }], id, refName: refNameOf(referenced) };
}

/** The display name NetSuite puts in `refName`. */
export function refNameOf(record: NsRecord): string {
  const f = record.fields;
  if (record.type === 'customer') return String(f.entityId ?? f.companyName ?? record.id);
  if (record.type === 'location') return String(f.name ?? record.id);
  if (record.type === 'inventoryItem') return String(f.itemId ?? record.id);
  if (TRANSACTION_TYPES.includes(record.type)) return `${labelOf(record.type)} #${String(f.tranId ?? record.id)}`;
  return record.id;
}

function labelOf(type: RecordType): string {
  return type.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());
}
