import type { ComparisonOperator, Condition, Literal, OrderByItem, SoqlQuery } from './ast.ts';
import type { Token } from './lexer.ts';
import { queryError, tokenize } from './lexer.ts';

/** Date literals the sandbox evaluates; the `_N_` forms take `:n`. */
export const DATE_LITERALS = ['TODAY', 'YESTERDAY', 'TOMORROW', 'THIS_MONTH', 'LAST_MONTH', 'LAST_N_DAYS', 'NEXT_N_DAYS', 'N_DAYS_AGO'] as const;
const PARAMETERISED = new Set(['LAST_N_DAYS', 'NEXT_N_DAYS', 'N_DAYS_AGO']);
const COMPARISONS = new Set(['=', '!=', '<', '<=', '>', '>=']);

/**
 * Parses the SOQL subset: `SELECT f1, f2 | COUNT() FROM Object [WHERE ...] [ORDER BY f [ASC|DESC]
 * [NULLS FIRST|LAST], ...] [LIMIT n] [OFFSET n]`. WHERE supports =, !=, <>, <, <=, >, >=, LIKE,
 * [NOT] IN (...), NOT, parentheses, and AND/OR — which, as in SOQL, can't be mixed at one level
 * without parentheses. Errors are MALFORMED_QUERY in Salesforce's message layout.
 */
export function parseSoql(soql: string): SoqlQuery {
  return new Parser(soql).parseQuery();
}

class Parser {
  readonly #soql: string;
  readonly #tokens: Token[];
  #pos = 0;

  constructor(soql: string) {
    this.#soql = soql;
    this.#tokens = tokenize(soql);
  }

  parseQuery(): SoqlQuery {
    this.#expectKeyword('SELECT');
    const select = this.#parseSelect();
    this.#expectKeyword('FROM');
    const from = this.#expectIdent('object name', OBJECT_NAME_RESERVED).text;
    const query: SoqlQuery = { select, from, orderBy: [] };
    if (this.#acceptKeyword('WHERE')) query.where = this.#parseCondition();
    if (this.#acceptKeyword('ORDER')) {
      this.#expectKeyword('BY');
      query.orderBy = this.#parseOrderBy();
    }
    if (this.#acceptKeyword('LIMIT')) query.limit = this.#parseCount('LIMIT');
    if (this.#acceptKeyword('OFFSET')) query.offset = this.#parseCount('OFFSET');
    const end = this.#peek();
    if (end.kind !== 'eof') throw this.#unexpected(end);
    return query;
  }

  #parseSelect(): SoqlQuery['select'] {
    if (this.#isKeyword(this.#peek(), 'COUNT') && this.#peek(1).text === '(') {
      this.#next();
      this.#expectPunct('(');
      this.#expectPunct(')');
      return { kind: 'count' };
    }
    const fields = [this.#expectIdent('field').text];
    while (this.#acceptPunct(',')) fields.push(this.#expectIdent('field').text);
    return { kind: 'fields', fields };
  }

  #parseCondition(): Condition {
    let left = this.#parseUnary();
    let joiner: 'AND' | 'OR' | undefined;
    for (;;) {
      const token = this.#peek();
      const word = this.#isKeyword(token, 'AND') ? 'AND' : this.#isKeyword(token, 'OR') ? 'OR' : undefined;
      if (!word) return left;
      // SOQL refuses `a AND b OR c`: mixing needs parentheses.
      if (joiner && joiner !== word) throw this.#unexpected(token);
      joiner = word;
      this.#next();
      left = { kind: word === 'AND' ? 'and' : 'or', left, right: this.#parseUnary() };
    }
  }

  #parseUnary(): Condition {
    if (this.#acceptKeyword('NOT')) return { kind: 'not', operand: this.#parseUnary() };
    if (this.#acceptPunct('(')) {
      const inner = this.#parseCondition();
      this.#expectPunct(')');
      return inner;
    }
    return this.#parsePredicate();
  }

  #parsePredicate(): Condition {
    const fieldToken = this.#expectIdent('field');
    const field = fieldToken.text;
    const column = fieldToken.column;
    const token = this.#next();
    if (token.kind === 'punct' && COMPARISONS.has(token.text)) {
      return { kind: 'compare', field, op: token.text as ComparisonOperator, value: this.#parseLiteral(), column };
    }
    if (this.#isKeyword(token, 'LIKE')) {
      const pattern = this.#next();
      if (pattern.kind !== 'string') throw this.#unexpected(pattern);
      return { kind: 'like', field, pattern: pattern.text, column };
    }
    const negated = this.#isKeyword(token, 'NOT');
    if (this.#isKeyword(token, 'IN') || (negated && this.#acceptKeyword('IN'))) {
      this.#expectPunct('(');
      const values = [this.#parseLiteral()];
      while (this.#acceptPunct(',')) values.push(this.#parseLiteral());
      this.#expectPunct(')');
      return { kind: 'in', field, negated, values, column };
    }
    throw this.#unexpected(token);
  }

  #parseLiteral(): Literal {
    const token = this.#next();
    switch (token.kind) {
      case 'string':
        return { kind: 'string', value: token.text };
      case 'number':
        return { kind: 'number', value: Number(token.text) };
      case 'date':
        return { kind: 'date', value: token.text };
      case 'datetime':
        return { kind: 'datetime', ms: Date.parse(token.text), text: token.text };
      case 'ident': {
        const word = token.text.toUpperCase();
        if (word === 'TRUE' || word === 'FALSE') return { kind: 'boolean', value: word === 'TRUE' };
        if (word === 'NULL') return { kind: 'null' };
        if ((DATE_LITERALS as readonly string[]).includes(word)) {
          if (!PARAMETERISED.has(word)) return { kind: 'dateLiteral', name: word };
          this.#expectPunct(':');
          const n = this.#next();
          if (n.kind !== 'number' || !/^\d+$/.test(n.text)) throw this.#unexpected(n);
          return { kind: 'dateLiteral', name: word, n: Number(n.text) };
        }
        throw this.#unexpected(token);
      }
      default:
        throw this.#unexpected(token);
    }
  }

  #parseOrderBy(): OrderByItem[] {
    const items: OrderByItem[] = [];
    do {
      const field = this.#expectIdent('field').text;
      const direction = this.#acceptKeyword('DESC') ? 'DESC' : (this.#acceptKeyword('ASC'), 'ASC');
      let nulls: 'FIRST' | 'LAST' = direction === 'ASC' ? 'FIRST' : 'LAST';
      if (this.#acceptKeyword('NULLS')) {
        if (this.#acceptKeyword('FIRST')) nulls = 'FIRST';
        else {
          this.#expectKeyword('LAST');
          nulls = 'LAST';
        }
      }
      items.push({ field, direction, nulls });
    } while (this.#acceptPunct(','));
    return items;
  }

  #parseCount(clause: string): number {
    const token = this.#next();
    if (token.kind !== 'number' || !/^\d+$/.test(token.text)) {
      throw queryError(this.#soql, token.column, `${clause} must be a non-negative integer, found '${token.text}'`);
    }
    return Number(token.text);
  }

  #peek(offset = 0): Token {
    return this.#tokens[Math.min(this.#pos + offset, this.#tokens.length - 1)] as Token;
  }

  #next(): Token {
    const token = this.#peek();
    if (this.#pos < this.#tokens.length - 1) this.#pos += 1;
    return token;
  }

  #isKeyword(token: Token, word: string): boolean {
    return token.kind === 'ident' && token.text.toUpperCase() === word;
  }

  #acceptKeyword(word: string): boolean {
    if (!this.#isKeyword(this.#peek(), word)) return false;
    this.#next();
    return true;
  }

  #expectKeyword(word: string): void {
    const token = this.#next();
    if (!this.#isKeyword(token, word)) throw this.#unexpected(token);
  }

  #acceptPunct(text: string): boolean {
    const token = this.#peek();
    if (token.kind !== 'punct' || token.text !== text) return false;
    this.#next();
    return true;
  }

  #expectPunct(text: string): void {
    const token = this.#next();
    if (token.kind !== 'punct' || token.text !== text) throw this.#unexpected(token);
  }

  #expectIdent(what: string, reserved: Set<string> = RESERVED): Token {
    const token = this.#next();
    if (token.kind !== 'ident' || reserved.has(token.text.toUpperCase())) {
      throw queryError(this.#soql, token.column, `unexpected token: '${token.text}' (expected ${what})`);
    }
    return token;
  }

  #unexpected(token: Token): Error {
    return queryError(this.#soql, token.column, `unexpected token: '${token.text}'`);
  }
}

const RESERVED = new Set(['SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'NOT', 'IN', 'LIKE', 'ORDER', 'BY', 'LIMIT', 'OFFSET', 'NULL', 'TRUE', 'FALSE', 'ASC', 'DESC', 'NULLS']);
/** `Order` is a keyword and also a standard object name: `SELECT Id FROM Order` is valid. */
const OBJECT_NAME_RESERVED = new Set([...RESERVED].filter((word) => word !== 'ORDER'));
