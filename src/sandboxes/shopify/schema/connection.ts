import type { GraphQLObject } from '../graphql/execute.ts';
import { GraphQLFieldError } from '../graphql/errors.ts';

/** The most a connection returns per page (https://shopify.dev/docs/api/usage/pagination-graphql). */
export const MAX_PAGE_SIZE = 250;

export interface ConnectionArgs {
  first?: unknown;
  after?: unknown;
  last?: unknown;
  before?: unknown;
  reverse?: unknown;
}

/**
 * A Relay connection over already filtered and sorted items, paged by `first`/`after` or
 * `last`/`before`, with opaque cursors that name the item's id (Shopify's cursors are
 * base64 JSON with `last_id` too). Shopify requires `first` or `last` on every connection.
 */
export function connection<T extends { id: number }>(
  typename: string,
  items: readonly T[],
  args: ConnectionArgs,
  toNode: (item: T) => GraphQLObject,
): GraphQLObject {
  const first = typeof args.first === 'number' ? args.first : undefined;
  const last = typeof args.last === 'number' ? args.last : undefined;
  if (first === undefined && last === undefined) throw new GraphQLFieldError('you must provide one of first or last', { code: 'BAD_REQUEST' });
  if ((first ?? 0) > MAX_PAGE_SIZE || (last ?? 0) > MAX_PAGE_SIZE) {
    throw new GraphQLFieldError(`The ${first !== undefined ? 'first' : 'last'} argument cannot exceed ${MAX_PAGE_SIZE}.`, { code: 'BAD_REQUEST' });
  }
  const ordered = args.reverse === true ? [...items].reverse() : [...items];
  let start = 0;
  let end = ordered.length;
  const afterId = decodeCursor(args.after);
  if (afterId !== null) start = ordered.findIndex((item) => item.id === afterId) + 1;
  const beforeId = decodeCursor(args.before);
  if (beforeId !== null) {
    const index = ordered.findIndex((item) => item.id === beforeId);
    if (index >= 0) end = index;
  }
  let window = ordered.slice(start, end);
  let hasNextPage = end < ordered.length;
  let hasPreviousPage = start > 0;
  if (first !== undefined) {
    hasNextPage = hasNextPage || window.length > first;
    window = window.slice(0, Math.max(0, first));
  }
  if (last !== undefined) {
    hasPreviousPage = hasPreviousPage || window.length > last;
    window = window.slice(Math.max(0, window.length - last));
  }
  const edges = window.map((item) => ({ __typename: `${typename}Edge`, cursor: encodeCursor(item.id), node: toNode(item) }));
  return {
    __typename: `${typename}Connection`,
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: {
      __typename: 'PageInfo',
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

export function encodeCursor(id: number): string {
  return Buffer.from(JSON.stringify({ last_id: id })).toString('base64url');
}

function decodeCursor(cursor: unknown): number | null {
  if (typeof cursor !== 'string' || cursor.length === 0) return null;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { last_id?: unknown };
    if (typeof parsed.last_id === 'number') return parsed.last_id;
  } catch {
    // fall through to the error below
  }
  throw new GraphQLFieldError(`Invalid cursor for current pagination sort.`, { code: 'BAD_REQUEST' });
}
