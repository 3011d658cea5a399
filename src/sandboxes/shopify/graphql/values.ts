import type { DirectiveNode, TypeNode, ValueNode, VariableDefinitionNode } from './ast.ts';
import { printType } from './ast.ts';
import { GraphQLRequestError } from './errors.ts';

/** Turns an argument literal into a plain JS value, reading `$variables`; enums become strings. */
export function valueFromAst(node: ValueNode, variables: Record<string, unknown>): unknown {
  switch (node.kind) {
    case 'variable':
      return variables[node.name] ?? null;
    case 'int':
    case 'float':
    case 'string':
    case 'boolean':
    case 'enum':
      return node.value;
    case 'null':
      return null;
    case 'list':
      return node.values.map((value) => valueFromAst(value, variables));
    case 'object':
      return Object.fromEntries(node.fields.map((field) => [field.name, valueFromAst(field.value, variables)]));
  }
}

export function argumentsFromAst(
  nodes: readonly { name: string; value: ValueNode }[],
  variables: Record<string, unknown>,
): Record<string, unknown> {
  return Object.fromEntries(nodes.map((node) => [node.name, valueFromAst(node.value, variables)]));
}

/** Directive name → its arguments, e.g. `{ idempotent: { key: 'abc' } }`. */
export function directivesFromAst(
  nodes: readonly DirectiveNode[],
  variables: Record<string, unknown>,
): Record<string, Record<string, unknown>> {
  return Object.fromEntries(nodes.map((node) => [node.name, argumentsFromAst(node.arguments, variables)]));
}

/**
 * Applies defaults and checks that required variables are present and list-typed variables are
 * lists, as graphql-ruby does before running anything. Deeper type coercion is left to the
 * resolvers, which validate their own inputs the way the real mutations do.
 */
export function coerceVariables(
  definitions: readonly VariableDefinitionNode[],
  provided: Record<string, unknown>,
): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  const problems: GraphQLRequestError[] = [];
  for (const definition of definitions) {
    const hasValue = Object.prototype.hasOwnProperty.call(provided, definition.name);
    let value = hasValue ? provided[definition.name] : undefined;
    if (value === undefined && definition.defaultValue) value = valueFromAst(definition.defaultValue, {});
    const typeName = printType(definition.type);
    if (definition.type.kind === 'nonNull' && (value === undefined || value === null)) {
      problems.push(
        new GraphQLRequestError(`Variable $${definition.name} of type ${typeName} was provided invalid value`, {
          code: 'INVALID_VARIABLE',
          value: value ?? null,
          problems: [{ path: [], explanation: 'Expected value to not be null' }],
        }),
      );
      continue;
    }
    if (value !== undefined && value !== null && isListType(definition.type) && !Array.isArray(value)) value = [value];
    if (value !== undefined) variables[definition.name] = value;
  }
  const first = problems[0];
  if (first) throw first;
  return variables;
}

function isListType(type: TypeNode): boolean {
  return type.kind === 'list' || (type.kind === 'nonNull' && type.of.kind === 'list');
}
