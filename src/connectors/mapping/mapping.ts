import jsonata from 'jsonata';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { PermanentError } from '../../runtime/errors.ts';

/**
 * Declarative field mappings between a system's records and the canonical model.
 *
 * A mapping is a list of target fields, each with a JSONata expression over the source record
 * (https://docs.jsonata.org). Dotted target names build nested objects (`subsidiary.id`). A field
 * whose expression yields nothing (a missing path) is left out of the output. Mappings live in
 * files beside each connector and an installation can override or add fields, or remove them,
 * from its configuration — custom fields without forking. What a mapping language cannot say is
 * written in TypeScript around it, in the connector's mapping module.
 */
export interface MappingSpec {
  /** e.g. `netsuite.customer.from-canonical` */
  name: string;
  /** target field → JSONata expression over the source record */
  fields: Record<string, string>;
}

/** An installation's changes to a shipped mapping. */
export interface MappingOverride {
  /** Fields to add or replace. */
  fields?: Record<string, string>;
  /** Shipped fields to drop. */
  remove?: string[];
}

/** A mapping error names the mapping, the field and the reason. */
export class MappingError extends PermanentError {
  constructor(
    readonly mapping: string,
    field: string,
    reason: string,
  ) {
    super(`mapping ${mapping}, field ${field}: ${reason}`, { code: 'MAPPING_ERROR', field });
  }
}

interface CompiledField {
  path: string[];
  field: string;
  expression: jsonata.Expression;
}

/** Custom functions available to every mapping expression. */
function registerRetailFunctions(expression: jsonata.Expression): void {
  // Canonical money is a decimal string; systems want numbers or minor units.
  expression.registerFunction('decimal', (value: unknown) => (value === undefined || value === null ? undefined : Number(value)), '<j?:n>');
  expression.registerFunction(
    'minorUnits',
    (value: unknown, digits?: number) => {
      if (value === undefined || value === null) return undefined;
      const [whole = '0', fraction = ''] = String(value).split('.');
      const places = digits ?? 2;
      const negative = whole.startsWith('-');
      const units = Number(whole.replace('-', '')) * 10 ** places + Number(fraction.padEnd(places, '0').slice(0, places) || '0');
      return negative ? -units : units;
    },
    '<j?n?:n>',
  );
}

export class Mapping {
  private readonly compiled: CompiledField[];

  constructor(readonly spec: MappingSpec) {
    this.compiled = Object.entries(spec.fields).map(([field, source]) => {
      let expression: jsonata.Expression;
      try {
        expression = jsonata(source);
      } catch (error) {
        const detail = error as { message: string; position?: number };
        throw new MappingError(spec.name, field, `invalid expression "${source}": ${detail.message}${detail.position !== undefined ? ` (at character ${detail.position})` : ''}`);
      }
      registerRetailFunctions(expression);
      return { field, path: field.split('.'), expression };
    });
  }

  get name(): string {
    return this.spec.name;
  }

  /** Maps one record; throws a MappingError naming the field when an expression fails. */
  async apply(record: unknown, bindings: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const output: Record<string, unknown> = {};
    for (const { field, path, expression } of this.compiled) {
      let value: unknown;
      try {
        value = await expression.evaluate(record, bindings);
      } catch (error) {
        throw new MappingError(this.spec.name, field, (error as Error).message);
      }
      if (value === undefined) continue;
      setPath(output, path, unwrapSequence(value));
    }
    return output;
  }

  /** A new mapping with an installation's override applied. */
  withOverride(override: MappingOverride | undefined): Mapping {
    if (!override) return this;
    const fields = { ...this.spec.fields };
    for (const field of override.remove ?? []) {
      if (!(field in fields)) {
        throw new MappingError(this.spec.name, field, `cannot remove it: the mapping has no such field (fields: ${Object.keys(fields).join(', ')})`);
      }
      delete fields[field];
    }
    Object.assign(fields, override.fields ?? {});
    return new Mapping({ name: this.spec.name, fields });
  }
}

/** Loads a mapping file (YAML or JSON): `{ name, fields: { target: expression } }`. */
export function loadMapping(file: string): Mapping {
  const parsed = parseYaml(readFileSync(file, 'utf8')) as Partial<MappingSpec> | null;
  if (!parsed || typeof parsed.name !== 'string') throw new Error(`${file}: a mapping file needs a "name"`);
  if (!parsed.fields || typeof parsed.fields !== 'object') throw new Error(`${file}: mapping ${parsed.name} needs "fields"`);
  for (const [field, expression] of Object.entries(parsed.fields)) {
    if (typeof expression !== 'string') throw new MappingError(parsed.name, field, `the expression must be a string, got ${JSON.stringify(expression)}`);
  }
  return new Mapping({ name: parsed.name, fields: parsed.fields });
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const segment of path.slice(0, -1)) {
    const next = node[segment];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/** JSONata returns sequences as arrays with a marker; hand plain JSON back. */
function unwrapSequence(value: unknown): unknown {
  return value === null || typeof value !== 'object' ? value : JSON.parse(JSON.stringify(value));
}
