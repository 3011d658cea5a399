/**
 * The rules an inbound CloudEvent envelope can break, worded for the engineer who reads the 400.
 * Sources: CloudEvents 1.0.2 core spec (context attributes, type system, naming),
 * https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md ; JSON event format,
 * https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/formats/json-format.md ; HTTP
 * binding, https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md
 */
export const EnvelopeRule = {
  eventIsObject: 'must be a JSON object (one CloudEvent in the JSON event format)',
  required: 'is required',
  string: 'must be a string',
  nonEmpty: 'must be a non-empty string',
  specversion: 'must be "1.0" (the CloudEvents version this hub accepts)',
  stringCharacters: 'must not contain control characters (U+0000-U+001F, U+007F-U+009F) or unpaired surrogates',
  uriReference: 'must be a URI-reference (RFC 3986): no spaces or non-ASCII characters, valid percent-encoding',
  uri: 'must be an absolute URI (RFC 3986) with a scheme, e.g. https://schemas.example.com/order/v1',
  timestamp: 'must be an RFC 3339 timestamp, e.g. 2026-11-23T09:15:00Z or 2026-11-23T10:15:00.123+01:00',
  mediaType: 'must be an RFC 2046 media type, e.g. application/json or text/plain; charset=utf-8',
  dataExclusive: 'must not be present together with data (an event carries one payload)',
  base64: 'must be base64 (RFC 4648 section 4, with padding)',
  dataMatchesContentType: 'must be a string when datacontenttype is not JSON (*/json or */*+json)',
  extensionName: 'is not a valid extension attribute name: use lower-case letters a-z and digits 0-9 only',
  extensionValue:
    'must be a string, a boolean or an integer from -2147483648 to 2147483647 (objects, arrays and fractions are not attribute values)',
  traceparent: 'must be a W3C traceparent: 00-<32 hex trace-id>-<16 hex parent-id>-<2 hex flags>, ids not all zero',
  headerEncoding: 'must be percent-encoded UTF-8 (CloudEvents HTTP binding 3.1.3.2)',
  headerRepeated: 'must appear only once',
  headerDatacontenttype: 'must not be sent as a ce-datacontenttype header in binary mode: the Content-Type header carries it',
  headerData: 'must not be sent as a header in binary mode: the request body carries the event data',
  batchElement: 'must be a JSON object (each batch element is one CloudEvent)',
} as const;

export type EnvelopeRuleText = (typeof EnvelopeRule)[keyof typeof EnvelopeRule];

/** One broken rule, located: which event of the request, which attribute, what was sent. */
export interface EnvelopeViolation {
  /** Position of the event in the request: 0 for structured and binary mode. */
  index: number;
  /** The attribute (or `ce-` header, in binary mode) that breaks the rule; `event` for the whole envelope. */
  attribute: string;
  rule: EnvelopeRuleText;
  /** The offending value, shortened; absent when the attribute is missing. */
  value?: string;
}

const MAX_ECHOED_VALUE_CHARS = 120;

/** Renders an offending value for the response: echoed to the sender only, never logged. */
export function echoValue(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > MAX_ECHOED_VALUE_CHARS ? `${text.slice(0, MAX_ECHOED_VALUE_CHARS)}…` : text;
}
