import { describe, expect, it } from 'vitest';
import { actualQueryCost, requestedQueryCost } from './cost.ts';
import { prepareOperation } from './execute.ts';
import { parseDocument } from './parser.ts';

const prepare = (source: string, variables: Record<string, unknown> = {}) => prepareOperation(parseDocument(source), undefined, variables);

describe('requestedQueryCost', () => {
  it('charges scalars nothing and objects one point', () => {
    expect(requestedQueryCost(prepare('{ shop { name email } }'))).toBe(1);
    expect(requestedQueryCost(prepare('{ shop { name billingAddress { city } } }'))).toBe(2);
  });

  it('charges a connection 2 plus its page size times the node cost (Shopify: first:50 title = 52)', () => {
    expect(requestedQueryCost(prepare('{ products(first: 50) { edges { node { title } } } }'))).toBe(52);
    expect(requestedQueryCost(prepare('query($n: Int!) { orders(first: $n) { nodes { id } pageInfo { hasNextPage } } }', { n: 10 }))).toBe(12);
  });

  it('multiplies nested connections', () => {
    const source = '{ orders(first: 10) { edges { node { id lineItems(first: 5) { nodes { sku } } } } } }';
    // 2 + 10 × (1 + (2 + 5 × 1))
    expect(requestedQueryCost(prepare(source))).toBe(82);
  });

  it('charges each mutation 10', () => {
    expect(requestedQueryCost(prepare('mutation { a: customerCreate(input: {}) { userErrors { field } } b: customerCreate(input: {}) { customer { id } } }'))).toBe(20);
  });
});

describe('actualQueryCost', () => {
  it('charges the nodes actually returned', () => {
    const prepared = prepare('{ orders(first: 50) { edges { node { id } } } }');
    const data = { orders: { edges: [{ node: { id: '1' } }, { node: { id: '2' } }] } };
    expect(actualQueryCost(prepared, data)).toBe(4);
  });

  it('does not charge null objects', () => {
    expect(actualQueryCost(prepare('{ order(id: "x") { id } shop { name } }'), { order: null, shop: { name: 'S' } })).toBe(1);
  });
});
