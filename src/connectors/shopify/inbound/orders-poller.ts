import type { CloudEvent } from '../../../canonical/cloudevent.ts';
import { createRetailEvent } from '../../../canonical/events/create-event.ts';
import type { RetailEventData } from '../../../canonical/events/catalogue.ts';
import type { DeltaPoller, PollResult } from '../../connector.ts';
import type { Mapping } from '../../mapping/mapping.ts';
import type { ShopifyGraphQLClient } from '../client.ts';
import { LINE_ITEM_FIELDS, ORDER_FIELDS, restOrderFromGraphQL } from './order-record.ts';
import type { GraphQLLineItem, GraphQLOrder } from './order-record.ts';

export interface OrdersPollerOptions {
  client: ShopifyGraphQLClient;
  /** The order mapping (the same one the webhooks use). */
  mapping: Mapping;
  source: string;
  everyMs?: number;
  /** Orders per page. Requested cost ≈ pageSize × (12 + 2 + linesPerPage × 8): keep under 1,000. */
  pageSize?: number;
  linesPerPage?: number;
  /** Where to start without a stored watermark (RFC 3339); default: now. */
  since?: string;
  /** Replaces ORDER_FIELDS / LINE_ITEM_FIELDS, for a store API that lacks some of them. */
  orderFields?: string;
  lineItemFields?: string;
  clock?: () => number;
}

/**
 * The position after the last order handed over: its `updatedAt` and the ids already emitted
 * at exactly that instant (Shopify's search compares to the second, so `>=` plus this list
 * neither skips an order sharing the instant nor emits one twice), and the page cursor while a
 * run is paging through one query.
 */
interface Watermark {
  since: string;
  seen: string[];
  after?: string;
  /** While paging: where the next query will start once this one is read to the end. */
  tail?: { since: string; seen: string[] };
}

const sameInstant = (a: string, b: string) => Date.parse(a) === Date.parse(b);

/** The newest instant read so far and the ids read at exactly that instant. */
function nextTail(tail: { since: string; seen: string[] }, orders: readonly { id: string; updatedAt: string }[]): { since: string; seen: string[] } {
  const last = orders.at(-1);
  if (!last) return tail;
  const atLast = orders.filter((order) => sameInstant(order.updatedAt, last.updatedAt)).map((order) => order.id);
  return sameInstant(tail.since, last.updatedAt) ? { since: tail.since, seen: [...new Set([...tail.seen, ...atLast])] } : { since: last.updatedAt, seen: atLast };
}

interface OrdersPage {
  orders: {
    nodes: (GraphQLOrder & { lineItems: { nodes: GraphQLLineItem[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } })[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

/**
 * Delta polling of orders (`orders(query: "updated_at:>=…", sortKey: UPDATED_AT)` with cursor
 * paging): the fallback that makes order capture independent of webhook delivery. It emits
 * `retail.order.placed.v1` for every order (and `retail.order.cancelled.v1` once cancelled) with
 * ids derived from the order, so an order seen again after an update is a duplicate the log
 * drops. Later edits are the ERP's business (it owns the order once booked).
 */
export function shopifyOrdersPoller(options: OrdersPollerOptions): DeltaPoller {
  const clock = options.clock ?? Date.now;
  const pageSize = options.pageSize ?? 5;
  const linesPerPage = options.linesPerPage ?? 10;
  const orderFields = options.orderFields ?? ORDER_FIELDS;
  const lineItemFields = options.lineItemFields ?? LINE_ITEM_FIELDS;
  const pageQuery = `query OrdersChangedSince($query: String!, $first: Int!, $after: String) {
    orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      nodes { ${orderFields} lineItems(first: ${linesPerPage}) { nodes { ${lineItemFields} } pageInfo { hasNextPage endCursor } } }
      pageInfo { hasNextPage endCursor }
    }
  }`;
  const moreLinesQuery = `query MoreOrderLines($id: ID!, $after: String) {
    order(id: $id) { lineItems(first: 100, after: $after) { nodes { ${lineItemFields} } pageInfo { hasNextPage endCursor } } }
  }`;

  async function allLines(order: OrdersPage['orders']['nodes'][number], signal: AbortSignal): Promise<GraphQLLineItem[]> {
    const lines = [...order.lineItems.nodes];
    let page = order.lineItems.pageInfo;
    while (page.hasNextPage) {
      const data = await options.client.request<{ order: { lineItems: { nodes: GraphQLLineItem[]; pageInfo: typeof page } } }>(moreLinesQuery, {
        variables: { id: order.id, after: page.endCursor },
        signal,
      });
      lines.push(...data.order.lineItems.nodes);
      page = data.order.lineItems.pageInfo;
    }
    return lines;
  }

  async function eventsFor(order: OrdersPage['orders']['nodes'][number], signal: AbortSignal): Promise<CloudEvent[]> {
    const record = restOrderFromGraphQL(order, await allLines(order, signal));
    const id = order.legacyResourceId;
    const event = (type: 'retail.order.placed.v1' | 'retail.order.cancelled.v1', status: string) =>
      options.mapping.apply(record, { status }).then((data) =>
        createRetailEvent({ type, data: data as RetailEventData<typeof type>, source: options.source, id: `shopify:order:${id}:${status}`, correlationId: `shopify-order-${id}` }),
      );
    const events = [await event('retail.order.placed.v1', 'placed')];
    if (order.cancelledAt) events.push(await event('retail.order.cancelled.v1', 'cancelled'));
    return events;
  }

  return {
    name: 'shopify.orders',
    everyMs: options.everyMs ?? 60_000,
    initialWatermark: () => JSON.stringify({ since: options.since ?? new Date(clock()).toISOString(), seen: [] } satisfies Watermark),
    async poll({ watermark, signal }): Promise<PollResult> {
      const current = JSON.parse(watermark) as Watermark;
      const data = await options.client.request<OrdersPage>(pageQuery, {
        variables: { query: `updated_at:>='${current.since}'`, first: pageSize, after: current.after ?? null },
        signal,
      });
      const fresh = data.orders.nodes.filter((order) => !(sameInstant(order.updatedAt, current.since) && current.seen.includes(order.id)));
      const events: CloudEvent[] = [];
      for (const order of fresh) events.push(...(await eventsFor(order, signal)));
      const tail = nextTail(current.tail ?? { since: current.since, seen: current.seen }, data.orders.nodes);
      const next: Watermark = data.orders.pageInfo.hasNextPage
        ? { since: current.since, seen: current.seen, after: data.orders.pageInfo.endCursor ?? '', tail }
        : { since: tail.since, seen: tail.seen };
      return { events, watermark: JSON.stringify(next), more: data.orders.pageInfo.hasNextPage };
    },
  };
}
