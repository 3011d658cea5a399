import type { Expr, SelectQuery } from './ast.ts';
import { SuiteQlError } from './ast.ts';
import type { EvaluationContext, Resolver, Scope } from './evaluate.ts';
import { asText, compareValues, evaluate, isAggregate, test } from './evaluate.ts';
import { parseSuiteQl } from './parser.ts';
import type { RecordStore } from '../records/store.ts';
import type { Row, Value } from './tables.ts';
import { TABLES } from './tables.ts';

/** One result row as SuiteQL returns it: lowercase keys, text values, null columns left out. */
export type ResultRow = Record<string, string>;

/** Runs a SuiteQL query over the account's records; throws SuiteQlError for a bad query. */
export function runSuiteQl(sql: string, store: RecordStore, now: Date): ResultRow[] {
  const query = parseSuiteQl(sql);
  const sources = [query.from, ...query.joins];
  const aliases = new Map<string, string>();
  for (const source of sources) {
    if (!TABLES[source.table]) throw new SuiteQlError(`Record '${source.table}' was not found.`);
    if (aliases.has(source.alias)) throw new SuiteQlError(`The table alias '${source.alias}' is used twice.`);
    aliases.set(source.alias, source.table);
  }
  const resolve = makeResolver(aliases);
  const context: EvaluationContext = { resolve, now };
  validateColumns(query, resolve);

  let scopes: Scope[] = (TABLES[query.from.table]?.rows(store) ?? []).map((row) => new Map([[query.from.alias, row]]));
  for (const join of query.joins) {
    const rows = TABLES[join.table]?.rows(store) ?? [];
    scopes = scopes.flatMap((scope) => {
      const matched = rows.map((row) => new Map([...scope, [join.alias, row]])).filter((candidate) => test(join.on, candidate, context) === true);
      return matched.length > 0 || join.type === 'INNER' ? matched : [new Map<string, Row | null>([...scope, [join.alias, null]])];
    });
  }
  if (query.where) {
    const where = query.where;
    scopes = scopes.filter((scope) => test(where, scope, context) === true);
  }

  const aggregates = query.select.filter((item) => item.kind === 'expr' && isAggregate(item.expr));
  if (aggregates.length > 0) {
    if (aggregates.length !== query.select.length) throw new SuiteQlError('Mixing aggregates and columns needs GROUP BY, which this sandbox does not support.');
    return [aggregateRow(query, scopes, context)];
  }

  if (query.orderBy.length > 0) {
    const keyed = scopes.map((scope) => ({ scope, keys: query.orderBy.map((order) => evaluate(orderExpression(order.expr, query), scope, context)) }));
    keyed.sort((a, b) => {
      for (const [index, order] of query.orderBy.entries()) {
        const cmp = compareForSort(a.keys[index] ?? null, b.keys[index] ?? null);
        if (cmp !== 0) return order.descending ? -cmp : cmp;
      }
      return 0;
    });
    scopes = keyed.map((entry) => entry.scope);
  }

  let rows = scopes.map((scope) => project(query, scope, context, aliases));
  if (query.distinct) {
    const seen = new Set<string>();
    rows = rows.filter((row) => {
      const key = JSON.stringify(row);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
  return query.top !== undefined ? rows.slice(0, query.top) : rows;
}

function makeResolver(aliases: Map<string, string>): Resolver {
  return (column) => {
    if (column.table !== undefined) {
      const table = aliases.get(column.table);
      if (!table) throw new SuiteQlError(`Unknown identifier '${column.table}.${column.name}'.`);
      if (!TABLES[table]?.columns.includes(column.name)) throw new SuiteQlError(`Field '${column.name}' for record '${table}' was not found.`);
      return { alias: column.table, name: column.name };
    }
    const owners = [...aliases].filter(([, table]) => TABLES[table]?.columns.includes(column.name));
    if (owners.length === 0) throw new SuiteQlError(`Unknown identifier '${column.name}'.`);
    if (owners.length > 1) throw new SuiteQlError(`Column '${column.name}' is ambiguous; qualify it with a table alias.`);
    return { alias: (owners[0] as [string, string])[0], name: column.name };
  };
}

/** Checks every column before running, so an unknown field is reported even on an empty table. */
function validateColumns(query: SelectQuery, resolve: Resolver): void {
  const aliases = new Set(query.select.flatMap((item) => (item.kind === 'expr' && item.alias ? [item.alias] : [])));
  const visit = (expr: Expr, allowAliases: boolean): void => {
    switch (expr.kind) {
      case 'column':
        if (allowAliases && expr.table === undefined && aliases.has(expr.name)) return;
        resolve(expr);
        return;
      case 'call':
        expr.args.forEach((arg) => visit(arg, allowAliases));
        return;
      case 'logical':
        visit(expr.left, allowAliases);
        visit(expr.right, allowAliases);
        return;
      case 'not':
        visit(expr.expr, allowAliases);
        return;
      case 'compare':
        visit(expr.left, allowAliases);
        visit(expr.right, allowAliases);
        return;
      case 'like':
        visit(expr.expr, allowAliases);
        visit(expr.pattern, allowAliases);
        return;
      case 'in':
        visit(expr.expr, allowAliases);
        expr.list.forEach((item) => visit(item, allowAliases));
        return;
      case 'between':
        [expr.expr, expr.low, expr.high].forEach((item) => visit(item, allowAliases));
        return;
      case 'isNull':
        visit(expr.expr, allowAliases);
        return;
      case 'literal':
        return;
    }
  };
  for (const item of query.select) {
    if (item.kind === 'expr') visit(item.expr, false);
    else if (item.table !== undefined && !query.joins.some((j) => j.alias === item.table) && query.from.alias !== item.table) {
      throw new SuiteQlError(`Unknown identifier '${item.table}.*'.`);
    }
  }
  for (const join of query.joins) visit(join.on, false);
  if (query.where) visit(query.where, false);
  for (const order of query.orderBy) visit(order.expr, true);
}

/** ORDER BY may name a select alias. */
function orderExpression(expr: Expr, query: SelectQuery): Expr {
  if (expr.kind !== 'column' || expr.table !== undefined) return expr;
  const aliased = query.select.find((item) => item.kind === 'expr' && item.alias === expr.name);
  return aliased?.kind === 'expr' ? aliased.expr : expr;
}

/** Oracle puts NULLs last when ascending. */
function compareForSort(a: Value, b: Value): number {
  if (a === null && b === null) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return compareValues(a, b) ?? 0;
}

function project(query: SelectQuery, scope: Scope, context: EvaluationContext, aliases: Map<string, string>): ResultRow {
  const row: ResultRow = {};
  let unnamed = 0;
  for (const item of query.select) {
    if (item.kind === 'all') {
      for (const [alias, table] of aliases) {
        if (item.table !== undefined && item.table !== alias) continue;
        const source = scope.get(alias);
        for (const column of TABLES[table]?.columns ?? []) put(row, column, source?.values[column] ?? null);
      }
      continue;
    }
    const name = item.alias ?? (item.expr.kind === 'column' ? item.expr.name : `expr${++unnamed}`);
    put(row, name, evaluate(item.expr, scope, context));
  }
  return row;
}

function put(row: ResultRow, name: string, value: Value): void {
  if (value !== null) row[name] = asText(value);
}

function aggregateRow(query: SelectQuery, scopes: Scope[], context: EvaluationContext): ResultRow {
  const row: ResultRow = {};
  let unnamed = 0;
  for (const item of query.select) {
    if (item.kind !== 'expr' || item.expr.kind !== 'call') continue;
    const call = item.expr;
    const argument = call.args[0];
    const values = call.star || !argument ? scopes.map(() => 1 as Value) : scopes.map((scope) => evaluate(argument, scope, context)).filter((v) => v !== null);
    let result: Value;
    if (call.name === 'COUNT') result = values.length;
    else if (call.name === 'SUM' || call.name === 'AVG') {
      const sum = values.reduce<number>((total, v) => total + Number(v), 0);
      result = values.length === 0 ? null : call.name === 'SUM' ? sum : sum / values.length;
    } else {
      result = values.reduce<Value>((best, v) => (best === null || (compareValues(v, best) ?? 0) * (call.name === 'MIN' ? -1 : 1) > 0 ? v : best), null);
    }
    put(row, item.alias ?? `expr${++unnamed}`, result);
  }
  return row;
}
