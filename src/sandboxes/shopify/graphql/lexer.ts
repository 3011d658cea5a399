import type { SourceLocation } from './ast.ts';

export type TokenKind = 'punctuator' | 'name' | 'int' | 'float' | 'string' | 'eof';

export interface Token {
  kind: TokenKind;
  value: string;
  location: SourceLocation;
}

/** A document that is not valid GraphQL syntax; the message follows graphql-ruby (Shopify's server). */
export class GraphQLSyntaxError extends Error {
  readonly location: SourceLocation;
  constructor(message: string, location: SourceLocation) {
    super(message);
    this.name = 'GraphQLSyntaxError';
    this.location = location;
  }
}

const PUNCTUATORS = new Set(['!', '$', '&', '(', ')', ':', '=', '@', '[', ']', '{', '|', '}']);

/** Splits a GraphQL document into tokens; whitespace, commas and comments are insignificant. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  let line = 1;
  let lineStart = 0;
  const here = (): SourceLocation => ({ line, column: index - lineStart + 1 });

  while (index < source.length) {
    const char = source[index] as string;
    if (char === '\n') {
      index++;
      line++;
      lineStart = index;
      continue;
    }
    if (char === ' ' || char === '\t' || char === '\r' || char === ',' || char === '\uFEFF') {
      index++;
      continue;
    }
    if (char === '#') {
      while (index < source.length && source[index] !== '\n') index++;
      continue;
    }
    const location = here();
    if (source.startsWith('...', index)) {
      tokens.push({ kind: 'punctuator', value: '...', location });
      index += 3;
      continue;
    }
    if (PUNCTUATORS.has(char)) {
      tokens.push({ kind: 'punctuator', value: char, location });
      index++;
      continue;
    }
    if (/[A-Za-z_]/.test(char)) {
      const start = index;
      while (index < source.length && /[A-Za-z0-9_]/.test(source[index] as string)) index++;
      tokens.push({ kind: 'name', value: source.slice(start, index), location });
      continue;
    }
    if (char === '-' || /[0-9]/.test(char)) {
      const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(source.slice(index));
      if (!match) throw new GraphQLSyntaxError(`Parse error on "${char}" at [${location.line}, ${location.column}]`, location);
      const text = match[0];
      tokens.push({ kind: match[2] || match[3] ? 'float' : 'int', value: text, location });
      index += text.length;
      continue;
    }
    if (source.startsWith('"""', index)) {
      const end = source.indexOf('"""', index + 3);
      if (end < 0) throw new GraphQLSyntaxError(`Parse error on unterminated block string at [${location.line}, ${location.column}]`, location);
      const raw = source.slice(index + 3, end);
      tokens.push({ kind: 'string', value: blockStringValue(raw), location });
      for (const c of raw) if (c === '\n') line++;
      index = end + 3;
      if (raw.includes('\n')) lineStart = source.lastIndexOf('\n', end) + 1;
      continue;
    }
    if (char === '"') {
      const { value, end } = readString(source, index, location);
      tokens.push({ kind: 'string', value, location });
      index = end;
      continue;
    }
    throw new GraphQLSyntaxError(`Parse error on "${char}" at [${location.line}, ${location.column}]`, location);
  }
  tokens.push({ kind: 'eof', value: '', location: here() });
  return tokens;
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function readString(source: string, start: number, location: SourceLocation): { value: string; end: number } {
  let index = start + 1;
  let value = '';
  while (index < source.length) {
    const char = source[index] as string;
    if (char === '"') return { value, end: index + 1 };
    if (char === '\n') break;
    if (char === '\\') {
      const next = source[index + 1] ?? '';
      if (next === 'u') {
        value += String.fromCharCode(parseInt(source.slice(index + 2, index + 6), 16));
        index += 6;
        continue;
      }
      const escaped = ESCAPES[next];
      if (escaped === undefined) break;
      value += escaped;
      index += 2;
      continue;
    }
    value += char;
    index++;
  }
  throw new GraphQLSyntaxError(`Parse error on unterminated string at [${location.line}, ${location.column}]`, location);
}

/** Block strings drop their common indentation and blank first/last lines (spec 2.9.4). */
function blockStringValue(raw: string): string {
  const lines = raw.replace(/\\"""/g, '"""').split(/\r\n|\n|\r/);
  let indent = Number.POSITIVE_INFINITY;
  for (const text of lines.slice(1)) {
    const leading = /^[ \t]*/.exec(text)?.[0].length ?? 0;
    if (leading < text.length) indent = Math.min(indent, leading);
  }
  const trimmed = lines.map((text, i) => (i === 0 || indent === Number.POSITIVE_INFINITY ? text : text.slice(indent)));
  while (trimmed.length > 0 && (trimmed[0] ?? '').trim() === '') trimmed.shift();
  while (trimmed.length > 0 && (trimmed[trimmed.length - 1] ?? '').trim() === '') trimmed.pop();
  return trimmed.join('\n');
}
