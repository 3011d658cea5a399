import { describe, expect, it } from 'vitest';
import { printType } from './ast.ts';
import type { FieldNode, InlineFragmentNode } from './ast.ts';
import { GraphQLSyntaxError, parseDocument } from './parser.ts';

function firstField(source: string): FieldNode {
  const selection = parseDocument(source).operations[0]?.selectionSet[0];
  if (selection?.kind !== 'field') throw new Error('expected a field');
  return selection;
}

describe('parseDocument', () => {
  it('parses a named query with typed variables and defaults', () => {
    const document = parseDocument(`
      query Orders($first: Int! = 10, $after: String, $ids: [ID!]!) {
        orders(first: $first, after: $after) { nodes { id } }
      }`);
    const operation = document.operations[0];
    expect(operation?.operation).toBe('query');
    expect(operation?.name).toBe('Orders');
    expect(operation?.variables.map((v) => [v.name, printType(v.type)])).toEqual([
      ['first', 'Int!'],
      ['after', 'String'],
      ['ids', '[ID!]!'],
    ]);
    expect(operation?.variables[0]?.defaultValue).toEqual({ kind: 'int', value: 10 });
  });

  it('parses the shorthand query, aliases and nested selections', () => {
    const field = firstField('{ recent: orders(first: 5, reverse: true) { edges { cursor node { id name } } } }');
    expect(field.alias).toBe('recent');
    expect(field.name).toBe('orders');
    expect(field.arguments).toEqual([
      { name: 'first', value: { kind: 'int', value: 5 } },
      { name: 'reverse', value: { kind: 'boolean', value: true } },
    ]);
    const edges = field.selectionSet?.[0] as FieldNode;
    expect(edges.selectionSet?.map((s) => (s as FieldNode).name)).toEqual(['cursor', 'node']);
  });

  it('parses every value kind, including objects, lists, enums, null and escapes', () => {
    const field = firstField(
      'mutation { m(input: { name: "available", reason: "correction\\n\\u0041", q: [{ quantity: -3, ratio: 1.5e2, c: null }], topic: ORDERS_CREATE, v: $x }) { id } }',
    );
    const input = field.arguments[0]?.value;
    expect(input).toEqual({
      kind: 'object',
      fields: [
        { name: 'name', value: { kind: 'string', value: 'available' } },
        { name: 'reason', value: { kind: 'string', value: 'correction\nA' } },
        {
          name: 'q',
          value: {
            kind: 'list',
            values: [
              {
                kind: 'object',
                fields: [
                  { name: 'quantity', value: { kind: 'int', value: -3 } },
                  { name: 'ratio', value: { kind: 'float', value: 150 } },
                  { name: 'c', value: { kind: 'null' } },
                ],
              },
            ],
          },
        },
        { name: 'topic', value: { kind: 'enum', value: 'ORDERS_CREATE' } },
        { name: 'v', value: { kind: 'variable', name: 'x' } },
      ],
    });
  });

  it('parses field directives such as @idempotent(key:) with their location', () => {
    const field = firstField(`mutation Adjust($key: String!) {
  inventoryAdjustQuantities(input: {}) @idempotent(key: $key) { userErrors { code } }
}`);
    expect(field.directives).toEqual([
      { name: 'idempotent', arguments: [{ name: 'key', value: { kind: 'variable', name: 'key' } }], location: { line: 2, column: 40 } },
    ]);
    expect(field.location).toEqual({ line: 2, column: 3 });
  });

  it('parses fragment definitions, spreads and inline fragments', () => {
    const document = parseDocument(`
      query { order(id: "gid://shopify/Order/1") { ...OrderFields ... on Order { email } ... @include(if: true) { id } } }
      fragment OrderFields on Order { name }`);
    expect(document.fragments.get('OrderFields')?.typeCondition).toBe('Order');
    const order = document.operations[0]?.selectionSet[0] as FieldNode;
    expect(order.selectionSet?.map((s) => s.kind)).toEqual(['fragmentSpread', 'inlineFragment', 'inlineFragment']);
    expect((order.selectionSet?.[1] as InlineFragmentNode).typeCondition).toBe('Order');
    expect((order.selectionSet?.[2] as InlineFragmentNode).directives[0]?.name).toBe('include');
  });

  it('ignores comments and commas and reads block strings', () => {
    const field = firstField('{ # a comment\n shop { name, id } note(text: """\n    hello\n      world\n  """) }');
    expect(field.selectionSet?.length).toBe(2);
    const note = parseDocument('{ note(text: """\n    hello\n      world\n  """) }').operations[0]?.selectionSet[0] as FieldNode;
    expect(note.arguments[0]?.value).toEqual({ kind: 'string', value: 'hello\n  world' });
  });

  it('rejects malformed documents with the position of the offending token', () => {
    expect(() => parseDocument('{ orders(first: ) { id } }')).toThrow(GraphQLSyntaxError);
    expect(() => parseDocument('{ orders(first: ) { id } }')).toThrow('Parse error on ")" at [1, 17]');
    expect(() => parseDocument('{ shop { name }')).toThrow('Parse error on end of file');
    expect(() => parseDocument('')).toThrow(GraphQLSyntaxError);
    expect(() => parseDocument('{ shop {} }')).toThrow(GraphQLSyntaxError);
    expect(() => parseDocument('{ a(s: "unterminated) }')).toThrow('unterminated string');
    expect(() => parseDocument('query ($x: Int = $y) { a }')).toThrow(GraphQLSyntaxError);
  });
});
