import { context, ROOT_CONTEXT, trace, type Context, type Span, type SpanContext } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { currentTracer } from './tracing.ts';

/**
 * Converting between the `traceparent` strings Crossdock stores (on events, flow instances and
 * delivery items) and OpenTelemetry contexts. The W3C propagator does the parsing and
 * formatting, so the rules of the specification (versions, all-zero ids) live in one place.
 */
const w3c = new W3CTraceContextPropagator();

type Carrier = Record<string, string>;

const carrierGetter = {
  keys: (carrier: Carrier) => Object.keys(carrier),
  get: (carrier: Carrier, key: string) => carrier[key],
};
const carrierSetter = {
  set: (carrier: Carrier, key: string, value: string) => {
    carrier[key] = value;
  },
};

/**
 * A context whose remote parent is the given `traceparent`; `base` (the root context by default)
 * when the value is missing or malformed, so a span started in it begins a new trace.
 */
export function contextFromTraceparent(traceparent: string | null | undefined, base: Context = ROOT_CONTEXT): Context {
  if (!traceparent) return base;
  return w3c.extract(base, { traceparent }, carrierGetter);
}

/**
 * The context of an inbound request's trace headers (`traceparent` and `tracestate`); `base`
 * when there is no valid `traceparent`.
 */
export function contextFromTraceHeaders(headers: Readonly<Record<string, unknown>>, base: Context = ROOT_CONTEXT): Context {
  if (typeof headers.traceparent !== 'string') return base;
  const carrier: Carrier = { traceparent: headers.traceparent };
  if (typeof headers.tracestate === 'string') carrier.tracestate = headers.tracestate;
  return w3c.extract(base, carrier, carrierGetter);
}

/** The span context a `traceparent` names, for span links; undefined when missing or malformed. */
export function spanContextFromTraceparent(traceparent: string | null | undefined): SpanContext | undefined {
  if (!traceparent) return undefined;
  return trace.getSpanContext(contextFromTraceparent(traceparent));
}

/** The `traceparent` that makes a span the parent of what comes next (events, deliveries, calls). */
export function traceparentOfSpan(span: Span): string | undefined {
  return traceparentOfContext(trace.setSpan(ROOT_CONTEXT, span));
}

/** The `traceparent` of the span active in `ctx`; undefined when there is none. */
export function traceparentOfContext(ctx: Context): string | undefined {
  const carrier: Carrier = {};
  w3c.inject(ctx, carrier, carrierSetter);
  return carrier.traceparent;
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * The trace headers (`traceparent`, and `tracestate` when there is one) for an outbound HTTP
 * request made inside the active span, e.g. a connector's call during a delivery batch. An
 * empty object when tracing is off or no span is active, so it can be spread into any request.
 *
 * @example
 * await fetch(url, { headers: { accept: 'application/json', ...outboundTraceHeaders() } });
 */
export function outboundTraceHeaders(): Readonly<Record<string, string>> {
  if (!currentTracer()) return NO_HEADERS;
  const carrier: Carrier = {};
  w3c.inject(context.active(), carrier, carrierSetter);
  return carrier;
}
