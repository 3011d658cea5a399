import { invalidParam } from './errors.ts';

/** Stripe's list object (https://docs.stripe.com/api/pagination). */
export interface StripeList<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

/**
 * One page of `items` (already newest first) by Stripe's cursor rules: `limit` 1–100
 * (default 10), `starting_after` / `ending_before` naming an object id of the list.
 */
export function listPage<T extends { id: string }>(items: T[], query: Record<string, unknown>, url: string): StripeList<T> {
  const limit = query.limit === undefined ? 10 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw invalidParam('limit', 'Invalid integer: limit must be between 1 and 100.', 'parameter_invalid_integer');
  }
  const startingAfter = typeof query.starting_after === 'string' ? query.starting_after : undefined;
  const endingBefore = typeof query.ending_before === 'string' ? query.ending_before : undefined;
  const indexOf = (id: string, param: string) => {
    const index = items.findIndex((item) => item.id === id);
    if (index < 0) throw invalidParam(param, `No such object: '${id}'`, 'resource_missing');
    return index;
  };
  if (endingBefore) {
    const end = indexOf(endingBefore, 'ending_before');
    const start = Math.max(0, end - limit);
    return { object: 'list', data: items.slice(start, end), has_more: start > 0, url };
  }
  const start = startingAfter ? indexOf(startingAfter, 'starting_after') + 1 : 0;
  return { object: 'list', data: items.slice(start, start + limit), has_more: start + limit < items.length, url };
}
