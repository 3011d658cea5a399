import { invalidParam } from './errors.ts';

/**
 * Stripe form parameters arrive as strings (`amount=2000`, `confirm=true`,
 * `metadata[order]=123`); these read them with Stripe's own error codes and messages.
 */
export type Params = Record<string, unknown>;

/** Rejects parameters the endpoint does not know, as Stripe does (`parameter_unknown`). */
export function rejectUnknown(params: Params, allowed: readonly string[]): void {
  const unknown = Object.keys(params).find((key) => !allowed.includes(key) && key !== 'expand');
  if (unknown) {
    throw invalidParam(unknown, `Received unknown parameter: ${unknown}`, 'parameter_unknown');
  }
}

export function requiredInteger(params: Params, name: string): number {
  if (params[name] === undefined || params[name] === '') {
    throw invalidParam(name, `Missing required param: ${name}.`, 'parameter_missing');
  }
  return integer(params, name) as number;
}

export function optionalInteger(params: Params, name: string): number | undefined {
  return params[name] === undefined ? undefined : integer(params, name);
}

function integer(params: Params, name: string): number | undefined {
  const raw = params[name];
  const value = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : typeof raw === 'number' ? raw : NaN;
  if (!Number.isSafeInteger(value)) {
    throw invalidParam(name, `Invalid integer: ${String(raw)}`, 'parameter_invalid_integer');
  }
  return value;
}

export function requiredString(params: Params, name: string): string {
  const value = optionalString(params, name);
  if (value === undefined || value === '') {
    throw invalidParam(name, `Missing required param: ${name}.`, 'parameter_missing');
  }
  return value;
}

export function optionalString(params: Params, name: string): string | undefined {
  const raw = params[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw invalidParam(name, `Invalid string: ${name} must be a string.`);
  return raw;
}

export function optionalBoolean(params: Params, name: string): boolean | undefined {
  const raw = params[name];
  if (raw === undefined) return undefined;
  if (raw === 'true' || raw === true) return true;
  if (raw === 'false' || raw === false) return false;
  throw invalidParam(name, `Invalid boolean: ${String(raw)}`, 'parameter_invalid_boolean');
}

export function oneOf<T extends string>(params: Params, name: string, values: readonly T[]): T | undefined {
  const value = optionalString(params, name);
  if (value === undefined) return undefined;
  if (!(values as readonly string[]).includes(value)) {
    throw invalidParam(name, `Invalid ${name}: must be one of ${values.join(', ')}`, 'parameter_invalid_string');
  }
  return value as T;
}

/** Stripe metadata: up to 50 keys, keys up to 40 characters, values up to 500 characters. */
export function metadata(params: Params, current: Record<string, string> = {}): Record<string, string> {
  const raw = params.metadata;
  if (raw === undefined || raw === '') return raw === '' ? {} : current;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalidParam('metadata', 'Invalid hash: metadata must be a set of key-value pairs.', 'parameter_invalid_string');
  }
  const merged: Record<string, string> = { ...current };
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (key.length > 40) throw invalidParam(`metadata[${key}]`, 'Metadata keys can be at most 40 characters.');
    if (value === '') delete merged[key];
    else if (typeof value === 'string' && value.length <= 500) merged[key] = value;
    else throw invalidParam(`metadata[${key}]`, 'Metadata values must be strings of at most 500 characters.');
  }
  if (Object.keys(merged).length > 50) throw invalidParam('metadata', 'Metadata can have at most 50 keys.');
  return merged;
}
