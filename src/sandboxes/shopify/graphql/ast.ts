/** The subset of the GraphQL document AST (https://spec.graphql.org/October2021/) the sandbox executes. */
export interface SourceLocation {
  line: number;
  column: number;
}

export type ValueNode =
  | { kind: 'variable'; name: string }
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'enum'; value: string }
  | { kind: 'list'; values: ValueNode[] }
  | { kind: 'object'; fields: { name: string; value: ValueNode }[] };

export type TypeNode =
  | { kind: 'named'; name: string }
  | { kind: 'list'; of: TypeNode }
  | { kind: 'nonNull'; of: TypeNode };

export interface DirectiveNode {
  name: string;
  arguments: ArgumentNode[];
  location: SourceLocation;
}

export interface ArgumentNode {
  name: string;
  value: ValueNode;
}

export interface FieldNode {
  kind: 'field';
  alias?: string;
  name: string;
  arguments: ArgumentNode[];
  directives: DirectiveNode[];
  selectionSet?: SelectionNode[];
  location: SourceLocation;
}

export interface FragmentSpreadNode {
  kind: 'fragmentSpread';
  name: string;
  directives: DirectiveNode[];
  location: SourceLocation;
}

export interface InlineFragmentNode {
  kind: 'inlineFragment';
  typeCondition?: string;
  directives: DirectiveNode[];
  selectionSet: SelectionNode[];
  location: SourceLocation;
}

export type SelectionNode = FieldNode | FragmentSpreadNode | InlineFragmentNode;

export interface VariableDefinitionNode {
  name: string;
  type: TypeNode;
  defaultValue?: ValueNode;
}

export type OperationType = 'query' | 'mutation' | 'subscription';

export interface OperationDefinitionNode {
  operation: OperationType;
  name?: string;
  variables: VariableDefinitionNode[];
  directives: DirectiveNode[];
  selectionSet: SelectionNode[];
  location: SourceLocation;
}

export interface FragmentDefinitionNode {
  name: string;
  typeCondition: string;
  directives: DirectiveNode[];
  selectionSet: SelectionNode[];
}

export interface DocumentNode {
  operations: OperationDefinitionNode[];
  fragments: Map<string, FragmentDefinitionNode>;
}

/** Prints a type reference the way GraphQL writes it (`[ID!]!`), for error messages. */
export function printType(type: TypeNode): string {
  if (type.kind === 'named') return type.name;
  if (type.kind === 'list') return `[${printType(type.of)}]`;
  return `${printType(type.of)}!`;
}
