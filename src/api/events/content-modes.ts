import { EnvelopeRule, echoValue, type EnvelopeViolation } from './envelope-rules.ts';
import { isJsonMediaType, parseMediaType, type MediaType } from './formats.ts';

/**
 * Reads CloudEvents out of an HTTP request per the HTTP protocol binding 1.0.2
 * (https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md):
 * the Content-Type picks the mode — `application/cloudevents-batch…` batched,
 * `application/cloudevents…` structured, anything else binary (section 3). Only the JSON event
 * format is supported for structured and batched mode. The result is raw candidates for
 * `validate-envelope.ts`; nothing here decides whether an event is valid, except for rules that
 * exist only on the wire (binary-mode header encoding).
 */
export const ContentMode = { structured: 'structured', batched: 'batched', binary: 'binary' } as const;
export type ContentMode = (typeof ContentMode)[keyof typeof ContentMode];

export interface InboundHttpRequest {
  /** The Content-Type header as sent, if any. */
  contentType: string | undefined;
  /** Header name/value pairs in arrival order, repeats kept (Node's `rawHeaders`, paired). */
  headers: ReadonlyArray<readonly [string, string]>;
  body: Buffer;
}

export const RequestFailureCode = {
  malformedJson: 'malformed_json',
  unsupportedMediaType: 'unsupported_media_type',
  invalidContentType: 'invalid_content_type',
  invalidBatch: 'invalid_batch',
} as const;
export type RequestFailureCode = (typeof RequestFailureCode)[keyof typeof RequestFailureCode];

export interface RequestFailure {
  status: 400 | 415;
  error: RequestFailureCode;
  message: string;
}

export type ParsedRequest =
  | {
      ok: true;
      mode: ContentMode;
      /** One candidate for structured and binary mode; zero or more for batched mode. */
      candidates: unknown[];
      /** Wire-level violations found while reading binary-mode headers. */
      violations: EnvelopeViolation[];
    }
  | { ok: false; failure: RequestFailure };

const STRUCTURED_JSON = 'application/cloudevents+json';
const BATCH_JSON = 'application/cloudevents-batch+json';
const UTF8_CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii']);

export function readInboundEvents(request: InboundHttpRequest): ParsedRequest {
  const contentType = request.contentType?.trim();
  const lowered = contentType?.toLowerCase() ?? '';
  if (lowered.startsWith('application/cloudevents-batch')) return readFormat(contentType!, BATCH_JSON, ContentMode.batched, request.body);
  if (lowered.startsWith('application/cloudevents')) return readFormat(contentType!, STRUCTURED_JSON, ContentMode.structured, request.body);
  return readBinary(request);
}

function readFormat(contentType: string, expected: string, mode: ContentMode, body: Buffer): ParsedRequest {
  const mediaType = parseMediaType(contentType);
  if (!mediaType) {
    return fail(400, RequestFailureCode.invalidContentType, `Content-Type "${echoValue(contentType)}" is not a valid media type`);
  }
  if (`${mediaType.type}/${mediaType.subtype}` !== expected) {
    return fail(
      415,
      RequestFailureCode.unsupportedMediaType,
      `event format "${mediaType.type}/${mediaType.subtype}" is not supported: send ${STRUCTURED_JSON} (one event), ${BATCH_JSON} (a JSON array of events), or binary mode with ce- headers`,
    );
  }
  const charset = mediaType.parameters.charset?.toLowerCase();
  if (charset !== undefined && !UTF8_CHARSETS.has(charset)) {
    return fail(415, RequestFailureCode.unsupportedMediaType, `charset "${charset}" is not supported: JSON is exchanged as UTF-8 (RFC 8259 section 8.1)`);
  }
  const parsed = parseJsonBody(body, expected);
  if (!parsed.ok) return parsed;
  if (mode === ContentMode.structured) return { ok: true, mode, candidates: [parsed.value], violations: [] };
  if (!Array.isArray(parsed.value)) {
    return fail(400, RequestFailureCode.invalidBatch, `a ${BATCH_JSON} body must be a JSON array of events (it may be empty); send a single event as ${STRUCTURED_JSON}`);
  }
  return { ok: true, mode, candidates: parsed.value, violations: [] };
}

function parseJsonBody(body: Buffer, what: string): { ok: true; value: unknown } | { ok: false; failure: RequestFailure } {
  if (body.length === 0) return fail(400, RequestFailureCode.malformedJson, `the request body is empty; a ${what} body must be JSON`);
  let text: string;
  try {
    // The decoder drops a leading byte order mark, which RFC 8259 lets parsers ignore.
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return fail(400, RequestFailureCode.malformedJson, `the ${what} body is not valid UTF-8`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : 'unparseable';
    return fail(400, RequestFailureCode.malformedJson, `the ${what} body is not valid JSON: ${reason}`);
  }
  if (hasProtoKey(text)) {
    return fail(400, RequestFailureCode.malformedJson, `the ${what} body contains a "__proto__" key, which the hub refuses (prototype poisoning)`);
  }
  return { ok: true, value };
}

// Same policy as Fastify's own JSON parser (onProtoPoisoning: 'error'): a `__proto__` key is
// harmless in JSON.parse's output but turns into prototype pollution in any later object merge.
// The cheap text test skips the second, slower parse for almost every body.
const MAYBE_PROTO = /__proto__|\\u005[fF]/;

function hasProtoKey(text: string): boolean {
  if (!MAYBE_PROTO.test(text)) return false;
  let found = false;
  JSON.parse(text, (key, value: unknown) => {
    if (key === '__proto__') found = true;
    return value;
  });
  return found;
}

function fail(status: RequestFailure['status'], error: RequestFailureCode, message: string): { ok: false; failure: RequestFailure } {
  return { ok: false, failure: { status, error, message } };
}

const HEADER_PREFIX = 'ce-';

/** Binary mode (section 3.1): attributes in `ce-` headers, data in the body, Content-Type is datacontenttype. */
function readBinary(request: InboundHttpRequest): ParsedRequest {
  const candidate: Record<string, unknown> = {};
  const violations: EnvelopeViolation[] = [];
  const seen = new Set<string>();
  for (const [rawName, rawValue] of request.headers) {
    const name = rawName.toLowerCase();
    if (!name.startsWith(HEADER_PREFIX)) continue;
    const attribute = name.slice(HEADER_PREFIX.length);
    if (attribute === 'datacontenttype') {
      violations.push({ index: 0, attribute: name, rule: EnvelopeRule.headerDatacontenttype, value: echoValue(rawValue) });
      continue;
    }
    if (attribute === 'data' || attribute === 'data_base64') {
      violations.push({ index: 0, attribute: name, rule: EnvelopeRule.headerData });
      continue;
    }
    if (seen.has(attribute)) {
      violations.push({ index: 0, attribute: name, rule: EnvelopeRule.headerRepeated, value: echoValue(rawValue) });
      continue;
    }
    seen.add(attribute);
    const value = decodeHeaderValue(rawValue);
    if (value === undefined) violations.push({ index: 0, attribute: name, rule: EnvelopeRule.headerEncoding, value: echoValue(rawValue) });
    else candidate[attribute] = value;
  }

  const contentType = request.contentType?.trim();
  const mediaType = contentType ? parseMediaType(contentType) : undefined;
  if (contentType) candidate.datacontenttype = contentType;
  if (request.body.length > 0) {
    const data = readBinaryData(request.body, mediaType);
    if (!data.ok) return data;
    Object.assign(candidate, data.member);
  }
  return { ok: true, mode: ContentMode.binary, candidates: [candidate], violations };
}

function readBinaryData(
  body: Buffer,
  mediaType: MediaType | undefined,
): { ok: true; member: { data: unknown } | { data_base64: string } } | { ok: false; failure: RequestFailure } {
  if (mediaType && isJsonMediaType(mediaType)) {
    const parsed = parseJsonBody(body, `${mediaType.type}/${mediaType.subtype}`);
    return parsed.ok ? { ok: true, member: { data: parsed.value } } : parsed;
  }
  if (mediaType?.type === 'text') {
    try {
      const text = new TextDecoder(mediaType.parameters.charset ?? 'utf-8', { fatal: true }).decode(body);
      return { ok: true, member: { data: text } };
    } catch {
      // Unknown charset or bytes that do not decode: keep the payload exactly, as binary.
    }
  }
  return { ok: true, member: { data_base64: body.toString('base64') } };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes one binary-mode header value (binding section 3.1.3.2): first a double-quoted string
 * is unquoted (backslash escapes included, for senders of older spec versions), then one round
 * of percent-decoding, and the bytes must be valid UTF-8 (overlong forms such as %C0%A0 are
 * refused by the fatal decoder). Undefined when the value breaks these rules.
 */
export function decodeHeaderValue(raw: string): string | undefined {
  let value = raw.trim();
  if (value.startsWith('"')) {
    const quoted = /^"((?:[^"\\]|\\.)*)"$/.exec(value);
    if (!quoted) return undefined;
    value = quoted[1]!.replace(/\\(.)/g, '$1');
  }
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x25) {
      const hex = value.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else if (code === 0x09 || (code >= 0x20 && code <= 0x7e)) {
      bytes.push(code);
    } else {
      return undefined;
    }
  }
  try {
    return utf8.decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}
