import type { Expr } from './ast.ts';
import { SuiteQlError } from './ast.ts';
import { defaultDateText, formatWithMask, parseDateLiteral, parseWithMask } from './dates.ts';
import type { Row, Value } from './tables.ts';

/** The joined rows visible to an expression: table alias → row (null for an unmatched LEFT JOIN). */
export type Scope = Map<string, Row | null>;

/** A column reference already resolved to its table alias (see resolve.ts). */
export type Resolver = (column: { table?: string; name: string }) => { alias: string; name: string };

export interface EvaluationContext {
  resolve: Resolver;
  now: Date;
}

type Truth = boolean | null;

export function evaluate(expr: Expr, scope: Scope, context: EvaluationContext): Value {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'column': {
      const { alias, name } = context.resolve(expr);
      return scope.get(alias)?.values[name] ?? null;
    }
    case 'call':
      return call(expr, scope, context);
    default: {
      const truth = test(expr, scope, context);
      return truth === null ? null : truth ? 'T' : 'F';
    }
  }
}

/** SQL three-valued logic: null is unknown. */
export function test(expr: Expr, scope: Scope, context: EvaluationContext): Truth {
  switch (expr.kind) {
    case 'logical': {
      const left = test(expr.left, scope, context);
      if (expr.op === 'AND' && left === false) return false;
      if (expr.op === 'OR' && left === true) return true;
      const right = test(expr.right, scope, context);
      if (expr.op === 'AND') return right === false ? false : left === null || right === null ? null : true;
      return right === true ? true : left === null || right === null ? null : false;
    }
    case 'not': {
      const inner = test(expr.expr, scope, context);
      return inner === null ? null : !inner;
    }
    case 'compare': {
      const order = compareValues(evaluate(expr.left, scope, context), evaluate(expr.right, scope, context));
      if (order === null) return null;
      switch (expr.op) {
        case '=':
          return order === 0;
        case '<>':
          return order !== 0;
        case '<':
          return order < 0;
        case '<=':
          return order <= 0;
        case '>':
          return order > 0;
        case '>=':
          return order >= 0;
      }
      return null;
    }
    case 'like': {
      const value = evaluate(expr.expr, scope, context);
      const pattern = evaluate(expr.pattern, scope, context);
      if (value === null || pattern === null) return null;
      const matches = likeToRegExp(String(pattern)).test(asText(value));
      return expr.negated ? !matches : matches;
    }
    case 'in': {
      const value = evaluate(expr.expr, scope, context);
      if (value === null) return null;
      const found = expr.list.some((item) => compareValues(value, evaluate(item, scope, context)) === 0);
      return expr.negated ? !found : found;
    }
    case 'between': {
      const value = evaluate(expr.expr, scope, context);
      const low = compareValues(value, evaluate(expr.low, scope, context));
      const high = compareValues(value, evaluate(expr.high, scope, context));
      if (low === null || high === null) return null;
      const inside = low >= 0 && high <= 0;
      return expr.negated ? !inside : inside;
    }
    case 'isNull': {
      const isNull = evaluate(expr.expr, scope, context) === null;
      return expr.negated ? !isNull : isNull;
    }
    default: {
      const value = evaluate(expr, scope, context);
      if (value === null) return null;
      return value === 'T';
    }
  }
}

/** Orders two values; a date against a string parses the string as a date; null compares as unknown. */
export function compareValues(a: Value, b: Value): number | null {
  if (a === null || b === null) return null;
  if (a instanceof Date || b instanceof Date) {
    const left = toDate(a);
    const right = toDate(b);
    return Math.sign(left.getTime() - right.getTime());
  }
  const leftNumber = typeof a === 'number' ? a : Number(a);
  const rightNumber = typeof b === 'number' ? b : Number(b);
  if ((typeof a === 'number' || typeof b === 'number') && Number.isFinite(leftNumber) && Number.isFinite(rightNumber)) {
    return Math.sign(leftNumber - rightNumber);
  }
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

function toDate(value: Value): Date {
  if (value instanceof Date) return value;
  const parsed = typeof value === 'string' ? parseDateLiteral(value) : undefined;
  if (!parsed) throw new SuiteQlError(`Cannot compare a date with '${String(value)}'; use TO_DATE('...', 'YYYY-MM-DD HH24:MI:SS').`);
  return parsed;
}

function likeToRegExp(pattern: string): RegExp {
  const source = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(`^${source}$`, 's');
}

export function asText(value: Value): string {
  if (value instanceof Date) return defaultDateText(value);
  return String(value);
}

const AGGREGATES = new Set(['COUNT', 'SUM', 'MIN', 'MAX', 'AVG']);

export function isAggregate(expr: Expr): boolean {
  return expr.kind === 'call' && AGGREGATES.has(expr.name);
}

function call(expr: Extract<Expr, { kind: 'call' }>, scope: Scope, context: EvaluationContext): Value {
  const arg = (index: number): Value => {
    const argument = expr.args[index];
    return argument ? evaluate(argument, scope, context) : null;
  };
  switch (expr.name) {
    case 'TO_DATE':
    case 'TO_TIMESTAMP': {
      const value = arg(0);
      if (value === null) return null;
      if (value instanceof Date) return value;
      const mask = arg(1);
      if (mask !== null) return parseWithMask(String(value), String(mask));
      const parsed = parseDateLiteral(String(value));
      if (!parsed) throw new SuiteQlError(`${expr.name}('${String(value)}') needs a format mask, e.g. 'YYYY-MM-DD'.`);
      return parsed;
    }
    case 'TO_CHAR': {
      const value = arg(0);
      if (value === null) return null;
      const mask = arg(1);
      if (value instanceof Date) return mask === null ? defaultDateText(value) : formatWithMask(value, String(mask));
      return String(value);
    }
    case 'UPPER':
      return mapText(arg(0), (s) => s.toUpperCase());
    case 'LOWER':
      return mapText(arg(0), (s) => s.toLowerCase());
    case 'NVL':
    case 'COALESCE':
      for (let i = 0; i < expr.args.length; i++) {
        const value = arg(i);
        if (value !== null) return value;
      }
      return null;
    case 'CONCAT':
      return `${arg(0) === null ? '' : asText(arg(0) as Value)}${arg(1) === null ? '' : asText(arg(1) as Value)}`;
    case 'SYSDATE':
    case 'CURRENT_DATE':
    case 'CURRENT_TIMESTAMP':
      return context.now;
    case 'BUILTIN.DF': {
      const target = expr.args[0];
      if (target?.kind !== 'column') throw new SuiteQlError('BUILTIN.DF takes a column.');
      const { alias, name } = context.resolve(target);
      const row = scope.get(alias);
      return row?.display[name] ?? row?.values[name] ?? null;
    }
    case 'ROWNUM':
      throw new SuiteQlError('ROWNUM is not supported by this sandbox; use TOP or the limit/offset query parameters.');
    default:
      if (AGGREGATES.has(expr.name)) throw new SuiteQlError(`${expr.name} is only allowed in the select list.`);
      throw new SuiteQlError(`Unknown function ${expr.name}.`);
  }
}

function mapText(value: Value, map: (text: string) => string): Value {
  return value === null ? null : map(asText(value));
}
