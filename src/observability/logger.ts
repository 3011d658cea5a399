import { trace } from '@opentelemetry/api';
import { pino, stdSerializers, type DestinationStream, type Level, type Logger } from 'pino';
import { FULL_MASK, maskPersonalValue, PersonalDataKind } from '../canonical/personal-data.ts';
import { canonicalPersonalDataRules, normalizeKey, ruleFor, SECRET_KEYS, type PersonalDataRules } from './personal-data-keys.ts';
import { currentTracer } from './tracing.ts';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level?: Level | 'silent';
  /** Where JSON lines go; default stdout. Tests pass a stream to read them back. */
  destination?: DestinationStream;
  /** Which keys hold personal data; default: the base list plus the canonical schemas' marks. */
  personalDataRules?: PersonalDataRules;
  /** Bound to every line, e.g. `{ service: 'crossdock' }`. */
  base?: Record<string, unknown>;
}

const REDACTED = '[redacted]';
/** E-mail addresses inside free text (error messages, URLs): masked even without a known key. */
const EMAIL_IN_TEXT = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
/**
 * Phone numbers inside free text: international (`+13125550602`, `+1 (312) 555-0602`,
 * `+44 20 7946 0958`) or North American with separators (`(312) 555-0602`, `312-555-0602`,
 * `312.555.0602`). Not part of a longer token, so SKUs (`SKU-100234`), tracking numbers
 * (`1Z999AA10123456784`), trace ids, timestamps and plain digit ids are left as they are.
 */
const PHONE_IN_TEXT = /(?<![\w+.-])(?:\+\d[\d ().-]{8,20}\d|\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4})(?![\w-])/g;
const MIN_PHONE_DIGITS = 10;
const MAX_PHONE_DIGITS = 15;
const STRUCTURED_NAME_KEYS = new Set(['name', 'names', 'personname']);
/** Deeper than this a logged object is cut off (and cannot leak anything). */
const MAX_DEPTH = 12;

/**
 * The hub's structured JSON logger (pino). Personal data never appears unmasked: every logged
 * object, at any depth, has its personal-data keys masked with the canonical model's rules
 * (e-mails keep their domain, phones their last 2 digits, names their first letter, addresses
 * become `***`), credentials replaced by `[redacted]`, and e-mail addresses and phone numbers
 * inside strings masked too. Child bindings are masked the same way. A line written while a
 * span is active (a flow run, a delivery batch) carries its `traceId` and `spanId`.
 *
 * @example
 * const logger = createLogger({ level: 'info' });
 * withCorrelation(logger, event.correlationid).info({ customer }, 'customer synced');
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const mask = createMasker(options.personalDataRules ?? canonicalPersonalDataRules());
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: options.base ?? { service: 'crossdock' },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      errorKey: 'err',
      // The masker (formatters.log) has already turned errors into plain objects: leave those be,
      // or pino's serializer names every error's type "Object".
      serializers: { err: serializeErrorOnce, error: serializeErrorOnce },
      mixin: activeSpanIds,
      // The line's own fields win; with no active span the line is left as it is (no copy).
      mixinMergeStrategy: (line, span) => (span === NO_SPAN ? line : Object.assign(span, line)),
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => mask(bindings) as Record<string, unknown>,
        log: (object) => mask(readHttpObjects(object)) as Record<string, unknown>,
      },
      hooks: {
        // The message string itself: e-mail addresses in it are masked.
        logMethod(args, method) {
          const masked = args.map((arg) => (typeof arg === 'string' ? maskText(arg) : arg)) as Parameters<typeof method>;
          method.apply(this, masked);
        },
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
  // pino runs `formatters.bindings` on the root's bindings only; children are created with
  // Object.create(parent), so this override masks the bindings of every descendant too.
  const createChild = logger.child;
  logger.child = function (this: Logger, bindings, childOptions) {
    return createChild.call(this, mask(bindings) as typeof bindings, childOptions);
  } as typeof logger.child;
  return logger;
}

/**
 * Fastify logs its request and reply under `req` and `res`, and its serializers for them run
 * after the masking: the masking's copy would lose their fields (getters on the prototype), and
 * every request line would say `"req":{}`. So they are read here first, into the shape Fastify's
 * serializers read (method, url, host, ip, socket port; status code).
 */
function readHttpObjects(object: Record<string, unknown>): Record<string, unknown> {
  const { req, res } = object;
  const request = fastifyObject(req);
  const reply = fastifyObject(res);
  if (!request && !reply) return object;
  const read = { ...object };
  if (request) {
    const headers = request.headers as Record<string, unknown> | undefined;
    read.req = {
      method: request.method,
      url: request.url,
      host: request.host,
      ip: request.ip,
      socket: { remotePort: (request.socket as { remotePort?: number } | undefined)?.remotePort },
      ...(headers?.['accept-version'] !== undefined && { headers: { 'accept-version': headers['accept-version'] } }),
    };
  }
  if (reply) read.res = { statusCode: reply.statusCode };
  return read;
}

/** A Fastify request or reply: they wrap Node's own as `raw`. */
function fastifyObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && 'raw' in value ? (value as Record<string, unknown>) : undefined;
}

const NO_SPAN: Readonly<Record<string, never>> = Object.freeze({});

/**
 * An error as a plain object (type, message, stack, cause, own fields). pino's serializer tags
 * the error to detect cycles, which throws on a frozen or non-extensible error (some libraries
 * freeze theirs): a log line must never throw, so those get the essentials instead.
 */
export function serializeError(error: Error): Record<string, unknown> {
  try {
    return stdSerializers.err(error) as unknown as Record<string, unknown>;
  } catch {
    const code = (error as { code?: unknown }).code;
    return { type: error.name || error.constructor?.name || 'Error', message: error.message, stack: error.stack, ...(code !== undefined && { code }) };
  }
}

function serializeErrorOnce(value: unknown): unknown {
  return value instanceof Error ? serializeError(value) : value;
}

/**
 * The ids of the span active where a line is logged: with tracing off, one variable read and
 * nothing added. (A line's own `traceId` wins over the active span's.)
 */
function activeSpanIds(): object {
  if (!currentTracer()) return NO_SPAN;
  const span = trace.getActiveSpan()?.spanContext();
  return span && trace.isSpanContextValid(span) ? { traceId: span.traceId, spanId: span.spanId } : NO_SPAN;
}

/**
 * A child logger whose every line carries the correlation id, so one grep follows a change
 * from the first webhook to the last write. Works with any pino-compatible logger (Fastify's).
 *
 * @example
 * withCorrelation(logger, item.correlationId, { target: 'erp' }).warn({ error }, 'delivery retried');
 */
export function withCorrelation<L extends { child(bindings: Record<string, unknown>): L }>(
  logger: L,
  correlationId: string | null | undefined,
  bindings: Record<string, unknown> = {},
): L {
  return logger.child({ ...(correlationId ? { correlationId } : {}), ...bindings });
}

/**
 * The masking the logger applies, as a function: a deep copy of `value` with personal-data keys
 * masked and secrets redacted. Useful wherever an object leaves the process (console, errors).
 */
export function createMasker(rules: PersonalDataRules = canonicalPersonalDataRules()): (value: unknown) => unknown {
  const secrets = new Set(SECRET_KEYS.map(normalizeKey));
  /** `parents`: the normalized keys from the root to `value` (list indices left out). */
  const visit = (value: unknown, depth: number, seen: WeakSet<object>, parents: readonly string[]): unknown => {
    if (typeof value === 'string') return maskText(value);
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return '[circular]';
    if (depth >= MAX_DEPTH) return '[too deep]';
    seen.add(value);
    try {
      if (value instanceof Error) return visit(serializeError(value), depth + 1, seen, parents);
      if (Array.isArray(value)) return value.map((item) => visit(item, depth + 1, seen, parents));
      if (value instanceof Date) return value;
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        const normalized = normalizeKey(key);
        const kind = ruleFor(rules, normalized, parents);
        if (secrets.has(normalized)) out[key] = item === undefined || item === null ? item : REDACTED;
        else if (kind !== undefined && masksWhole(kind, item)) out[key] = maskPersonalValue(kind, item);
        // `name` as a string is a flow, product or target name; as a structure it is a person's
        // (canonical `name: { given, family }`).
        else if (STRUCTURED_NAME_KEYS.has(normalized) && item !== null && typeof item === 'object') out[key] = maskPersonalValue(PersonalDataKind.name, item);
        else out[key] = visit(item, depth + 1, seen, [...parents, normalized]);
      }
      return out;
    } finally {
      seen.delete(value);
    }
  };
  return (value) => visit(value, 0, new WeakSet(), []);
}

/**
 * An e-mail, phone or name key holding a structure (`emails: [{ address, use }]`,
 * `consents: { email: { status } }`) is looked into rather than blanked: the rules for its
 * inner keys mask what is personal and keep the rest readable. Addresses and free text are
 * masked whole whatever their shape.
 */
function masksWhole(kind: PersonalDataKind, value: unknown): boolean {
  if (kind === PersonalDataKind.address || kind === PersonalDataKind.freeText) return true;
  const isLeaf = (item: unknown) => item === null || typeof item !== 'object';
  return Array.isArray(value) ? value.every(isLeaf) : isLeaf(value);
}

/** E-mail addresses (domain kept) and phone numbers (last 2 digits kept) inside a string, masked. */
function maskText(text: string): string {
  const withoutEmails = text.includes('@') ? text.replace(EMAIL_IN_TEXT, (email) => `${FULL_MASK}${email.slice(email.lastIndexOf('@'))}`) : text;
  return withoutEmails.replace(PHONE_IN_TEXT, (candidate) => {
    const digits = candidate.replace(/\D/g, '');
    return digits.length >= MIN_PHONE_DIGITS && digits.length <= MAX_PHONE_DIGITS ? `${FULL_MASK}${digits.slice(-2)}` : candidate;
  });
}
