import type { TSchema } from '@sinclair/typebox';
import { FULL_MASK, maskPersonalValue, personalDataKindOf } from './personal-data.ts';
import type { PersonalDataKind } from './personal-data.ts';

/**
 * What masking must do to a value of one schema, worked out once per schema and cached.
 * It reads plain JSON Schema keywords (properties, items, patternProperties,
 * additionalProperties, anyOf/allOf/oneOf), so it works on exported schemas too; `$ref` is
 * not followed (canonical schemas inline everything).
 */
interface MaskingPlan {
  kind?: PersonalDataKind;
  properties?: Map<string, MaskingPlan>;
  /** Declared keys of a closed object (`additionalProperties: false`); undefined when open. */
  closedKeys?: Set<string>;
  items?: MaskingPlan;
  /** Plan for the values of a map (`patternProperties` / `additionalProperties` schema). */
  values?: MaskingPlan;
}

type JsonSchemaLike = Record<string, unknown>;

function isSchema(value: unknown): value is JsonSchemaLike {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergePlans(a: MaskingPlan | undefined, b: MaskingPlan | undefined): MaskingPlan | undefined {
  if (!a) return b;
  if (!b) return a;
  const merged: MaskingPlan = {};
  const kind = a.kind ?? b.kind;
  if (kind) merged.kind = kind;
  if (a.properties || b.properties) {
    const properties = new Map(a.properties);
    for (const [key, plan] of b.properties ?? []) properties.set(key, mergePlans(properties.get(key), plan) ?? plan);
    merged.properties = properties;
  }
  // A union of closed objects is closed over the union of their keys; one open branch opens it.
  const aClosed = a.closedKeys ?? (a.properties ? undefined : new Set<string>());
  const bClosed = b.closedKeys ?? (b.properties ? undefined : new Set<string>());
  if (merged.properties && aClosed && bClosed) merged.closedKeys = new Set([...aClosed, ...bClosed]);
  const items = mergePlans(a.items, b.items);
  if (items) merged.items = items;
  const values = mergePlans(a.values, b.values);
  if (values) merged.values = values;
  return merged;
}

function buildPlan(schema: JsonSchemaLike): MaskingPlan {
  let plan: MaskingPlan = {};
  const kind = personalDataKindOf(schema);
  if (kind) plan.kind = kind;
  if (isSchema(schema.properties)) {
    plan.properties = new Map(
      Object.entries(schema.properties).filter(([, sub]) => isSchema(sub)).map(([key, sub]) => [key, buildPlan(sub as JsonSchemaLike)]),
    );
    if (schema.additionalProperties === false) plan.closedKeys = new Set(plan.properties.keys());
  }
  if (isSchema(schema.additionalProperties)) plan.values = mergePlans(plan.values, buildPlan(schema.additionalProperties));
  if (isSchema(schema.patternProperties)) {
    for (const sub of Object.values(schema.patternProperties)) {
      if (isSchema(sub)) plan.values = mergePlans(plan.values, buildPlan(sub));
    }
  }
  if (isSchema(schema.items)) plan.items = buildPlan(schema.items);
  for (const keyword of ['anyOf', 'allOf', 'oneOf'] as const) {
    const branches = schema[keyword];
    if (!Array.isArray(branches)) continue;
    for (const branch of branches) if (isSchema(branch)) plan = mergePlans(plan, buildPlan(branch)) ?? plan;
  }
  return plan;
}

const plans = new WeakMap<object, MaskingPlan>();

function planFor(schema: TSchema): MaskingPlan {
  let plan = plans.get(schema);
  if (!plan) {
    plan = buildPlan(schema as JsonSchemaLike);
    plans.set(schema, plan);
  }
  return plan;
}

const maskWhole = (value: unknown) => maskPersonalValue('free-text', value);

/**
 * Invalid data is masked too: a value whose shape is not the one the schema expects (a list
 * where a name object belongs, an object where text belongs, text where an address object
 * belongs) is masked whole, since its parts cannot be matched to marks.
 */
function applyPlan(plan: MaskingPlan, value: unknown): unknown {
  if (plan.kind) return maskPersonalValue(plan.kind, value);
  if (value === null || value === undefined) return value;
  const expectsObject = plan.properties !== undefined || plan.values !== undefined;
  if (Array.isArray(value)) return plan.items ? value.map((item) => applyPlan(plan.items as MaskingPlan, item)) : maskWhole(value);
  if (typeof value !== 'object') return expectsObject || plan.items ? maskWhole(value) : value;
  if (!expectsObject) return maskWhole(value);
  // Object.fromEntries, not assignment: a "__proto__" key in hostile input stays a plain field.
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => {
      const sub = plan.properties?.get(key) ?? plan.values;
      if (sub) return [key, applyPlan(sub, item)];
      // A field the schema does not declare cannot be known to be free of personal data.
      if (plan.closedKeys && !plan.closedKeys.has(key)) return [key, maskWhole(item)];
      return [key, item];
    }),
  );
}

/**
 * Returns a copy of `value` in which every field marked as personal data in `schema`
 * (`x-pii`) is masked by its rule (see `personal-data.ts`: e-mails keep their domain, phones
 * their last 2 digits, names their first letter, addresses and free text become `***`). Fields
 * that a closed object does not declare are masked too, since nobody has said they are safe;
 * everything else is returned untouched. The input is not modified, and the value need not be
 * valid (this is what logs an invalid payload safely): a part whose shape differs from the
 * schema's (a list where an object belongs) is masked whole.
 *
 * @example
 * maskPersonalData(CustomerSchema, customer).emails[0].address // '***@example.com'
 */
export function maskPersonalData<T>(schema: TSchema, value: T): T {
  return applyPlan(planFor(schema), value) as T;
}

function escapePointerSegment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function collectPaths(plan: MaskingPlan, prefix: string, out: string[]): void {
  if (plan.kind) {
    out.push(prefix === '' ? '/' : prefix);
    return;
  }
  for (const [key, sub] of plan.properties ?? []) collectPaths(sub, `${prefix}/${escapePointerSegment(key)}`, out);
  if (plan.items) collectPaths(plan.items, `${prefix}/*`, out);
  if (plan.values) collectPaths(plan.values, `${prefix}/*`, out);
}

/**
 * Lists the JSON Pointer paths (RFC 6901) of every field marked as personal data in `schema`,
 * with `*` standing for any array index or map key. The console uses it to decide which
 * columns a viewer may see; log pipelines can use it as a redaction list.
 *
 * @example
 * personalDataPaths(CustomerSchema).includes('/name/given') // true; list items show as `*`
 */
export function personalDataPaths(schema: TSchema): string[] {
  const out: string[] = [];
  collectPaths(planFor(schema), '', out);
  return [...new Set(out)];
}

export { FULL_MASK };
