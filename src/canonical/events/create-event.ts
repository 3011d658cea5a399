import { randomUUID } from 'node:crypto';
import type { CloudEvent } from '../cloudevent.ts';
import { isDateTime } from '../formats.ts';
import { IssueCode } from '../validation-messages.ts';
import type { ValidationIssue } from '../validation-messages.ts';
import { CanonicalValidationError, validate } from '../validation.ts';
import type { ValidationResult } from '../validation.ts';
import { eventDefinition, isRetailEventType, retailEventTypes } from './catalogue.ts';
import type { RetailEventData, RetailEventType } from './catalogue.ts';

export const JSON_CONTENT_TYPE = 'application/json';

/** A CloudEvent of the catalogue, with the attributes `createRetailEvent` always sets. */
export type RetailEvent<T extends RetailEventType = RetailEventType> = CloudEvent<RetailEventData<T>> & {
  type: T;
  subject: string;
  time: string;
  datacontenttype: typeof JSON_CONTENT_TYPE;
  dataschema: string;
  data: RetailEventData<T>;
  correlationid: string;
};

export interface CreateRetailEventInput<T extends RetailEventType> {
  type: T;
  data: RetailEventData<T>;
  /** URI-reference of the producer, e.g. `crossdock://connectors/shopify/acme-store`. */
  source: string;
  /** Carried from the first webhook; a new one is generated when absent. */
  correlationId?: string;
  /** W3C `traceparent` of the current span; dropped when malformed (the spec says restart). */
  traceparent?: string;
  /** Defaults to a random UUID. Give one to make a re-emitted event deduplicate. */
  id?: string;
  /** Defaults to now. RFC 3339. */
  time?: string;
}

// https://www.w3.org/TR/trace-context/#traceparent-header-field-values : version 00 has exactly
// four fields; later versions may append more, which a version-00 parser must accept.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * Whether a W3C `traceparent` value is well formed (version not ff, ids lower-case hex and not
 * all zeros). `createRetailEvent` drops malformed ones; inbound adapters can use it to decide
 * whether to continue a caller's trace or start a new one.
 *
 * @example
 * isValidTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01') // true
 */
export function isValidTraceparent(value: string): boolean {
  const match = TRACEPARENT.exec(value);
  if (!match) return false;
  const [, version, traceId, parentId, , rest] = match;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return false;
  return !/^0+$/.test(traceId as string) && !/^0+$/.test(parentId as string);
}

// Visible ASCII only, so the id is safe in headers, log fields and metric-free labels.
const CORRELATION_ID = /^[\x21-\x7e]{1,256}$/;

function envelopeIssue(field: string, reason: string): ValidationIssue {
  return field === ''
    ? { path: '', field: '(root)', reason, code: IssueCode.invalid }
    : { path: `/${field}`, field, reason, code: IssueCode.invalid };
}

function checkEnvelopeInput(input: { source: string; id?: string; time?: string; correlationId?: string }): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (typeof input.source !== 'string' || input.source.length === 0 || /\s/.test(input.source)) {
    issues.push(envelopeIssue('source', 'must be a non-empty URI-reference without spaces, e.g. crossdock://connectors/shopify'));
  }
  if (input.id !== undefined && (typeof input.id !== 'string' || input.id.length === 0)) {
    issues.push(envelopeIssue('id', 'must be a non-empty string'));
  }
  if (input.time !== undefined && !isDateTime(input.time)) {
    issues.push(envelopeIssue('time', 'must be an RFC 3339 date-time with a time zone offset, e.g. 2026-11-23T08:45:00Z'));
  }
  if (input.correlationId !== undefined && !CORRELATION_ID.test(input.correlationId)) {
    issues.push(envelopeIssue('correlationid', 'must be 1 to 256 visible ASCII characters'));
  }
  return issues;
}

/**
 * Builds a CloudEvents 1.0 event of the retail catalogue: validates `data` against the type's
 * schema (and the type's own rule, e.g. a booked order has an ERP id), sets `subject` to the
 * business key, `dataschema` to the schema's versioned URI, `datacontenttype` to JSON,
 * generates `id` and `time` unless given, and carries `correlationid` (generated when absent)
 * and a well-formed `traceparent` as extension attributes. Throws `CanonicalValidationError`
 * when the data or the envelope input is invalid: emitting a bad event is a bug to surface.
 *
 * @example
 * const event = createRetailEvent({
 *   type: 'retail.order.booked.v1', data: order, source: 'crossdock://flows/order-capture',
 *   correlationId: inbound.correlationid, traceparent: inbound.traceparent,
 * });
 * event.subject    // 'WEB-100234'
 * event.dataschema // 'https://schemas.crossdock.dev/retail/order/v1.json'
 */
export function createRetailEvent<T extends RetailEventType>(input: CreateRetailEventInput<T>): RetailEvent<T> {
  if (!isRetailEventType(input.type)) {
    throw new CanonicalValidationError({
      schema: 'retail-event',
      title: 'Retail event',
      errors: [envelopeIssue('type', `must be one of the catalogue types: ${retailEventTypes.join(', ')}`)],
    });
  }
  const definition = eventDefinition(input.type);
  const envelopeIssues = checkEnvelopeInput(input);
  if (envelopeIssues.length > 0) {
    throw new CanonicalValidationError({ schema: input.type, title: `Event ${input.type}`, errors: envelopeIssues });
  }
  const checked = validate(definition.schema, input.data);
  if (!checked.ok) throw new CanonicalValidationError(checked);
  const broken = definition.invariant?.(checked.value);
  if (broken) throw new CanonicalValidationError({ schema: input.type, title: `Event ${input.type}`, errors: [broken] });

  const event: RetailEvent<T> = {
    specversion: '1.0',
    id: input.id ?? randomUUID(),
    source: input.source,
    type: input.type,
    subject: definition.subjectOf(checked.value),
    time: input.time ?? new Date().toISOString(),
    datacontenttype: JSON_CONTENT_TYPE,
    dataschema: definition.schema.$id as string,
    correlationid: input.correlationId ?? randomUUID(),
    // A copy: the caller may keep changing its entity while this event waits in a batch.
    data: structuredClone(checked.value) as RetailEventData<T>,
  };
  if (input.traceparent !== undefined && isValidTraceparent(input.traceparent)) event.traceparent = input.traceparent;
  return event;
}

/**
 * Checks an event received from the bus or another process: CloudEvents 1.0 envelope, a
 * catalogue type, data valid for the type, and `subject` / `dataschema` consistent with the
 * data. Returns the typed event or the issues (paths are relative to the event, so data
 * fields read `data.lines[0].quantity`).
 *
 * @example
 * const checked = validateRetailEvent(message);
 * if (checked.ok && checked.value.type === 'retail.order.booked.v1') bookOrder(checked.value.data);
 */
export function validateRetailEvent(event: unknown): ValidationResult<RetailEvent> {
  const failure = (errors: ValidationIssue[]): ValidationResult<RetailEvent> => ({
    ok: false,
    errors,
    schema: 'retail-event',
    title: 'Retail event',
  });
  if (typeof event !== 'object' || event === null) return failure([envelopeIssue('', 'must be a CloudEvent object')]);
  const candidate = event as Partial<CloudEvent>;
  const issues: ValidationIssue[] = [];
  if (candidate.specversion !== '1.0') issues.push(envelopeIssue('specversion', 'must be "1.0"'));
  if (typeof candidate.id !== 'string' || candidate.id.length === 0) issues.push(envelopeIssue('id', 'must be a non-empty string'));
  if (typeof candidate.source !== 'string' || candidate.source.length === 0) issues.push(envelopeIssue('source', 'must be a non-empty URI-reference'));
  if (candidate.time !== undefined && (typeof candidate.time !== 'string' || !isDateTime(candidate.time))) {
    issues.push(envelopeIssue('time', 'must be an RFC 3339 date-time with a time zone offset'));
  }
  if (!isRetailEventType(candidate.type)) {
    issues.push(envelopeIssue('type', 'must be a type of the retail event catalogue, e.g. retail.order.booked.v1'));
    return failure(issues);
  }
  const definition = eventDefinition(candidate.type);
  const data = validate(definition.schema, candidate.data);
  if (!data.ok) {
    for (const issue of data.errors) {
      issues.push({ ...issue, path: `/data${issue.path}`, field: issue.path === '' ? 'data' : `data.${issue.field}`.replace('.[', '[') });
    }
    return failure(issues);
  }
  const broken = definition.invariant?.(data.value);
  if (broken) issues.push({ ...broken, path: `/data${broken.path}`, field: `data.${broken.field}` });
  const subject = definition.subjectOf(data.value);
  if (candidate.subject !== subject) issues.push(envelopeIssue('subject', `must be the business key "${subject}" derived from data`));
  if (candidate.dataschema !== definition.schema.$id) issues.push(envelopeIssue('dataschema', `must be ${String(definition.schema.$id)}`));
  return issues.length > 0 ? failure(issues) : { ok: true, value: event as RetailEvent };
}
