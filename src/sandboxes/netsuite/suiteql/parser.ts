import type { Expr, Join, SelectItem, SelectQuery, TableRef } from './ast.ts';
import { SuiteQlError } from './ast.ts';
import type { Token } from './lexer.ts';
import { tokenize } from './lexer.ts';

const RESERVED = new Set([
  'SELECT', 'FROM', 'WHERE', 'ORDER', 'BY', 'JOIN', 'INNER', 'LEFT', 'OUTER', 'ON', 'AND', 'OR', 'NOT', 'AS',
  'GROUP', 'HAVING', 'IN', 'IS', 'NULL', 'LIKE', 'BETWEEN', 'ASC', 'DESC', 'DISTINCT', 'TOP', 'UNION', 'FETCH', 'OFFSET',
]);

/** Parses one SuiteQL SELECT statement; throws SuiteQlError naming the first problem. */
export function parseSuiteQl(sql: string): SelectQuery {
  return new Parser(tokenize(sql)).query();
}

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  query(): SelectQuery {
    this.expectWord('SELECT');
    const distinct = this.acceptWord('DISTINCT');
    let top: number | undefined;
    if (this.acceptWord('TOP')) {
      const token = this.next();
      if (token.type !== 'number') throw this.error('TOP must be followed by a number', token);
      top = token.value;
    }
    const select = this.selectList();
    this.expectWord('FROM');
    const from = this.tableRef();
    const joins: Join[] = [];
    for (;;) {
      let type: Join['type'] | undefined;
      if (this.acceptWord('JOIN')) type = 'INNER';
      else if (this.acceptWord('INNER')) {
        this.expectWord('JOIN');
        type = 'INNER';
      } else if (this.acceptWord('LEFT')) {
        this.acceptWord('OUTER');
        this.expectWord('JOIN');
        type = 'LEFT';
      }
      if (!type) break;
      const table = this.tableRef();
      this.expectWord('ON');
      joins.push({ ...table, type, on: this.expression() });
    }
    const where = this.acceptWord('WHERE') ? this.expression() : undefined;
    if (this.peekWord('GROUP')) throw this.error('GROUP BY is not supported by this sandbox', this.peek());
    const orderBy: SelectQuery['orderBy'] = [];
    if (this.acceptWord('ORDER')) {
      this.expectWord('BY');
      do {
        const expr = this.expression();
        const descending = this.acceptWord('DESC');
        if (!descending) this.acceptWord('ASC');
        orderBy.push({ expr, descending });
      } while (this.acceptSymbol(','));
    }
    const end = this.peek();
    if (end.type !== 'end') throw this.error('Unexpected input', end);
    return { distinct, ...(top !== undefined ? { top } : {}), select, from, joins, ...(where ? { where } : {}), orderBy };
  }

  private selectList(): SelectItem[] {
    const items: SelectItem[] = [];
    do {
      if (this.acceptSymbol('*')) {
        items.push({ kind: 'all' });
        continue;
      }
      const token = this.peek();
      const after = this.tokens[this.index + 1];
      const afterStar = this.tokens[this.index + 2];
      if (token.type === 'word' && after?.type === 'symbol' && after.value === '.' && afterStar?.type === 'symbol' && afterStar.value === '*') {
        this.index += 3;
        items.push({ kind: 'all', table: token.value.toLowerCase() });
        continue;
      }
      const expr = this.expression();
      let alias: string | undefined;
      if (this.acceptWord('AS')) alias = this.identifier();
      else if (this.peek().type === 'word' && !RESERVED.has((this.peek() as { upper: string }).upper)) alias = this.identifier();
      items.push({ kind: 'expr', expr, ...(alias ? { alias: alias.toLowerCase() } : {}) });
    } while (this.acceptSymbol(','));
    return items;
  }

  private tableRef(): TableRef {
    const table = this.identifier().toLowerCase();
    let alias = table;
    if (this.acceptWord('AS')) alias = this.identifier().toLowerCase();
    else if (this.peek().type === 'word' && !RESERVED.has((this.peek() as { upper: string }).upper)) alias = this.identifier().toLowerCase();
    return { table, alias };
  }

  private expression(): Expr {
    let left = this.conjunction();
    while (this.acceptWord('OR')) left = { kind: 'logical', op: 'OR', left, right: this.conjunction() };
    return left;
  }

  private conjunction(): Expr {
    let left = this.negation();
    while (this.acceptWord('AND')) left = { kind: 'logical', op: 'AND', left, right: this.negation() };
    return left;
  }

  private negation(): Expr {
    if (this.acceptWord('NOT')) return { kind: 'not', expr: this.negation() };
    return this.predicate();
  }

  private predicate(): Expr {
    const left = this.concatenation();
    const token = this.peek();
    if (token.type === 'symbol' && ['=', '<>', '<', '<=', '>', '>='].includes(token.value)) {
      this.index++;
      return { kind: 'compare', op: token.value as '=', left, right: this.concatenation() };
    }
    if (this.acceptWord('IS')) {
      const negated = this.acceptWord('NOT');
      this.expectWord('NULL');
      return { kind: 'isNull', expr: left, negated };
    }
    const negated = this.acceptWord('NOT');
    if (this.acceptWord('LIKE')) return { kind: 'like', expr: left, pattern: this.concatenation(), negated };
    if (this.acceptWord('IN')) {
      this.expectSymbol('(');
      const list: Expr[] = [];
      do list.push(this.concatenation());
      while (this.acceptSymbol(','));
      this.expectSymbol(')');
      return { kind: 'in', expr: left, list, negated };
    }
    if (this.acceptWord('BETWEEN')) {
      const low = this.concatenation();
      this.expectWord('AND');
      return { kind: 'between', expr: left, low, high: this.concatenation(), negated };
    }
    if (negated) throw this.error('Expected LIKE, IN or BETWEEN after NOT', this.peek());
    return left;
  }

  private concatenation(): Expr {
    let left = this.primary();
    while (this.acceptSymbol('||')) left = { kind: 'call', name: 'CONCAT', args: [left, this.primary()] };
    return left;
  }

  private primary(): Expr {
    const token = this.next();
    if (token.type === 'number') return { kind: 'literal', value: token.value };
    if (token.type === 'string') return { kind: 'literal', value: token.value };
    if (token.type === 'symbol' && token.value === '(') {
      const inner = this.expression();
      this.expectSymbol(')');
      return inner;
    }
    if (token.type === 'symbol' && token.value === '?') throw this.error('Bind parameters (?) are not supported over REST', token);
    if (token.type !== 'word') throw this.error('Expected a value or column', token);
    if (token.upper === 'NULL') return { kind: 'literal', value: null };
    if (RESERVED.has(token.upper)) throw this.error(`Unexpected keyword ${token.upper}`, token);
    let name = token.value;
    let table: string | undefined;
    if (this.acceptSymbol('.')) {
      table = name;
      name = this.identifier();
    }
    if (this.acceptSymbol('(')) {
      const functionName = (table ? `${table}.${name}` : name).toUpperCase();
      if (this.acceptSymbol('*')) {
        this.expectSymbol(')');
        return { kind: 'call', name: functionName, args: [], star: true };
      }
      const args: Expr[] = [];
      if (!this.acceptSymbol(')')) {
        do args.push(this.expression());
        while (this.acceptSymbol(','));
        this.expectSymbol(')');
      }
      return { kind: 'call', name: functionName, args };
    }
    if (!table && ['SYSDATE', 'CURRENT_DATE', 'CURRENT_TIMESTAMP', 'ROWNUM'].includes(token.upper)) {
      return { kind: 'call', name: token.upper, args: [] };
    }
    return { kind: 'column', ...(table ? { table: table.toLowerCase() } : {}), name: name.toLowerCase() };
  }

  private identifier(): string {
    const token = this.next();
    if (token.type !== 'word') throw this.error('Expected an identifier', token);
    return token.value;
  }

  private peek(): Token {
    return this.tokens[this.index] ?? { type: 'end', position: 0 };
  }

  private next(): Token {
    const token = this.peek();
    if (token.type !== 'end') this.index++;
    return token;
  }

  private peekWord(word: string): boolean {
    const token = this.peek();
    return token.type === 'word' && token.upper === word;
  }

  private acceptWord(word: string): boolean {
    if (!this.peekWord(word)) return false;
    this.index++;
    return true;
  }

  private expectWord(word: string): void {
    if (!this.acceptWord(word)) throw this.error(`Expected ${word}`, this.peek());
  }

  private acceptSymbol(symbol: string): boolean {
    const token = this.peek();
    if (token.type !== 'symbol' || token.value !== symbol) return false;
    this.index++;
    return true;
  }

  private expectSymbol(symbol: string): void {
    if (!this.acceptSymbol(symbol)) throw this.error(`Expected '${symbol}'`, this.peek());
  }

  private error(message: string, token: Token): SuiteQlError {
    const found = token.type === 'end' ? 'end of query' : `'${String(token.value)}'`;
    return new SuiteQlError(`${message} at position ${token.position} (found ${found}).`);
  }
}
