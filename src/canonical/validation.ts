import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { TypeCheck } from '@sinclair/typebox/compiler';
import { entitySchemas, isEntityName } from './entities.ts';
import type { EntityName, EntityOf } from './entities.ts';
import { registerCanonicalFormats } from './formats.ts';
import { describeError } from './validation-messages.ts';
import type { ValidationIssue } from './validation-messages.ts';

registerCanonicalFormats();

/** At most this many issues are reported: a file of 10,000 bad lines needs the first ones, not all. */
export const MAX_REPORTED_ISSUES = 100;

export type ValidationResult<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      errors: ValidationIssue[];
      /** `$id` (or title) of the schema checked. */
      schema: string;
      /** Human name of what was checked, e.g. `Order`. */
      title: string;
    };

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

function checkerFor(schema: TSchema): TypeCheck<TSchema> {
  let checker = compiled.get(schema);
  if (!checker) {
    checker = TypeCompiler.Compile(schema);
    compiled.set(schema, checker);
  }
  return checker;
}

function resolveSchema(schemaOrEntity: TSchema | EntityName): TSchema {
  if (typeof schemaOrEntity !== 'string') return schemaOrEntity;
  if (!isEntityName(schemaOrEntity)) {
    throw new TypeError(`"${String(schemaOrEntity)}" is not a canonical entity; known: ${Object.keys(entitySchemas).join(', ')}`);
  }
  return entitySchemas[schemaOrEntity];
}

function schemaName(schema: TSchema): { schema: string; title: string } {
  return { schema: schema.$id ?? schema.title ?? 'value', title: schema.title ?? schema.$id ?? 'value' };
}

function collectIssues(checker: TypeCheck<TSchema>, value: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seenPaths = new Set<string>();
  for (const error of checker.Errors(value)) {
    // TypeBox reports a missing field twice (required, then wrong type); the first says it best.
    if (seenPaths.has(error.path)) continue;
    seenPaths.add(error.path);
    issues.push(describeError(error));
    if (issues.length >= MAX_REPORTED_ISSUES) break;
  }
  return issues;
}

/**
 * Checks a value against a canonical entity (by name) or any TypeBox schema, and says what is
 * wrong in words an integration engineer can act on. Schemas are compiled once and cached.
 * Invalid data is an expected outcome at the edges (a mapping bug, a system sending junk), so
 * it comes back as a value; use `validateOrThrow` where invalid data is a programming error.
 *
 * @example
 * const result = validate('order', payload);
 * if (!result.ok) log.warn({ errors: result.errors }, 'order rejected');
 * // errors: [{ path: '/lines/0/quantity', field: 'lines[0].quantity',
 * //            reason: 'must be an integer >= 1', code: 'out-of-range' }]
 */
export function validate<N extends EntityName>(entity: N, value: unknown): ValidationResult<EntityOf<N>>;
export function validate<T extends TSchema>(schema: T, value: unknown): ValidationResult<Static<T>>;
export function validate(schemaOrEntity: TSchema | EntityName, value: unknown): ValidationResult<unknown> {
  const schema = resolveSchema(schemaOrEntity);
  const checker = checkerFor(schema);
  if (checker.Check(value)) return { ok: true, value };
  return { ok: false, errors: collectIssues(checker, value), ...schemaName(schema) };
}

/**
 * Invalid canonical data. Not retryable: the same payload fails the same way until a mapping
 * or the source record is fixed. Carries every issue (field + reason) for the dead-letter view.
 */
export class CanonicalValidationError extends Error {
  readonly retryable = false;
  readonly code = 'CANONICAL_VALIDATION_FAILED';
  /** `$id` or title of the schema checked. */
  readonly schema: string;
  readonly errors: ValidationIssue[];
  /** The first offending field, in dotted form. */
  readonly field: string | undefined;

  constructor(failure: { schema: string; title: string; errors: ValidationIssue[] }) {
    const { schema, title, errors } = failure;
    const shown = errors.slice(0, 3).map((issue) => `${issue.field} ${issue.reason}`);
    const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : '';
    super(`${title} is invalid: ${shown.join('; ')}${more}`);
    this.name = 'CanonicalValidationError';
    this.schema = schema;
    this.errors = errors;
    this.field = errors[0]?.field;
  }

  toJSON() {
    return {
      type: this.name,
      message: this.message,
      retryable: this.retryable,
      code: this.code,
      field: this.field,
      details: { schema: this.schema, errors: this.errors },
    };
  }
}

/**
 * Like `validate`, but returns the typed value or throws a `CanonicalValidationError` listing
 * every issue. For places where invalid data means a bug, such as building an event.
 *
 * @example
 * const order = validateOrThrow('order', mapped); // typed as Order
 */
export function validateOrThrow<N extends EntityName>(entity: N, value: unknown): EntityOf<N>;
export function validateOrThrow<T extends TSchema>(schema: T, value: unknown): Static<T>;
export function validateOrThrow(schemaOrEntity: TSchema | EntityName, value: unknown): unknown {
  const result = validate(schemaOrEntity as TSchema, value);
  if (!result.ok) throw new CanonicalValidationError(result);
  return result.value;
}
