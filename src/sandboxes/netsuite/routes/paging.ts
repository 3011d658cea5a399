import { invalidParameter } from '../errors.ts';
import { MAX_PAGE_SIZE } from './context.ts';

/**
 * Collection paging: `limit` 1..1000 (default 1000), `offset` >= 0; the answer carries `count`,
 * `hasMore`, `offset`, `totalResults` and self/first/prev/next/last links.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html
 */
export function readPaging(query: Record<string, unknown>): { limit: number; offset: number } {
  const limit = query.limit === undefined ? MAX_PAGE_SIZE : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw invalidParameter(`Invalid 'limit' query parameter value ${String(query.limit)}. Provide an integer between 1 and ${MAX_PAGE_SIZE}.`, { queryParam: 'limit' });
  }
  const offset = query.offset === undefined ? 0 : Number(query.offset);
  if (!Number.isInteger(offset) || offset < 0) {
    throw invalidParameter(`Invalid 'offset' query parameter value ${String(query.offset)}. Provide a non-negative integer.`, { queryParam: 'offset' });
  }
  return { limit, offset };
}

export function pageOf<T>(args: { all: T[]; limit: number; offset: number; url: string }): {
  links: { rel: string; href: string }[];
  count: number;
  hasMore: boolean;
  items: T[];
  offset: number;
  totalResults: number;
} {
  const { all, limit, offset } = args;
  const items = all.slice(offset, offset + limit);
  const href = (at: number): string => {
    const url = new URL(args.url);
    url.searchParams.set('limit', String(limit));
    url.searchParams.set('offset', String(at));
    return url.toString();
  };
  const lastOffset = all.length === 0 ? 0 : Math.floor((all.length - 1) / limit) * limit;
  const links = [{ rel: 'self', href: href(offset) }, { rel: 'first', href: href(0) }];
  if (offset > 0) links.push({ rel: 'prev', href: href(Math.max(0, offset - limit)) });
  if (offset + limit < all.length) links.push({ rel: 'next', href: href(offset + limit) });
  links.push({ rel: 'last', href: href(lastOffset) });
  return { links, count: items.length, hasMore: offset + items.length < all.length, items, offset, totalResults: all.length };
}
