import { ValueErrorType } from '@sinclair/typebox/errors';
import type { ValueError } from '@sinclair/typebox/errors';
import { personalDataKindOf } from './personal-data.ts';
import { EXPECTED_KEYWORD } from './primitives.ts';

/**
 * Turns TypeBox's errors ("Expected union value") into what a retailer's integration engineer
 * can act on: the field, in both JSON Pointer and dotted form, and the rule in words
 * ("must be one of placed, booked, ..."). Values are never echoed, except the wrong value of
 * an enumeration field that is not personal data: seeing "got shiped" is what fixes a mapping.
 */
export const IssueCode = {
  required: 'required',
  unknownField: 'unknown-field',
  wrongType: 'wrong-type',
  notAllowedValue: 'not-allowed-value',
  invalidFormat: 'invalid-format',
  outOfRange: 'out-of-range',
  wrongLength: 'wrong-length',
  wrongItemCount: 'wrong-item-count',
  invalid: 'invalid',
} as const;
export type IssueCode = (typeof IssueCode)[keyof typeof IssueCode];

export interface ValidationIssue {
  /** JSON Pointer (RFC 6901) to the field: `/lines/0/quantity`; `` is the whole value. */
  path: string;
  /** The same field as a developer writes it: `lines[0].quantity`. */
  field: string;
  /** The rule, in plain words, completing the field name: `must be an integer >= 1`. */
  reason: string;
  code: IssueCode;
}

type Schema = Record<string, unknown>;

function pointerSegments(path: string): string[] {
  if (path === '') return [];
  return path
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `/lines/0/quantity` → `lines[0].quantity`; keys that are not identifiers use `["key"]`. */
export function fieldName(path: string): string {
  let field = '';
  for (const segment of pointerSegments(path)) {
    if (/^(0|[1-9][0-9]*)$/.test(segment)) field += `[${segment}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(segment)) field += field === '' ? segment : `.${segment}`;
    else field += `[${JSON.stringify(segment)}]`;
  }
  return field === '' ? '(root)' : field;
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number';
}

function describeRange(noun: string, schema: Schema): string {
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = schema;
  if (isNumber(minimum) && isNumber(maximum)) return `${noun} from ${minimum} to ${maximum}`;
  const bounds: string[] = [];
  if (isNumber(minimum)) bounds.push(`>= ${minimum}`);
  if (isNumber(exclusiveMinimum)) bounds.push(`> ${exclusiveMinimum}`);
  if (isNumber(maximum)) bounds.push(`<= ${maximum}`);
  if (isNumber(exclusiveMaximum)) bounds.push(`< ${exclusiveMaximum}`);
  return bounds.length > 0 ? `${noun} ${bounds.join(' and ')}` : noun;
}

function enumValues(schema: Schema): unknown[] | undefined {
  const branches = schema.anyOf;
  if (!Array.isArray(branches) || branches.length === 0) return undefined;
  const values = branches.map((branch: Schema) => branch.const);
  return values.every((value) => value !== undefined) ? values : undefined;
}

/** The phrase after "must be", read from the schema. */
export function describeExpected(schema: Schema): string {
  const expected = schema[EXPECTED_KEYWORD];
  if (typeof expected === 'string') return expected;
  const values = enumValues(schema);
  if (values) return `one of ${values.map((value) => String(value)).join(', ')}`;
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (Array.isArray(schema.anyOf)) return schema.anyOf.map((branch: Schema) => describeExpected(branch)).join(' or ');
  switch (schema.type) {
    case 'integer':
      return describeRange('an integer', schema);
    case 'number':
      return describeRange('a number', schema);
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'null';
    case 'array':
      return 'a list';
    case 'object':
      return typeof schema.title === 'string' ? `an object (${schema.title})` : 'an object';
    case 'string': {
      if (typeof schema.format === 'string') return `a valid ${schema.format}`;
      const { minLength, maxLength } = schema;
      if (isNumber(minLength) && isNumber(maxLength)) return `text of ${minLength} to ${maxLength} characters`;
      if (isNumber(maxLength)) return `text of at most ${maxLength} characters`;
      if (isNumber(minLength)) return `text of at least ${minLength} characters`;
      if (typeof schema.pattern === 'string') return `text matching ${schema.pattern}`;
      return 'text';
    }
    default:
      return 'a valid value';
  }
}

function kindOfValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (Number.isInteger(value)) return 'an integer';
  switch (typeof value) {
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true/false';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

const TYPE_ERRORS = new Set<ValueErrorType>([
  ValueErrorType.String,
  ValueErrorType.Number,
  ValueErrorType.Integer,
  ValueErrorType.Boolean,
  ValueErrorType.Array,
  ValueErrorType.Object,
  ValueErrorType.Null,
]);

const RANGE_ERRORS = new Set<ValueErrorType>([
  ValueErrorType.IntegerMinimum,
  ValueErrorType.IntegerMaximum,
  ValueErrorType.IntegerExclusiveMinimum,
  ValueErrorType.IntegerExclusiveMaximum,
  ValueErrorType.IntegerMultipleOf,
  ValueErrorType.NumberMinimum,
  ValueErrorType.NumberMaximum,
  ValueErrorType.NumberExclusiveMinimum,
  ValueErrorType.NumberExclusiveMaximum,
  ValueErrorType.NumberMultipleOf,
]);

function issue(error: ValueError, code: IssueCode, reason: string): ValidationIssue {
  return { path: error.path, field: fieldName(error.path), reason, code };
}

function lastSegment(path: string): string {
  return pointerSegments(path).at(-1) ?? '';
}

/** One TypeBox error in plain words. */
export function describeError(error: ValueError): ValidationIssue {
  const schema = error.schema as Schema;
  const mustBe = `must be ${describeExpected(schema)}`;
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return issue(error, IssueCode.required, `is required (${mustBe})`);
    case ValueErrorType.ObjectAdditionalProperties: {
      // Here `schema` is the parent object (or map) that does not accept the key.
      if (schema.patternProperties !== undefined) {
        const rule = typeof schema[EXPECTED_KEYWORD] === 'string' ? `; this field must be ${schema[EXPECTED_KEYWORD]}` : '';
        return issue(error, IssueCode.unknownField, `"${lastSegment(error.path)}" is not an accepted key${rule}`);
      }
      const owner = typeof schema.title === 'string' ? `${schema.title}` : 'this object';
      return issue(
        error,
        IssueCode.unknownField,
        `"${lastSegment(error.path)}" is not a field of ${owner}; check the spelling or remove it`,
      );
    }
    case ValueErrorType.Literal:
    case ValueErrorType.Union: {
      const values = enumValues(schema);
      const showValue =
        (values !== undefined || error.type === ValueErrorType.Literal) &&
        personalDataKindOf(schema) === undefined &&
        typeof error.value === 'string' &&
        error.value.length <= 64;
      const got = showValue ? ` (got ${JSON.stringify(error.value)})` : ` (got ${kindOfValue(error.value)})`;
      return issue(error, IssueCode.notAllowedValue, `${mustBe}${got}`);
    }
    case ValueErrorType.StringFormat:
    case ValueErrorType.StringFormatUnknown:
    case ValueErrorType.StringPattern:
      return issue(error, IssueCode.invalidFormat, mustBe);
    case ValueErrorType.StringMinLength:
    case ValueErrorType.StringMaxLength:
      return issue(error, IssueCode.wrongLength, mustBe);
    case ValueErrorType.ArrayMinItems:
      return issue(error, IssueCode.wrongItemCount, `must have at least ${String(schema.minItems)} item(s)`);
    case ValueErrorType.ArrayMaxItems:
      return issue(error, IssueCode.wrongItemCount, `must have at most ${String(schema.maxItems)} items`);
    case ValueErrorType.ArrayUniqueItems:
      return issue(error, IssueCode.invalid, 'must not list the same item twice');
    default:
      if (TYPE_ERRORS.has(error.type)) return issue(error, IssueCode.wrongType, `${mustBe} (got ${kindOfValue(error.value)})`);
      if (RANGE_ERRORS.has(error.type)) return issue(error, IssueCode.outOfRange, mustBe);
      return issue(error, IssueCode.invalid, mustBe);
  }
}
