import { Type, type Static } from '@sinclair/typebox';
import type { EnvelopeViolation } from './envelope-rules.ts';

/** Response bodies of `POST /events`, as schemas (the source for types and, later, OpenAPI). */
export const AcceptedEvent = Type.Object({
  id: Type.String({ description: 'The event id as sent.' }),
  seq: Type.Integer({ description: 'Position of the event in the hub event log.' }),
  duplicate: Type.Boolean({ description: 'True when this source + id was already in the log: acknowledged again, no second effect.' }),
});
export type AcceptedEvent = Static<typeof AcceptedEvent>;

export const AcceptedBatch = Type.Object({ accepted: Type.Array(AcceptedEvent) });
export type AcceptedBatch = Static<typeof AcceptedBatch>;

export const Violation = Type.Object({
  index: Type.Integer(),
  attribute: Type.String(),
  rule: Type.String(),
  value: Type.Optional(Type.String()),
});

export const InboundErrorCode = {
  invalidCloudEvent: 'invalid_cloudevent',
  malformedJson: 'malformed_json',
  invalidBatch: 'invalid_batch',
  invalidContentType: 'invalid_content_type',
  unsupportedMediaType: 'unsupported_media_type',
  payloadTooLarge: 'payload_too_large',
  methodNotAllowed: 'method_not_allowed',
  unauthorized: 'unauthorized',
  notPersisted: 'not_persisted',
  badRequest: 'bad_request',
  internal: 'internal_error',
} as const;
export type InboundErrorCode = (typeof InboundErrorCode)[keyof typeof InboundErrorCode];

export const InboundError = Type.Object({
  error: Type.Union(Object.values(InboundErrorCode).map((code) => Type.Literal(code))),
  message: Type.String(),
  violations: Type.Optional(Type.Array(Violation)),
  /** How many further violations were left out of `violations` to keep the response small. */
  omittedViolations: Type.Optional(Type.Integer()),
});
export type InboundError = Omit<Static<typeof InboundError>, 'error'> & { error: InboundErrorCode };

/** Enough to fix a whole batch in one go without a response as large as the request. */
const MAX_LISTED_VIOLATIONS = 100;

/** The 400 body for envelopes that break rules; batches say which events were bad and that none was kept. */
export function invalidCloudEventError(input: { violations: readonly EnvelopeViolation[]; batchSize?: number }): InboundError {
  const { violations } = input;
  const listed = violations.slice(0, MAX_LISTED_VIOLATIONS);
  const first = violations[0];
  let message: string;
  if (input.batchSize === undefined) {
    const extra = violations.length > 1 ? ` (and ${violations.length - 1} more violation${violations.length > 2 ? 's' : ''})` : '';
    message = first ? `the event is not a valid CloudEvent: ${first.attribute} ${first.rule}${extra}` : 'the event is not a valid CloudEvent';
  } else {
    const indexes = [...new Set(violations.map((violation) => violation.index))];
    message =
      `${indexes.length} of ${input.batchSize} events in the batch are invalid (index ${indexes.slice(0, 20).join(', ')}${indexes.length > 20 ? ', …' : ''}); ` +
      'the batch was rejected as a whole and nothing from it was stored: fix these events and send the whole batch again';
  }
  const body: InboundError = { error: InboundErrorCode.invalidCloudEvent, message, violations: listed };
  if (violations.length > listed.length) body.omittedViolations = violations.length - listed.length;
  return body;
}
