import type { FieldNode, SelectionNode } from './ast.ts';
import { collectFields, mergedSelections } from './execute.ts';
import type { PreparedOperation } from './execute.ts';
import { argumentsFromAst } from './values.ts';

/**
 * Shopify's calculated query cost (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits
 * and https://shopify.dev/docs/api/usage/limits): scalars and enums cost 0, objects 1, a
 * connection 2 plus its page size (`first`/`last`) times the cost of one node, and every
 * mutation 10. The requested cost is computed from the query before it runs; the actual cost
 * from the data it returned (a page that came back with 3 of 50 nodes costs for 3).
 */
export const COST = {
  scalar: 0,
  object: 1,
  connectionOverhead: 2,
  mutation: 10,
} as const;

/** Wrapper fields of a connection that are not charged on their own. */
const CONNECTION_WRAPPERS = new Set(['edges', 'pageInfo', 'cursor']);

export function requestedQueryCost(prepared: PreparedOperation): number {
  if (prepared.operation.operation === 'mutation') {
    return collectFields(prepared.operation.selectionSet, prepared).size * COST.mutation;
  }
  return selectionCost(prepared.operation.selectionSet, prepared, undefined);
}

/** The cost of what was actually returned; `data` is the response's `data`. */
export function actualQueryCost(prepared: PreparedOperation, data: Record<string, unknown> | null): number {
  if (data === null) return 0;
  if (prepared.operation.operation === 'mutation') {
    return [...collectFields(prepared.operation.selectionSet, prepared).keys()].filter((key) => key in data).length * COST.mutation;
  }
  return selectionCost(prepared.operation.selectionSet, prepared, data);
}

/** `data` undefined: requested cost (page sizes from arguments); otherwise actual cost from the data. */
function selectionCost(selections: readonly SelectionNode[], prepared: PreparedOperation, data: unknown): number {
  let total = 0;
  for (const [key, fields] of collectFields(selections, prepared)) {
    const field = fields[0] as FieldNode;
    const children = mergedSelections(fields);
    if (children.length === 0) continue;
    const value = data === undefined ? undefined : (data as Record<string, unknown> | null)?.[key];
    if (data !== undefined && (value === null || value === undefined)) continue;
    const args = argumentsFromAst(field.arguments, prepared.variables);
    if (isConnection(args)) {
      total += connectionCost(children, prepared, args, value);
      continue;
    }
    if (Array.isArray(value)) {
      for (const item of value) total += COST.object + selectionCost(children, prepared, item);
      continue;
    }
    total += COST.object + selectionCost(children, prepared, value);
  }
  return total;
}

function isConnection(args: Record<string, unknown>): boolean {
  return typeof args.first === 'number' || typeof args.last === 'number';
}

function connectionCost(
  children: readonly SelectionNode[],
  prepared: PreparedOperation,
  args: Record<string, unknown>,
  value: unknown,
): number {
  const inner = collectFields(children, prepared);
  if (value === undefined) {
    const pageSize = (typeof args.first === 'number' ? args.first : args.last) as number;
    return COST.connectionOverhead + Math.max(0, pageSize) * nodeCost(inner, prepared, undefined);
  }
  const page = value as Record<string, unknown>;
  let viaEdges = 0;
  let viaNodes = 0;
  for (const [key, fields] of inner) {
    const grand = mergedSelections(fields);
    const name = (fields[0] as FieldNode).name;
    const items = page[key];
    if (!Array.isArray(items)) continue;
    if (name === 'edges') {
      const nodeFields = collectFields(grand, prepared);
      for (const edge of items) viaEdges += nodeCost(nodeFields, prepared, edge);
    } else if (name === 'nodes') {
      for (const node of items) viaNodes += COST.object + selectionCost(grand, prepared, node);
    }
  }
  // `edges { node }` and `nodes` are two views of the same page: charge it once.
  return COST.connectionOverhead + Math.max(viaEdges, viaNodes);
}

/** Cost of one connection item: the `node` under `edges`, or an item of `nodes`, whichever is dearer. */
function nodeCost(inner: Map<string, FieldNode[]>, prepared: PreparedOperation, edge: unknown): number {
  let cost = 0;
  for (const [key, fields] of inner) {
    const name = (fields[0] as FieldNode).name;
    const grand = mergedSelections(fields);
    if (name === 'node' || name === 'nodes') {
      const value = edge === undefined ? undefined : (edge as Record<string, unknown>)[key];
      if (edge !== undefined && (value === null || value === undefined)) continue;
      cost = Math.max(cost, COST.object + selectionCost(grand, prepared, value));
    } else if (name === 'edges') {
      cost = Math.max(cost, nodeCost(collectFields(grand, prepared), prepared, edge));
    } else if (!CONNECTION_WRAPPERS.has(name) && grand.length > 0) {
      cost = Math.max(cost, COST.object + selectionCost(grand, prepared, undefined));
    }
  }
  return cost;
}
