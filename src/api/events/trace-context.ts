import { randomBytes, randomUUID } from 'node:crypto';
import { CrossdockExtension, type CloudEvent } from '../../canonical/cloudevent.ts';

/**
 * W3C Trace Context `traceparent` (https://www.w3.org/TR/trace-context/#traceparent-header)
 * and the correlation id Crossdock stamps on every inbound event.
 */
export interface Traceparent {
  version: string;
  traceId: string;
  parentId: string;
  flags: string;
}

const VERSION_00_LENGTH = 55;
const FIELDS = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})/;

/**
 * Parses a traceparent value. Version `00` must be exactly 55 characters; a later version may
 * append fields after a `-`, and is read by its first four fields as the specification asks
 * ("Versioning of traceparent"). Version `ff` and all-zero ids are invalid.
 */
export function parseTraceparent(value: string): Traceparent | undefined {
  const match = FIELDS.exec(value);
  if (!match) return undefined;
  const [, version, traceId, parentId, flags] = match as unknown as [string, string, string, string, string];
  if (version === 'ff') return undefined;
  if (version === '00' && value.length !== VERSION_00_LENGTH) return undefined;
  if (value.length > VERSION_00_LENGTH && value[VERSION_00_LENGTH] !== '-') return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(parentId)) return undefined;
  return { version, traceId, parentId, flags };
}

/** Writes the version-00 form: a receiver that understood a later version propagates as 00. */
export function formatTraceparent(trace: Omit<Traceparent, 'version'>): string {
  return `00-${trace.traceId}-${trace.parentId}-${trace.flags}`;
}

function randomNonZeroHex(bytes: number): string {
  for (;;) {
    const hex = randomBytes(bytes).toString('hex');
    if (!/^0+$/.test(hex)) return hex;
  }
}

/** A new root trace, sampled: the hub records every inbound event, so the trace is worth keeping. */
export function newTraceparent(): string {
  return formatTraceparent({ traceId: randomNonZeroHex(16), parentId: randomNonZeroHex(8), flags: '01' });
}

export interface TraceAssignment {
  /** The request's `traceparent` header, if any; ignored when malformed (the trace restarts). */
  traceparentHeader?: string | undefined;
  newCorrelationId?: () => string;
  newTraceparent?: () => string;
}

/**
 * Gives every event a correlation id and a trace. An event that brings its own `correlationid`
 * or `traceparent` extension keeps it. Otherwise each event gets its own correlation id (each is
 * its own business transaction: a sale, a return), and all events of the request share the
 * request's trace — the caller's, from the `traceparent` header, or a new one started here.
 */
export function assignTraceContext(events: readonly CloudEvent[], options: TraceAssignment = {}): CloudEvent[] {
  const makeCorrelationId = options.newCorrelationId ?? randomUUID;
  const requestTrace = requestTraceOf(options);
  return events.map((event) => {
    const enriched: CloudEvent = { ...event };
    if (enriched[CrossdockExtension.correlationId] === undefined) enriched[CrossdockExtension.correlationId] = makeCorrelationId();
    if (enriched[CrossdockExtension.traceparent] === undefined) enriched[CrossdockExtension.traceparent] = requestTrace();
    return enriched;
  });
}

/**
 * The trace the events of one request share, as a function: the `traceparentHeader` when it is
 * valid (written as version 00), otherwise a new sampled root, made on first use only.
 */
export function requestTraceOf(options: Pick<TraceAssignment, 'traceparentHeader' | 'newTraceparent'> = {}): () => string {
  const headerTrace = options.traceparentHeader === undefined ? undefined : parseTraceparent(options.traceparentHeader.trim());
  let requestTrace: string | undefined = headerTrace ? formatTraceparent(headerTrace) : undefined;
  return () => (requestTrace ??= (options.newTraceparent ?? newTraceparent)());
}
