import { SalesforceApiError } from '../errors.ts';
import type { FieldDef, FieldValue } from '../schema/types.ts';

/** Salesforce renders datetimes as `2026-11-23T08:47:55.000+0000` (always UTC here). */
export function formatDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

export function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Milliseconds since epoch of a stored date or datetime value. */
export function parseTemporal(value: string): number {
  const normalised = /[+-]\d{4}$/.test(value) ? value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2') : value;
  return Date.parse(DATE_PATTERN.test(normalised) ? `${normalised}T00:00:00Z` : normalised);
}

function cannotDeserialise(field: FieldDef, javaType: string, value: unknown): SalesforceApiError {
  const token = typeof value === 'string' ? 'VALUE_STRING' : typeof value === 'boolean' ? 'VALUE_TRUE' : 'VALUE_NUMBER';
  return new SalesforceApiError({
    errorCode: 'JSON_PARSER_ERROR',
    message: `Cannot deserialize instance of ${javaType} from ${token} value ${String(value)} or request may be missing a required field`,
    fields: [field.name],
  });
}

/**
 * Converts a JSON value to the stored value of a field, as the REST API's JSON deserialiser does
 * (numbers accept numeric strings, booleans accept "true"/"false", datetimes accept ISO 8601).
 */
export function coerceFieldValue(field: FieldDef, value: unknown): FieldValue {
  if (value === null) return null;
  if (typeof value === 'object') throw cannotDeserialise(field, field.type, JSON.stringify(value));
  switch (field.type) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw cannotDeserialise(field, 'boolean', value);
    case 'int':
    case 'double':
    case 'currency':
    case 'percent': {
      const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isFinite(number)) throw cannotDeserialise(field, field.type === 'int' ? 'int' : 'double', value);
      return field.type === 'int' ? Math.trunc(number) : number;
    }
    case 'date': {
      if (typeof value === 'string' && DATE_PATTERN.test(value) && !Number.isNaN(parseTemporal(value))) return value;
      throw cannotDeserialise(field, 'date', value);
    }
    case 'datetime': {
      if (typeof value === 'string' && DATETIME_PATTERN.test(value)) {
        const ms = parseTemporal(value);
        if (!Number.isNaN(ms)) return formatDateTime(ms);
      }
      throw cannotDeserialise(field, 'datetime', value);
    }
    default:
      return typeof value === 'string' ? value : String(value);
  }
}
