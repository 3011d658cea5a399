import { describe, expect, it } from 'vitest';
import { GraphQLFieldError } from '../graphql/errors.ts';
import { connection } from './connection.ts';

const items = [1, 2, 3, 4, 5].map((id) => ({ id }));
const node = (item: { id: number }) => ({ __typename: 'Thing', id: item.id });
type Page = { nodes: { id: number }[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string; startCursor: string } };

describe('connection', () => {
  it('pages forward with first/after and backward with last/before', () => {
    const first = connection('Thing', items, { first: 2 }, node) as unknown as Page;
    expect(first.nodes.map((n) => n.id)).toEqual([1, 2]);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = connection('Thing', items, { first: 2, after: first.pageInfo.endCursor }, node) as unknown as Page;
    expect(second.nodes.map((n) => n.id)).toEqual([3, 4]);
    expect(second.pageInfo.hasPreviousPage).toBe(true);
    const last = connection('Thing', items, { last: 2, before: second.pageInfo.endCursor }, node) as unknown as Page;
    expect(last.nodes.map((n) => n.id)).toEqual([2, 3]);
    const reversed = connection('Thing', items, { first: 1, reverse: true }, node) as unknown as Page;
    expect(reversed.nodes.map((n) => n.id)).toEqual([5]);
  });

  it('requires first or last, caps them at 250 and rejects foreign cursors', () => {
    expect(() => connection('Thing', items, {}, node)).toThrow('you must provide one of first or last');
    expect(() => connection('Thing', items, { first: 251 }, node)).toThrow(GraphQLFieldError);
    expect(() => connection('Thing', items, { first: 1, after: 'not-a-cursor' }, node)).toThrow('Invalid cursor');
  });
});
