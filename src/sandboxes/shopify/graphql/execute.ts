import type { DocumentNode, FieldNode, FragmentDefinitionNode, OperationDefinitionNode, SelectionNode } from './ast.ts';
import { GraphQLFieldError, GraphQLRequestError } from './errors.ts';
import type { GraphQLErrorJson } from './errors.ts';
import { argumentsFromAst, coerceVariables, directivesFromAst } from './values.ts';

/**
 * A GraphQL object as resolvers build it: `__typename` plus fields that are either plain values
 * or resolver functions `(args, context, info) => value`. Nested objects follow the same shape,
 * so the schema is the set of objects the resolvers return (no separate SDL).
 */
export interface GraphQLObject {
  __typename: string;
  /** Interfaces this object implements, for `... on Node` fragments. */
  __implements?: readonly string[];
  [field: string]: unknown;
}

export interface ResolveInfo {
  fieldName: string;
  /** Directives on the field, e.g. `{ idempotent: { key: 'abc' } }`. */
  directives: Record<string, Record<string, unknown>>;
  path: (string | number)[];
  field: FieldNode;
}

export type Resolver<Context> = (args: Record<string, unknown>, context: Context, info: ResolveInfo) => unknown;

/** An operation chosen from a document, with its variables coerced. */
export interface PreparedOperation {
  operation: OperationDefinitionNode;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

/** Picks the operation to run (by name when the document holds several) and coerces its variables. */
export function prepareOperation(
  document: DocumentNode,
  operationName: string | undefined | null,
  variables: Record<string, unknown> | undefined | null,
): PreparedOperation {
  let operation: OperationDefinitionNode | undefined;
  if (operationName) {
    operation = document.operations.find((candidate) => candidate.name === operationName);
    if (!operation) throw new GraphQLRequestError(`No operation named "${operationName}"`, { code: 'OPERATION_NOT_FOUND' });
  } else {
    if (document.operations.length > 1) {
      throw new GraphQLRequestError('An operation name is required', { code: 'OPERATION_NAME_REQUIRED' });
    }
    operation = document.operations[0];
  }
  if (!operation) throw new GraphQLRequestError('No operations in query document', { code: 'OPERATION_NOT_FOUND' });
  if (operation.operation === 'subscription') {
    throw new GraphQLRequestError('Subscriptions are not supported', { code: 'OPERATION_NOT_SUPPORTED' });
  }
  return { operation, fragments: document.fragments, variables: coerceVariables(operation.variables, variables ?? {}) };
}

/**
 * Groups a selection set's fields by response key (alias or name), expanding fragments and
 * honouring `@skip`/`@include`. A fragment whose type condition does not match the object's
 * `__typename` (or one of its interfaces) is left out; with no object (cost analysis) every
 * fragment is included.
 */
export function collectFields(
  selections: readonly SelectionNode[],
  prepared: PreparedOperation,
  object?: GraphQLObject,
  into: Map<string, FieldNode[]> = new Map(),
  visited: Set<string> = new Set(),
): Map<string, FieldNode[]> {
  for (const selection of selections) {
    const directives = directivesFromAst(selection.directives, prepared.variables);
    if (directives.skip?.if === true || directives.include?.if === false) continue;
    if (selection.kind === 'field') {
      const key = selection.alias ?? selection.name;
      const fields = into.get(key);
      if (fields) fields.push(selection);
      else into.set(key, [selection]);
      continue;
    }
    if (selection.kind === 'inlineFragment') {
      if (matchesType(selection.typeCondition, object)) collectFields(selection.selectionSet, prepared, object, into, visited);
      continue;
    }
    if (visited.has(selection.name)) continue;
    const fragment = prepared.fragments.get(selection.name);
    if (!fragment) throw new GraphQLRequestError(`Fragment ${selection.name} was used, but not defined`, { code: 'useAndDefineFragment' });
    visited.add(selection.name);
    if (matchesType(fragment.typeCondition, object)) collectFields(fragment.selectionSet, prepared, object, into, visited);
  }
  return into;
}

function matchesType(typeCondition: string | undefined, object: GraphQLObject | undefined): boolean {
  if (!typeCondition || !object) return true;
  return object.__typename === typeCondition || (object.__implements?.includes(typeCondition) ?? false);
}

/** Sub-selections of all the field nodes that share a response key. */
export function mergedSelections(fields: readonly FieldNode[]): SelectionNode[] {
  return fields.flatMap((field) => field.selectionSet ?? []);
}

/**
 * Runs an operation over a root object. Root mutation fields run one after another, in order
 * (GraphQL spec 6.2.2). Resolver errors null their field and are listed with their path.
 */
export function executeOperation<Context>(
  prepared: PreparedOperation,
  root: GraphQLObject,
  context: Context,
): { data: Record<string, unknown> | null; errors: GraphQLErrorJson[] } {
  const errors: GraphQLErrorJson[] = [];
  // Unknown root fields are refused before anything runs, so a typo never half-applies a mutation.
  for (const fields of collectFields(prepared.operation.selectionSet, prepared, root).values()) {
    const field = fields[0] as FieldNode;
    if (field.name !== '__typename' && !Object.prototype.hasOwnProperty.call(root, field.name)) {
      throw new GraphQLRequestError(`Field '${field.name}' doesn't exist on type '${root.__typename}'`, {
        code: 'undefinedField',
        typeName: root.__typename,
        fieldName: field.name,
      }, { locations: [field.location], path: [prepared.operation.operation, field.name] });
    }
  }
  const data = executeSelections(prepared.operation.selectionSet, root, [], prepared, context, errors);
  return { data, errors };
}

function executeSelections<Context>(
  selections: readonly SelectionNode[],
  object: GraphQLObject,
  path: (string | number)[],
  prepared: PreparedOperation,
  context: Context,
  errors: GraphQLErrorJson[],
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, fields] of collectFields(selections, prepared, object)) {
    const field = fields[0] as FieldNode;
    const fieldPath = [...path, key];
    try {
      const value = resolveField(field, object, fieldPath, prepared, context);
      result[key] = completeValue(value, mergedSelections(fields), field, fieldPath, prepared, context, errors);
    } catch (error) {
      if (error instanceof GraphQLRequestError) throw error;
      result[key] = null;
      errors.push(fieldError(error, field, fieldPath));
    }
  }
  return result;
}

function resolveField<Context>(
  field: FieldNode,
  object: GraphQLObject,
  path: (string | number)[],
  prepared: PreparedOperation,
  context: Context,
): unknown {
  if (field.name === '__typename') return object.__typename;
  if (!Object.prototype.hasOwnProperty.call(object, field.name)) {
    throw new GraphQLFieldError(`Field '${field.name}' doesn't exist on type '${object.__typename}'`, {
      code: 'undefinedField',
      typeName: object.__typename,
      fieldName: field.name,
    });
  }
  const member = object[field.name];
  if (typeof member !== 'function') return member;
  const info: ResolveInfo = {
    fieldName: field.name,
    directives: directivesFromAst(field.directives, prepared.variables),
    path,
    field,
  };
  return (member as Resolver<Context>)(argumentsFromAst(field.arguments, prepared.variables), context, info);
}

function completeValue<Context>(
  value: unknown,
  selections: SelectionNode[],
  field: FieldNode,
  path: (string | number)[],
  prepared: PreparedOperation,
  context: Context,
  errors: GraphQLErrorJson[],
): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) {
    return value.map((item, index) => completeValue(item, selections, field, [...path, index], prepared, context, errors));
  }
  if (selections.length === 0) {
    if (isGraphQLObject(value)) {
      throw new GraphQLRequestError(`Field must have selections (field '${field.name}' returns ${value.__typename} but has no selections.`, {
        code: 'selectionMismatch',
        nodeName: `field '${field.name}'`,
        typeName: value.__typename,
      }, { locations: [field.location] });
    }
    return value;
  }
  if (!isGraphQLObject(value)) {
    throw new GraphQLRequestError(`Selections can't be made on scalars (field '${field.name}' returns a scalar)`, {
      code: 'selectionMismatch',
    }, { locations: [field.location] });
  }
  return executeSelections(selections, value, path, prepared, context, errors);
}

export function isGraphQLObject(value: unknown): value is GraphQLObject {
  return typeof value === 'object' && value !== null && typeof (value as { __typename?: unknown }).__typename === 'string';
}

function fieldError(error: unknown, field: FieldNode, path: (string | number)[]): GraphQLErrorJson {
  if (error instanceof GraphQLFieldError) {
    return { message: error.message, locations: [field.location], path, ...(error.extensions ? { extensions: error.extensions } : {}) };
  }
  // An unexpected resolver failure is what Shopify reports as an internal error; the detail stays server-side.
  return { message: 'Internal error. Looks like something went wrong on our end.', locations: [field.location], path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
