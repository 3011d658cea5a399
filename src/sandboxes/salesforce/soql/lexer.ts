import { malformedQuery } from '../errors.ts';

export type TokenKind = 'ident' | 'string' | 'number' | 'date' | 'datetime' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  /** 1-based column, as in Salesforce's "ERROR at Row:1:Column:N". */
  column: number;
}

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})/;
const DATE = /^\d{4}-\d{2}-\d{2}/;
const NUMBER = /^[+-]?\d+(\.\d+)?/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_.]*/;
const PUNCT = ['<=', '>=', '!=', '<>', '=', '<', '>', '(', ')', ',', ':'];
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\', '%': '\\%', _: '\\_' };

/** Salesforce's own error layout: the query, a caret under the column, then the problem. */
export function queryError(soql: string, column: number, problem: string): Error {
  const caret = ' '.repeat(Math.max(0, column - 1)) + '^';
  return malformedQuery(`\n${soql}\n${caret}\nERROR at Row:1:Column:${column}\n${problem}`);
}

export function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < soql.length) {
    const ch = soql.charAt(i);
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    const rest = soql.slice(i);
    const column = i + 1;
    if (ch === "'") {
      let value = '';
      let j = i + 1;
      for (; j < soql.length; j++) {
        const c = soql.charAt(j);
        if (c === '\\') {
          const escaped = ESCAPES[soql.charAt(j + 1)];
          if (escaped === undefined) throw queryError(soql, j + 1, `Invalid string literal '${soql.slice(i, j + 2)}'. Illegal character sequence '\\${soql.charAt(j + 1)}' in string literal.`);
          value += escaped;
          j += 1;
        } else if (c === "'") break;
        else value += c;
      }
      if (j >= soql.length) throw queryError(soql, column, `unexpected token: '${rest}'`);
      tokens.push({ kind: 'string', text: value, column });
      i = j + 1;
      continue;
    }
    const datetime = DATETIME.exec(rest);
    if (datetime) {
      tokens.push({ kind: 'datetime', text: datetime[0], column });
      i += datetime[0].length;
      continue;
    }
    const date = DATE.exec(rest);
    if (date) {
      tokens.push({ kind: 'date', text: date[0], column });
      i += date[0].length;
      continue;
    }
    const number = NUMBER.exec(rest);
    if (number && (/\d/.test(ch) || /^[+-]\d/.test(rest))) {
      tokens.push({ kind: 'number', text: number[0], column });
      i += number[0].length;
      continue;
    }
    const ident = IDENT.exec(rest);
    if (ident) {
      tokens.push({ kind: 'ident', text: ident[0], column });
      i += ident[0].length;
      continue;
    }
    const punct = PUNCT.find((p) => rest.startsWith(p));
    if (punct) {
      tokens.push({ kind: 'punct', text: punct === '<>' ? '!=' : punct, column });
      i += punct.length;
      continue;
    }
    throw queryError(soql, column, `unexpected token: '${ch}'`);
  }
  tokens.push({ kind: 'eof', text: '<EOF>', column: soql.length + 1 });
  return tokens;
}
