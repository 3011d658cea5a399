import type { SelectionNode } from './ast.ts';
import { GraphQLRequestError } from './errors.ts';
import { collectFields, mergedSelections } from './execute.ts';
import type { PreparedOperation } from './execute.ts';
import { argumentsFromAst } from './values.ts';

/**
 * "Input arguments that accept an array have a maximum size of 250 for all APIs. Requests
 * return an error if an input array exceeds 250 items." (https://shopify.dev/docs/api/usage/limits)
 */
export const MAX_INPUT_ARRAY_SIZE = 250;

/** Throws MAX_INPUT_SIZE_EXCEEDED for the first argument array (at any depth) above the limit. */
export function checkInputArraySizes(prepared: PreparedOperation, limit = MAX_INPUT_ARRAY_SIZE): void {
  visit(prepared.operation.selectionSet, prepared, limit);
}

function visit(selections: readonly SelectionNode[], prepared: PreparedOperation, limit: number): void {
  for (const fields of collectFields(selections, prepared).values()) {
    for (const field of fields) {
      const args = argumentsFromAst(field.arguments, prepared.variables);
      for (const [name, value] of Object.entries(args)) {
        const tooLong = findOversized(value, [field.name, name], limit);
        if (tooLong) {
          throw new GraphQLRequestError(
            `The input array size of ${tooLong.size} is greater than the maximum allowed of ${limit}.`,
            { code: 'MAX_INPUT_SIZE_EXCEEDED' },
            { locations: [field.location], path: tooLong.path },
          );
        }
      }
    }
    visit(mergedSelections(fields), prepared, limit);
  }
}

function findOversized(value: unknown, path: (string | number)[], limit: number): { size: number; path: (string | number)[] } | undefined {
  if (Array.isArray(value)) {
    if (value.length > limit) return { size: value.length, path };
    for (const [index, item] of value.entries()) {
      const found = findOversized(item, [...path, index], limit);
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = findOversized(item, [...path, key], limit);
      if (found) return found;
    }
  }
  return undefined;
}
