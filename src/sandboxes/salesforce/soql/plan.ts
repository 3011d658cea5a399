import { SalesforceApiError } from '../errors.ts';
import { isWellFormedId, toId18 } from '../ids.ts';
import type { SchemaCatalog } from '../schema/catalog.ts';
import { relationshipName } from '../schema/describe.ts';
import type { FieldDef, FieldValue, ObjectDef, SObjectRecord } from '../schema/types.ts';
import { parseTemporal } from '../data/values.ts';
import type { ComparisonOperator, Condition, Literal, SoqlQuery } from './ast.ts';
import { dateLiteralRange } from './date-literals.ts';
import { queryError } from './lexer.ts';
import { parseSoql } from './parser.ts';

export interface QueryPlan {
  object: ObjectDef;
  /** Selected fields in SELECT order, or `count` for `SELECT COUNT()`. */
  fields: FieldDef[] | 'count';
  matches(record: SObjectRecord): boolean;
  compare(a: SObjectRecord, b: SObjectRecord): number;
  sorted: boolean;
  limit?: number;
  offset?: number;
}

/** Maximum OFFSET: https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_offset.htm */
const MAX_OFFSET = 2000;

type Category = 'text' | 'id' | 'number' | 'boolean' | 'date' | 'datetime';
const CATEGORY: Record<FieldDef['type'], Category> = {
  string: 'text',
  textarea: 'text',
  email: 'text',
  phone: 'text',
  url: 'text',
  picklist: 'text',
  id: 'id',
  reference: 'id',
  int: 'number',
  double: 'number',
  currency: 'number',
  percent: 'number',
  boolean: 'boolean',
  date: 'date',
  datetime: 'datetime',
};
const TYPE_NAME: Record<Category, string> = { text: 'string', id: 'id', number: 'double', boolean: 'boolean', date: 'date', datetime: 'dateTime' };

/** A stored record by object and Id, to follow a relationship path (`Product2.External_Id__c`). */
export type RelatedRecord = (object: ObjectDef, id: string) => SObjectRecord | undefined;

/**
 * Parses a SOQL string and binds it to the org's schema, answering the real error codes.
 * WHERE may name a field of a parent record through a lookup's relationship name, one level up
 * (`WHERE Product2.External_Id__c IN (...)`, `Pricebook2.IsStandard = true`); `related` reads
 * that parent (a missing or deleted parent reads as null, as an outer join does).
 */
export function planQuery(args: { catalog: SchemaCatalog; soql: string; now: number; related?: RelatedRecord }): QueryPlan {
  const { catalog, soql, now } = args;
  const query: SoqlQuery = parseSoql(soql);
  const object = catalog.object(query.from);
  if (!object) {
    throw new SalesforceApiError({
      errorCode: 'INVALID_TYPE',
      message: `\n${soql}\n${caretAt(soql, query.from)}\nsObject type '${query.from}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
    });
  }
  const resolve = (name: string, column?: number): FieldDef => {
    const field = catalog.field(object, name);
    if (field) return field;
    const position = column ?? soql.indexOf(name) + 1;
    const problem = name.includes('.')
      ? `Didn't understand relationship '${name.split('.')[0]}' in field path. This sandbox follows relationships in WHERE only, one level up.`
      : `No such column '${name}' on entity '${object.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`;
    throw new SalesforceApiError({ errorCode: 'INVALID_FIELD', message: queryError(soql, position, problem).message });
  };
  const resolvePath = (name: string, column: number): FieldPath => {
    const dot = name.indexOf('.');
    if (dot < 0 || name.indexOf('.', dot + 1) >= 0 || !args.related) {
      const field = resolve(name, column);
      return { field, read: (record) => record[field.name] };
    }
    const relationship = name.slice(0, dot);
    const lookup = object.fields.find((candidate) => relationshipName(candidate)?.toLowerCase() === relationship.toLowerCase());
    const parentObject = lookup ? catalog.object(lookup.referenceTo[0] ?? '') : undefined;
    if (!lookup || !parentObject) {
      const problem = `Didn't understand relationship '${relationship}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`;
      throw new SalesforceApiError({ errorCode: 'INVALID_FIELD', message: queryError(soql, column, problem).message });
    }
    const field = catalog.field(parentObject, name.slice(dot + 1));
    if (!field) {
      const problem = `No such column '${name.slice(dot + 1)}' on entity '${parentObject.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`;
      throw new SalesforceApiError({ errorCode: 'INVALID_FIELD', message: queryError(soql, column + dot + 1, problem).message });
    }
    const related = args.related;
    return {
      field,
      read: (record) => {
        const parentId = record[lookup.name];
        return typeof parentId === 'string' ? (related(parentObject, parentId)?.[field.name] ?? null) : null;
      },
    };
  };
  let fields: FieldDef[] | 'count' = 'count';
  if (query.select.kind === 'fields') {
    fields = query.select.fields.map((name) => resolve(name));
    const seen = new Set<string>();
    for (const field of fields) {
      if (seen.has(field.name)) throw queryError(soql, soql.lastIndexOf(field.name) + 1, `duplicate field selected: ${field.name}`);
      seen.add(field.name);
    }
  }
  const matches = query.where ? compileCondition(query.where, { soql, now, resolve: resolvePath }) : () => true;
  const orderBy = query.orderBy.map((item) => {
    const field = resolve(item.field);
    if (field.type === 'textarea') throw queryError(soql, soql.indexOf(item.field) + 1, `field '${field.name}' can not be sorted in a query call`);
    return { ...item, field };
  });
  if (query.offset !== undefined && query.offset > MAX_OFFSET) {
    throw new SalesforceApiError({ errorCode: 'NUMBER_OUTSIDE_VALID_RANGE', message: `Maximum SOQL offset allowed is ${MAX_OFFSET}` });
  }
  const compare = (a: SObjectRecord, b: SObjectRecord): number => {
    for (const { field, direction, nulls } of orderBy) {
      const av = a[field.name] ?? null;
      const bv = b[field.name] ?? null;
      if (av === bv) continue;
      if (av === null) return nulls === 'FIRST' ? -1 : 1;
      if (bv === null) return nulls === 'FIRST' ? 1 : -1;
      const order = compareValues(CATEGORY[field.type], av, bv);
      if (order !== 0) return direction === 'ASC' ? order : -order;
    }
    return 0;
  };
  return {
    object,
    fields,
    matches,
    compare,
    sorted: orderBy.length > 0,
    ...(query.limit !== undefined ? { limit: query.limit } : {}),
    ...(query.offset !== undefined ? { offset: query.offset } : {}),
  };
}

function caretAt(soql: string, token: string): string {
  return ' '.repeat(Math.max(0, soql.indexOf(token))) + '^';
}

function compareValues(category: Category, a: Exclude<FieldValue, null>, b: Exclude<FieldValue, null>): number {
  if (category === 'number') return Number(a) - Number(b);
  if (category === 'boolean') return Number(a) - Number(b);
  if (category === 'date' || category === 'datetime') return parseTemporal(String(a)) - parseTemporal(String(b));
  const x = String(a).toLowerCase();
  const y = String(b).toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A filtered field and how to read its value from a queried record (through a relationship or not). */
interface FieldPath {
  field: FieldDef;
  read(record: SObjectRecord): FieldValue | undefined;
}

interface CompileContext {
  soql: string;
  now: number;
  resolve(name: string, column: number): FieldPath;
}

type Predicate = (record: SObjectRecord) => boolean;

function compileCondition(condition: Condition, ctx: CompileContext): Predicate {
  switch (condition.kind) {
    case 'and': {
      const [l, r] = [compileCondition(condition.left, ctx), compileCondition(condition.right, ctx)];
      return (rec) => l(rec) && r(rec);
    }
    case 'or': {
      const [l, r] = [compileCondition(condition.left, ctx), compileCondition(condition.right, ctx)];
      return (rec) => l(rec) || r(rec);
    }
    case 'not': {
      const inner = compileCondition(condition.operand, ctx);
      return (rec) => !inner(rec);
    }
    case 'like': {
      const path = filterable(ctx, condition.field, condition.column);
      const { field } = path;
      if (CATEGORY[field.type] !== 'text' && CATEGORY[field.type] !== 'id') {
        throw filterError(ctx, condition.column, `invalid operator on ${TYPE_NAME[CATEGORY[field.type]]} field: LIKE`);
      }
      const regex = likeToRegExp(condition.pattern);
      return (rec) => {
        const value = path.read(rec);
        return value !== null && value !== undefined && regex.test(String(value));
      };
    }
    case 'in': {
      const field = filterable(ctx, condition.field, condition.column);
      const tests = condition.values.map((value) => compileComparison(ctx, field, '=', value, condition.column));
      return condition.negated ? (rec) => !tests.some((t) => t(rec)) : (rec) => tests.some((t) => t(rec));
    }
    case 'compare':
      return compileComparison(ctx, filterable(ctx, condition.field, condition.column), condition.op, condition.value, condition.column);
  }
}

function filterable(ctx: CompileContext, name: string, column: number): FieldPath {
  const path = ctx.resolve(name, column);
  if (path.field.type === 'textarea') throw filterError(ctx, column, `field '${path.field.name}' can not be filtered in a query call`);
  return path;
}

function filterError(ctx: CompileContext, column: number, problem: string): SalesforceApiError {
  return new SalesforceApiError({ errorCode: 'INVALID_QUERY_FILTER_OPERATOR', message: queryError(ctx.soql, column, problem).message });
}

function likeToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern.charAt(i);
    if (ch === '\\' && (pattern.charAt(i + 1) === '%' || pattern.charAt(i + 1) === '_')) {
      source += pattern.charAt(i + 1);
      i += 1;
    } else if (ch === '%') source += '.*';
    else if (ch === '_') source += '.';
    else source += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'is');
}

function holds(op: ComparisonOperator, order: number): boolean {
  switch (op) {
    case '=':
      return order === 0;
    case '!=':
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
}

function compileComparison(ctx: CompileContext, path: FieldPath, op: ComparisonOperator, value: Literal, column: number): Predicate {
  const { field, read } = path;
  const category = CATEGORY[field.type];
  const name = field.name;
  const wrongType = (): SalesforceApiError => {
    const quoting = category === 'text' || category === 'id' ? 'should be enclosed in quotes' : 'should not be enclosed in quotes';
    return filterError(ctx, column, `value of filter criterion for field '${name}' must be of type ${TYPE_NAME[category]} and ${quoting}`);
  };
  if (value.kind === 'null') {
    if (op !== '=' && op !== '!=') throw filterError(ctx, column, `invalid operator on null value: ${op}`);
    return op === '=' ? (rec) => read(rec) === null || read(rec) === undefined : (rec) => read(rec) !== null && read(rec) !== undefined;
  }
  const present = (rec: SObjectRecord): boolean => read(rec) !== null && read(rec) !== undefined;
  switch (category) {
    case 'text': {
      if (value.kind !== 'string') throw wrongType();
      const target = value.value.toLowerCase();
      return (rec) => {
        if (!present(rec)) return op === '!=';
        const actual = String(read(rec)).toLowerCase();
        return holds(op, actual < target ? -1 : actual > target ? 1 : 0);
      };
    }
    case 'id': {
      if (value.kind !== 'string') throw wrongType();
      if (!isWellFormedId(value.value)) throw filterError(ctx, column, `invalid ID field: ${value.value}`);
      const target = toId18(value.value);
      return (rec) => (present(rec) ? holds(op, String(read(rec)) < target ? -1 : String(read(rec)) > target ? 1 : 0) : op === '!=');
    }
    case 'number': {
      if (value.kind !== 'number') throw wrongType();
      return (rec) => (present(rec) ? holds(op, Number(read(rec)) - value.value) : op === '!=');
    }
    case 'boolean': {
      if (value.kind !== 'boolean') throw wrongType();
      if (op !== '=' && op !== '!=') throw filterError(ctx, column, `invalid operator on boolean field: ${op}`);
      return (rec) => holds(op, read(rec) === value.value ? 0 : 1);
    }
    case 'date':
    case 'datetime': {
      let range: { start: number; end: number };
      if (value.kind === 'dateLiteral') range = dateLiteralRange(value, ctx.now);
      else if (category === 'date' && value.kind === 'date') range = { start: parseTemporal(value.value), end: parseTemporal(value.value) + 1 };
      else if (category === 'datetime' && value.kind === 'datetime') range = { start: value.ms, end: value.ms + 1 };
      else throw wrongType();
      return (rec) => {
        if (!present(rec)) return op === '!=';
        const ms = parseTemporal(String(read(rec)));
        const order = ms < range.start ? -1 : ms >= range.end ? 1 : 0;
        return holds(op, order);
      };
    }
  }
}
