import type {
  ArgumentNode,
  DirectiveNode,
  DocumentNode,
  FragmentDefinitionNode,
  OperationDefinitionNode,
  OperationType,
  SelectionNode,
  TypeNode,
  ValueNode,
  VariableDefinitionNode,
} from './ast.ts';
import { GraphQLSyntaxError, tokenize } from './lexer.ts';
import type { Token } from './lexer.ts';

export { GraphQLSyntaxError } from './lexer.ts';

/**
 * Parses an executable GraphQL document: operations (query, mutation, the shorthand `{ … }`),
 * variable definitions with types and defaults, arguments, aliases, directives, fragment
 * definitions, fragment spreads and inline fragments. Type-system definitions are not accepted
 * (a client never sends them to the Admin API).
 *
 * @example
 * const document = parseDocument('query Orders($n: Int!) { orders(first: $n) { nodes { id } } }');
 * document.operations[0]?.variables[0]?.name; // 'n'
 */
export function parseDocument(source: string): DocumentNode {
  return new Parser(tokenize(source)).document();
}

class Parser {
  private position = 0;
  constructor(private readonly tokens: Token[]) {}

  document(): DocumentNode {
    const operations: OperationDefinitionNode[] = [];
    const fragments = new Map<string, FragmentDefinitionNode>();
    if (this.peek().kind === 'eof') throw this.unexpected(this.peek());
    while (this.peek().kind !== 'eof') {
      const token = this.peek();
      if (token.kind === 'punctuator' && token.value === '{') {
        operations.push({ operation: 'query', variables: [], directives: [], selectionSet: this.selectionSet(), location: token.location });
      } else if (token.kind === 'name' && (token.value === 'query' || token.value === 'mutation' || token.value === 'subscription')) {
        operations.push(this.operation());
      } else if (token.kind === 'name' && token.value === 'fragment') {
        const fragment = this.fragmentDefinition();
        fragments.set(fragment.name, fragment);
      } else {
        throw this.unexpected(token);
      }
    }
    return { operations, fragments };
  }

  private operation(): OperationDefinitionNode {
    const start = this.next();
    const operation = start.value as OperationType;
    const name = this.peek().kind === 'name' ? this.next().value : undefined;
    const variables = this.peekPunctuator('(') ? this.variableDefinitions() : [];
    const directives = this.directives(false);
    const selectionSet = this.selectionSet();
    return { operation, ...(name ? { name } : {}), variables, directives, selectionSet, location: start.location };
  }

  private fragmentDefinition(): FragmentDefinitionNode {
    this.next();
    const name = this.name();
    if (name === 'on') throw this.unexpected(this.tokens[this.position - 1] as Token);
    this.keyword('on');
    const typeCondition = this.name();
    const directives = this.directives(false);
    return { name, typeCondition, directives, selectionSet: this.selectionSet() };
  }

  private variableDefinitions(): VariableDefinitionNode[] {
    this.punctuator('(');
    const definitions: VariableDefinitionNode[] = [];
    while (!this.peekPunctuator(')')) {
      this.punctuator('$');
      const name = this.name();
      this.punctuator(':');
      const type = this.type();
      let defaultValue: ValueNode | undefined;
      if (this.peekPunctuator('=')) {
        this.next();
        defaultValue = this.value(true);
      }
      this.directives(true);
      definitions.push({ name, type, ...(defaultValue ? { defaultValue } : {}) });
    }
    this.punctuator(')');
    return definitions;
  }

  private type(): TypeNode {
    let type: TypeNode;
    if (this.peekPunctuator('[')) {
      this.next();
      const of = this.type();
      this.punctuator(']');
      type = { kind: 'list', of };
    } else {
      type = { kind: 'named', name: this.name() };
    }
    if (this.peekPunctuator('!')) {
      this.next();
      return { kind: 'nonNull', of: type };
    }
    return type;
  }

  private selectionSet(): SelectionNode[] {
    this.punctuator('{');
    const selections: SelectionNode[] = [];
    while (!this.peekPunctuator('}')) selections.push(this.selection());
    if (selections.length === 0) throw this.unexpected(this.peek());
    this.punctuator('}');
    return selections;
  }

  private selection(): SelectionNode {
    const start = this.peek();
    if (start.kind === 'punctuator' && start.value === '...') {
      this.next();
      const after = this.peek();
      if (after.kind === 'name' && after.value !== 'on') {
        const name = this.name();
        return { kind: 'fragmentSpread', name, directives: this.directives(false), location: start.location };
      }
      let typeCondition: string | undefined;
      if (after.kind === 'name' && after.value === 'on') {
        this.next();
        typeCondition = this.name();
      }
      const directives = this.directives(false);
      return {
        kind: 'inlineFragment',
        ...(typeCondition ? { typeCondition } : {}),
        directives,
        selectionSet: this.selectionSet(),
        location: start.location,
      };
    }
    const first = this.name();
    let alias: string | undefined;
    let name = first;
    if (this.peekPunctuator(':')) {
      this.next();
      alias = first;
      name = this.name();
    }
    const args = this.peekPunctuator('(') ? this.arguments(false) : [];
    const directives = this.directives(false);
    const selectionSet = this.peekPunctuator('{') ? this.selectionSet() : undefined;
    return {
      kind: 'field',
      ...(alias ? { alias } : {}),
      name,
      arguments: args,
      directives,
      ...(selectionSet ? { selectionSet } : {}),
      location: start.location,
    };
  }

  private arguments(isConst: boolean): ArgumentNode[] {
    this.punctuator('(');
    const args: ArgumentNode[] = [];
    while (!this.peekPunctuator(')')) {
      const name = this.name();
      this.punctuator(':');
      args.push({ name, value: this.value(isConst) });
    }
    if (args.length === 0) throw this.unexpected(this.peek());
    this.punctuator(')');
    return args;
  }

  private directives(isConst: boolean): DirectiveNode[] {
    const directives: DirectiveNode[] = [];
    while (this.peekPunctuator('@')) {
      const at = this.next();
      const name = this.name();
      const args = this.peekPunctuator('(') ? this.arguments(isConst) : [];
      directives.push({ name, arguments: args, location: at.location });
    }
    return directives;
  }

  private value(isConst: boolean): ValueNode {
    const token = this.next();
    switch (token.kind) {
      case 'int':
        return { kind: 'int', value: Number.parseInt(token.value, 10) };
      case 'float':
        return { kind: 'float', value: Number.parseFloat(token.value) };
      case 'string':
        return { kind: 'string', value: token.value };
      case 'name':
        if (token.value === 'true' || token.value === 'false') return { kind: 'boolean', value: token.value === 'true' };
        if (token.value === 'null') return { kind: 'null' };
        return { kind: 'enum', value: token.value };
      case 'punctuator':
        if (token.value === '$' && !isConst) return { kind: 'variable', name: this.name() };
        if (token.value === '[') {
          const values: ValueNode[] = [];
          while (!this.peekPunctuator(']')) values.push(this.value(isConst));
          this.next();
          return { kind: 'list', values };
        }
        if (token.value === '{') {
          const fields: { name: string; value: ValueNode }[] = [];
          while (!this.peekPunctuator('}')) {
            const name = this.name();
            this.punctuator(':');
            fields.push({ name, value: this.value(isConst) });
          }
          this.next();
          return { kind: 'object', fields };
        }
        throw this.unexpected(token);
      default:
        throw this.unexpected(token);
    }
  }

  private name(): string {
    const token = this.next();
    if (token.kind !== 'name') throw this.unexpected(token);
    return token.value;
  }

  private keyword(word: string): void {
    const token = this.next();
    if (token.kind !== 'name' || token.value !== word) throw this.unexpected(token);
  }

  private punctuator(value: string): void {
    const token = this.next();
    if (token.kind !== 'punctuator' || token.value !== value) throw this.unexpected(token);
  }

  private peekPunctuator(value: string): boolean {
    const token = this.peek();
    return token.kind === 'punctuator' && token.value === value;
  }

  private peek(): Token {
    return this.tokens[this.position] as Token;
  }

  private next(): Token {
    const token = this.tokens[this.position] as Token;
    if (token.kind !== 'eof') this.position++;
    return token;
  }

  private unexpected(token: Token): GraphQLSyntaxError {
    const { line, column } = token.location;
    const shown = token.kind === 'eof' ? 'end of file' : `"${token.value}"`;
    return new GraphQLSyntaxError(`Parse error on ${shown} at [${line}, ${column}]`, token.location);
  }
}
