import { CrossdockExtension, type CloudEvent } from '../../canonical/cloudevent.ts';
import { EnvelopeRule, echoValue, type EnvelopeViolation } from './envelope-rules.ts';
import {
  hasOnlyAllowedCharacters,
  isAbsoluteUri,
  isBase64,
  isJsonMediaType,
  isRfc3339Timestamp,
  isUriReference,
  parseMediaType,
} from './formats.ts';
import { parseTraceparent } from './trace-context.ts';

/**
 * Validation of one CloudEvents 1.0 envelope in the JSON event format, independent of HTTP.
 *
 * Every rule that is broken is reported (not only the first), each with the attribute and the
 * rule, so a store's POS developer fixes everything in one round trip.
 *
 * Decisions:
 * - Attribute names must match `[a-z0-9]+` (spec "Attribute Naming Convention", a MUST). The
 *   20-character limit is a SHOULD in the same section and is not enforced: rejecting a
 *   spec-valid sale or return because a vendor chose a long extension name would lose business
 *   data for a style rule.
 * - `null` means "unset" for every attribute (JSON format 2.2) and is dropped; `data: null` is
 *   kept, since the JSON format distinguishes an explicit null payload from no payload.
 * - Extension values follow the JSON type mapping: string, boolean, or an Integer in the
 *   CloudEvents range (spec "Type System"); objects, arrays and fractions are refused.
 * - `correlationid` and `traceparent` are Crossdock's own extensions: when sent, they must be a
 *   non-empty string and a W3C traceparent, because the trace view indexes them.
 */
export type EnvelopeResult = { valid: true; event: CloudEvent } | { valid: false; violations: EnvelopeViolation[] };

export type BatchResult =
  | { valid: true; events: CloudEvent[] }
  | { valid: false; violations: EnvelopeViolation[]; invalidIndexes: number[] };

const REQUIRED_ATTRIBUTES = ['specversion', 'id', 'source', 'type'] as const;
const OPTIONAL_STRING_ATTRIBUTES = ['subject', 'time', 'datacontenttype', 'dataschema'] as const;
/** Members of the JSON format that are not context attributes, so the naming rule does not apply. */
const DATA_MEMBERS = new Set(['data', 'data_base64']);
const CORE_ATTRIBUTES = new Set<string>([...REQUIRED_ATTRIBUTES, ...OPTIONAL_STRING_ATTRIBUTES]);
const ATTRIBUTE_NAME = /^[a-z0-9]+$/;
const INTEGER_MIN = -2_147_483_648;
const INTEGER_MAX = 2_147_483_647;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks one decoded JSON value as a CloudEvent; `index` locates it within its request. */
export function validateEnvelope(candidate: unknown, index = 0): EnvelopeResult {
  if (!isPlainObject(candidate)) {
    return { valid: false, violations: [{ index, attribute: 'event', rule: EnvelopeRule.eventIsObject, value: echoValue(candidate) }] };
  }
  const violations: EnvelopeViolation[] = [];
  const broken = (attribute: string, rule: EnvelopeViolation['rule'], value?: unknown) =>
    violations.push(value === undefined ? { index, attribute, rule } : { index, attribute, rule, value: echoValue(value) });

  const event: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(candidate)) {
    if (name === 'data') {
      event.data = value;
      continue;
    }
    if (value === null) continue;
    if (!DATA_MEMBERS.has(name) && !CORE_ATTRIBUTES.has(name)) {
      if (!ATTRIBUTE_NAME.test(name)) {
        broken(name, EnvelopeRule.extensionName);
        continue;
      }
      checkExtensionValue(name, value, broken);
    }
    event[name] = value;
  }

  for (const name of REQUIRED_ATTRIBUTES) {
    const value = event[name];
    if (value === undefined) broken(name, EnvelopeRule.required);
    else if (typeof value !== 'string') broken(name, EnvelopeRule.string, value);
    else if (value.length === 0) broken(name, EnvelopeRule.nonEmpty, value);
    else if (!hasOnlyAllowedCharacters(value)) broken(name, EnvelopeRule.stringCharacters, value);
    else if (name === 'specversion' && value !== '1.0') broken(name, EnvelopeRule.specversion, value);
    else if (name === 'source' && !isUriReference(value)) broken(name, EnvelopeRule.uriReference, value);
  }

  for (const name of OPTIONAL_STRING_ATTRIBUTES) {
    const value = event[name];
    if (value === undefined) continue;
    if (typeof value !== 'string') broken(name, EnvelopeRule.string, value);
    else if (value.length === 0) broken(name, EnvelopeRule.nonEmpty, value);
    else if (!hasOnlyAllowedCharacters(value)) broken(name, EnvelopeRule.stringCharacters, value);
    else if (name === 'time' && !isRfc3339Timestamp(value)) broken(name, EnvelopeRule.timestamp, value);
    else if (name === 'dataschema' && !isAbsoluteUri(value)) broken(name, EnvelopeRule.uri, value);
    else if (name === 'datacontenttype' && parseMediaType(value) === undefined) broken(name, EnvelopeRule.mediaType, value);
  }

  checkData(event, broken);

  if (violations.length > 0) return { valid: false, violations };
  return { valid: true, event: event as unknown as CloudEvent };
}

type Report = (attribute: string, rule: EnvelopeViolation['rule'], value?: unknown) => void;

function checkExtensionValue(name: string, value: unknown, broken: Report): void {
  if (typeof value === 'string') {
    if (!hasOnlyAllowedCharacters(value)) broken(name, EnvelopeRule.stringCharacters, value);
    else if (name === CrossdockExtension.correlationId && value.length === 0) broken(name, EnvelopeRule.nonEmpty, value);
    else if (name === CrossdockExtension.traceparent && parseTraceparent(value) === undefined) broken(name, EnvelopeRule.traceparent, value);
    return;
  }
  const isInteger = typeof value === 'number' && Number.isInteger(value) && value >= INTEGER_MIN && value <= INTEGER_MAX;
  if (typeof value !== 'boolean' && !isInteger) {
    broken(name, EnvelopeRule.extensionValue, value);
    return;
  }
  if (name === CrossdockExtension.correlationId) broken(name, EnvelopeRule.nonEmpty, value);
  else if (name === CrossdockExtension.traceparent) broken(name, EnvelopeRule.traceparent, value);
}

function checkData(event: Record<string, unknown>, broken: Report): void {
  const hasData = 'data' in event;
  const base64 = event.data_base64;
  if (hasData && base64 !== undefined) broken('data_base64', EnvelopeRule.dataExclusive);
  if (base64 !== undefined) {
    if (typeof base64 !== 'string') broken('data_base64', EnvelopeRule.string, base64);
    else if (!isBase64(base64)) broken('data_base64', EnvelopeRule.base64, base64);
  }
  // JSON format 3.1.2: a non-JSON datacontenttype means `data` holds the encoded content as a string.
  const contentType = typeof event.datacontenttype === 'string' ? parseMediaType(event.datacontenttype) : undefined;
  if (hasData && contentType && !isJsonMediaType(contentType) && typeof event.data !== 'string') {
    broken('data', EnvelopeRule.dataMatchesContentType, event.data);
  }
}

/**
 * Validates every event of a batch. The batch is all-or-nothing: when any event is invalid the
 * caller rejects the whole request, and the violations name each bad event by its index, so a
 * producer never has to work out which half of a batch was kept.
 */
export function validateBatch(candidates: readonly unknown[]): BatchResult {
  const events: CloudEvent[] = [];
  const violations: EnvelopeViolation[] = [];
  const invalidIndexes: number[] = [];
  candidates.forEach((candidate, index) => {
    const result = isPlainObject(candidate)
      ? validateEnvelope(candidate, index)
      : ({ valid: false, violations: [{ index, attribute: 'event', rule: EnvelopeRule.batchElement, value: echoValue(candidate) }] } as const);
    if (result.valid) events.push(result.event);
    else {
      violations.push(...result.violations);
      invalidIndexes.push(index);
    }
  });
  return invalidIndexes.length > 0 ? { valid: false, violations, invalidIndexes } : { valid: true, events };
}
