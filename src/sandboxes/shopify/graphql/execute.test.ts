import { describe, expect, it } from 'vitest';
import { GraphQLFieldError, GraphQLRequestError } from './errors.ts';
import { executeOperation, prepareOperation } from './execute.ts';
import type { GraphQLObject } from './execute.ts';
import { parseDocument } from './parser.ts';

const order = (id: number): GraphQLObject => ({
  __typename: 'Order',
  __implements: ['Node'],
  id: `gid://shopify/Order/${id}`,
  name: `#${1000 + id}`,
  lineItems: (args: Record<string, unknown>) =>
    Array.from({ length: Number(args.count ?? 1) }, (_, i) => ({ __typename: 'LineItem', sku: `SKU-${i}` })),
});

const root: GraphQLObject = {
  __typename: 'QueryRoot',
  order: (args: Record<string, unknown>) => (args.id === 'gid://shopify/Order/1' ? order(1) : null),
  orders: () => [order(1), order(2)],
  broken: () => {
    throw new GraphQLFieldError('Order not found', { code: 'NOT_FOUND' });
  },
  echo: (_args: Record<string, unknown>, _context: unknown, info: { directives: Record<string, Record<string, unknown>> }) =>
    JSON.stringify(info.directives),
};

function run(source: string, variables?: Record<string, unknown>, operationName?: string) {
  const prepared = prepareOperation(parseDocument(source), operationName, variables);
  return executeOperation(prepared, root, {});
}

describe('executeOperation', () => {
  it('resolves arguments from variables, aliases and nested lists', () => {
    const result = run('query($id: ID!) { first: order(id: $id) { id lineItems(count: 2) { sku } } none: order(id: "x") { id } }', {
      id: 'gid://shopify/Order/1',
    });
    expect(result.errors).toEqual([]);
    expect(result.data).toEqual({
      first: { id: 'gid://shopify/Order/1', lineItems: [{ sku: 'SKU-0' }, { sku: 'SKU-1' }] },
      none: null,
    });
  });

  it('expands fragments by type condition and merges fields with the same key', () => {
    const result = run(`{ orders { ...F ... on Node { id } ... on Customer { email } __typename } }
      fragment F on Order { name id }`);
    expect(result.data).toEqual({
      orders: [
        { name: '#1001', id: 'gid://shopify/Order/1', __typename: 'Order' },
        { name: '#1002', id: 'gid://shopify/Order/2', __typename: 'Order' },
      ],
    });
  });

  it('honours @skip and @include and hands other directives to the resolver', () => {
    const result = run('query($no: Boolean!) { orders @include(if: $no) { id } echo @idempotent(key: "k-1") }', { no: false });
    expect(result.data).toEqual({ echo: '{"idempotent":{"key":"k-1"}}' });
  });

  it('nulls a failing field and reports it with its path, keeping the rest', () => {
    const result = run('{ broken order(id: "gid://shopify/Order/1") { name } }');
    expect(result.data).toEqual({ broken: null, order: { name: '#1001' } });
    expect(result.errors).toEqual([
      { message: 'Order not found', locations: [{ line: 1, column: 3 }], path: ['broken'], extensions: { code: 'NOT_FOUND' } },
    ]);
  });

  it('reports a field that does not exist on the type', () => {
    const result = run('{ order(id: "gid://shopify/Order/1") { total } }');
    expect(result.errors[0]?.message).toBe("Field 'total' doesn't exist on type 'Order'");
    expect(result.errors[0]?.path).toEqual(['order', 'total']);
  });

  it('rejects missing required variables and ambiguous operations before running', () => {
    expect(() => run('query($id: ID!) { order(id: $id) { id } }', {})).toThrow(GraphQLRequestError);
    expect(() => run('query($id: ID!) { order(id: $id) { id } }', {})).toThrow('Variable $id of type ID! was provided invalid value');
    expect(() => run('query A { orders { id } } query B { orders { name } }')).toThrow('An operation name is required');
    expect(run('query A { orders { id } } query B { orders { name } }', {}, 'B').data).toEqual({
      orders: [{ name: '#1001' }, { name: '#1002' }],
    });
  });

  it('applies variable defaults', () => {
    const result = run('query($id: ID = "gid://shopify/Order/1") { order(id: $id) { name } }');
    expect(result.data).toEqual({ order: { name: '#1001' } });
  });
});

describe('executeOperation root checks', () => {
  it('refuses an unknown root field before running any other', () => {
    let ran = 0;
    const mutationRoot: GraphQLObject = { __typename: 'Mutation', customerCreate: () => ++ran };
    const prepared = prepareOperation(parseDocument('mutation { customerCreate customerCraete }'), undefined, {});
    expect(() => executeOperation(prepared, mutationRoot, {})).toThrow("Field 'customerCraete' doesn't exist on type 'Mutation'");
    expect(ran).toBe(0);
  });
});
