import { Kind, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { ConfigPath } from './errors.ts';
import { patternHints } from './schema.ts';
import { closestMatch } from './suggest.ts';

export interface SchemaIssue {
  path: ConfigPath;
  message: string;
  /** True when the issue is about a key itself (unknown or malformed), not its value. */
  aboutKey?: boolean;
}

export interface Validated {
  value: unknown;
  issues: SchemaIssue[];
}

interface WalkContext {
  issues: SchemaIssue[];
  /** Values from the environment: never echoed in a message; numbers in them are coerced. */
  isFromEnvironment(path: ConfigPath): boolean;
}

/**
 * Validates a parsed document against a TypeBox schema and fills in its defaults, with messages
 * written for people: every issue names its key path, what was expected and what was found,
 * and a close known key or value when there is one. TypeBox's own checker runs last as a
 * guard, so the schema stays the single definition of what is valid.
 */
export function validateAgainstSchema(schema: TSchema, document: unknown, options: { fromEnvironment?: readonly ConfigPath[] } = {}): Validated {
  const secret = new Set((options.fromEnvironment ?? []).map((path) => JSON.stringify(path)));
  const context: WalkContext = { issues: [], isFromEnvironment: (path) => secret.has(JSON.stringify(path)) };
  const value = walk(schema, document, [], context);
  if (context.issues.length === 0 && !Value.Check(schema, value)) {
    for (const error of Value.Errors(schema, value)) {
      context.issues.push({ path: error.path.split('/').filter(Boolean), message: error.message });
    }
  }
  return { value, issues: context.issues };
}

function walk(schema: TSchema, input: unknown, path: ConfigPath, context: WalkContext): unknown {
  const value = input === undefined && schema.default !== undefined ? structuredClone(schema.default) : input;
  // Absent and without a default: the enclosing object decides whether that is allowed.
  if (value === undefined) return undefined;
  switch (schema[Kind]) {
    case 'Object':
      return walkObject(schema, value, path, context);
    case 'Record':
      return walkRecord(schema, value, path, context);
    case 'Union':
      return walkUnion(schema, value, path, context);
    case 'Literal':
      if (value !== schema.const) fail(context, path, `must be ${JSON.stringify(schema.const)}, got ${shown(value, path, context)}`);
      return value;
    case 'String':
      return walkString(schema, value, path, context);
    case 'Integer':
    case 'Number':
      return walkNumber(schema, value, path, context);
    case 'Array':
      return walkArray(schema, value, path, context);
    case 'Boolean':
      if (typeof value !== 'boolean') fail(context, path, `must be true or false, got ${shown(value, path, context)}`);
      return value;
    default:
      return value;
  }
}

function walkObject(schema: TSchema, value: unknown, path: ConfigPath, context: WalkContext): unknown {
  if (!isMapping(value)) {
    fail(context, path, `must be a mapping of keys to values, got ${shown(value, path, context)}`);
    return value;
  }
  const properties = schema.properties as Record<string, TSchema>;
  const required = new Set<string>(schema.required ?? []);
  const known = Object.keys(properties);
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (key in properties) continue;
    const suggestion = closestMatch(key, known);
    context.issues.push({
      path: [...path, key],
      aboutKey: true,
      message: `unknown key${suggestion ? `; did you mean "${suggestion}"?` : `; known keys here: ${known.join(', ')}`}`,
    });
  }
  for (const [key, propertySchema] of Object.entries(properties)) {
    const walked = walk(propertySchema, value[key], [...path, key], context);
    if (walked === undefined) {
      if (required.has(key)) fail(context, [...path, key], 'is required');
      continue;
    }
    result[key] = walked;
  }
  return result;
}

function walkRecord(schema: TSchema, value: unknown, path: ConfigPath, context: WalkContext): unknown {
  if (!isMapping(value)) {
    fail(context, path, `must be a mapping of keys to values, got ${shown(value, path, context)}`);
    return value;
  }
  const [pattern, valueSchema] = Object.entries(schema.patternProperties as Record<string, TSchema>)[0]!;
  const keyPattern = new RegExp(pattern);
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (!keyPattern.test(key)) {
      context.issues.push({ path: [...path, key], aboutKey: true, message: `is not a valid key: use ${patternHints[pattern] ?? `the pattern ${pattern}`}` });
    }
    result[key] = walk(valueSchema, item, [...path, key], context);
  }
  return result;
}

function walkUnion(schema: TSchema, value: unknown, path: ConfigPath, context: WalkContext): unknown {
  const variants = schema.anyOf as TSchema[];
  const discriminated = variants.every((variant) => variant[Kind] === 'Object' && variant.properties?.kind?.[Kind] === 'Literal');
  if (discriminated) {
    const kinds = variants.map((variant) => String(variant.properties.kind.const));
    if (!isMapping(value)) {
      fail(context, path, `must be a mapping with a "kind" of ${listOf(kinds)}, got ${shown(value, path, context)}`);
      return value;
    }
    const chosen = variants.find((variant) => variant.properties.kind.const === value.kind);
    if (!chosen) {
      const kindPath = [...path, 'kind'];
      if (value.kind === undefined) fail(context, kindPath, `is required: one of ${listOf(kinds)}`);
      else fail(context, kindPath, `must be one of ${listOf(kinds)}, got ${shown(value.kind, kindPath, context)}${didYouMean(value.kind, kinds)}`);
      return value;
    }
    return walk(chosen, value, path, context);
  }
  const literals = variants.filter((variant) => variant[Kind] === 'Literal').map((variant) => variant.const as unknown);
  if (literals.includes(value)) return value;
  // Other variants (e.g. a custom connector's module path): the first one that accepts the value.
  for (const variant of variants.filter((candidate) => candidate[Kind] !== 'Literal')) {
    const probe: WalkContext = { ...context, issues: [] };
    const walked = walk(variant, value, path, probe);
    if (probe.issues.length === 0) return walked;
  }
  const alternatives = [
    ...literals.map((literal) => JSON.stringify(literal)),
    ...variants.filter((variant) => variant[Kind] !== 'Literal').map((variant) => String(variant.hint ?? variant.description ?? variant[Kind])),
  ];
  const names = literals.map(String);
  fail(context, path, `must be one of ${alternatives.join(', ')}, got ${shown(value, path, context)}${didYouMean(value, names)}`);
  return value;
}

function walkString(schema: TSchema, value: unknown, path: ConfigPath, context: WalkContext): unknown {
  if (value === undefined) return value;
  // A `secret` string (e.g. a password hash) may hold a clear-text password by mistake: never echo it.
  const got = () => (schema.secret === true ? 'a value that is not shown (it may be a secret)' : shown(value, path, context));
  if (typeof value !== 'string') {
    fail(context, path, `must be a string, got ${got()}`);
    return value;
  }
  if (schema.minLength !== undefined && value.length < schema.minLength) {
    fail(context, path, schema.minLength === 1 ? 'must not be empty' : `must be at least ${schema.minLength} characters long`);
  } else if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) {
    fail(context, path, `must be ${schema.hint ?? patternHints[schema.pattern] ?? `a string matching ${schema.pattern}`}, got ${got()}`);
  }
  return value;
}

function walkNumber(schema: TSchema, input: unknown, path: ConfigPath, context: WalkContext): unknown {
  if (input === undefined) return input;
  // Values from the environment are always strings: read a number out of them.
  const value = typeof input === 'string' && context.isFromEnvironment(path) && /^[+-]?\d+(\.\d+)?$/.test(input.trim()) ? Number(input) : input;
  const integer = schema[Kind] === 'Integer';
  const valid =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    (schema.minimum === undefined || value >= schema.minimum) &&
    (schema.maximum === undefined || value <= schema.maximum) &&
    (schema.exclusiveMinimum === undefined || value > schema.exclusiveMinimum);
  if (!valid) {
    const kind = integer ? 'an integer' : 'a number';
    const range =
      schema.minimum !== undefined && schema.maximum !== undefined
        ? ` between ${schema.minimum} and ${schema.maximum}`
        : schema.minimum !== undefined
          ? ` of at least ${schema.minimum}`
          : schema.exclusiveMinimum !== undefined
            ? ` greater than ${schema.exclusiveMinimum}`
            : '';
    fail(context, path, `must be ${kind}${range}, got ${shown(input, path, context)}`);
  }
  return value;
}

function walkArray(schema: TSchema, value: unknown, path: ConfigPath, context: WalkContext): unknown {
  if (value === undefined) return value;
  if (!Array.isArray(value)) {
    fail(context, path, `must be a list, got ${shown(value, path, context)}`);
    return value;
  }
  if (schema.minItems !== undefined && value.length < schema.minItems) {
    fail(context, path, `must list at least ${schema.minItems} ${schema.minItems === 1 ? 'item' : 'items'}`);
  }
  return value.map((item, index) => walk(schema.items as TSchema, item, [...path, index], context));
}

function fail(context: WalkContext, path: ConfigPath, message: string): void {
  context.issues.push({ path, message });
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function listOf(values: readonly string[]): string {
  return values.map((value) => JSON.stringify(value)).join(', ');
}

function didYouMean(value: unknown, candidates: readonly string[]): string {
  if (typeof value !== 'string') return '';
  const suggestion = closestMatch(value, candidates);
  return suggestion ? `; did you mean "${suggestion}"?` : '';
}

/** The offending value for a message; never a value taken from the environment (secrets). */
function shown(value: unknown, path: ConfigPath, context: WalkContext): string {
  if (context.isFromEnvironment(path)) return 'a value from the environment (not shown)';
  if (value === undefined) return 'nothing';
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}..."` : text;
}
