import { SuiteQlError } from './ast.ts';

export type Token =
  | { type: 'word'; value: string; upper: string; position: number }
  | { type: 'number'; value: number; position: number }
  | { type: 'string'; value: string; position: number }
  | { type: 'symbol'; value: string; position: number }
  | { type: 'end'; position: number };

const SYMBOLS = ['<>', '!=', '<=', '>=', '||', '=', '<', '>', '(', ')', ',', '.', '*', '?'];

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql.charAt(i);
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '-' && sql.charAt(i + 1) === '-') {
      while (i < sql.length && sql.charAt(i) !== '\n') i++;
      continue;
    }
    if (ch === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= sql.length) throw new SuiteQlError(`Unterminated string literal at position ${i}.`);
        if (sql.charAt(j) === "'") {
          if (sql.charAt(j + 1) === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += sql.charAt(j++);
      }
      tokens.push({ type: 'string', value, position: i });
      i = j + 1;
      continue;
    }
    const number = /^\d+(\.\d+)?/.exec(sql.slice(i));
    if (number) {
      tokens.push({ type: 'number', value: Number(number[0]), position: i });
      i += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i)) ?? /^"([^"]+)"/.exec(sql.slice(i));
    if (word) {
      const value = word[1] ?? word[0];
      tokens.push({ type: 'word', value, upper: value.toUpperCase(), position: i });
      i += word[0].length;
      continue;
    }
    const symbol = SYMBOLS.find((s) => sql.startsWith(s, i));
    if (!symbol) throw new SuiteQlError(`Unexpected character '${ch}' at position ${i}.`);
    tokens.push({ type: 'symbol', value: symbol === '!=' ? '<>' : symbol, position: i });
    i += symbol.length;
  }
  tokens.push({ type: 'end', position: sql.length });
  return tokens;
}
