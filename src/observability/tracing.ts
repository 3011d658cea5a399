import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface TracingOptions {
  /** `service.name` of every span, e.g. `crossdock` or `crossdock-eu`. */
  serviceName: string;
  /** Export over OTLP/HTTP (JSON) to a collector, batched. */
  otlp?: {
    /** The full traces URL, e.g. `http://collector:4318/v1/traces`. */
    endpoint: string;
    /** Extra request headers (a vendor's API key). `OTEL_EXPORTER_OTLP_HEADERS` is read too. */
    headers?: Record<string, string>;
  };
  /** Export to this exporter, span by span (tests pass an `InMemorySpanExporter`). */
  exporter?: SpanExporter;
}

export interface Tracing {
  /** False when nothing was configured: every span helper then does nothing at all. */
  readonly enabled: boolean;
  readonly tracer: Tracer;
  /** Exports every finished span now (tests, and before a planned stop). */
  forceFlush(): Promise<void>;
  /** Exports what is left, then turns tracing off again. */
  shutdown(): Promise<void>;
}

/** The instrumentation scope of the spans Crossdock makes. */
export const TRACER_NAME = 'crossdock';

/**
 * The tracer of the running tracing, or undefined when tracing is off. The hot paths (every
 * event, every flow run, every delivery batch) read this one variable and do nothing more when
 * it is undefined, so a hub without tracing creates no span objects at all.
 */
let activeTracer: Tracer | undefined;

export function currentTracer(): Tracer | undefined {
  return activeTracer;
}

const disabled: Tracing = {
  enabled: false,
  tracer: trace.getTracer(TRACER_NAME),
  forceFlush: async () => {},
  shutdown: async () => {},
};

/**
 * Starts OpenTelemetry tracing for this process: registers a tracer provider (with the
 * AsyncLocalStorage context manager, so the active span follows async calls into connectors,
 * and the W3C trace-context propagator). With `otlp`, spans are batched and exported over
 * OTLP/HTTP; with `exporter`, each span is handed over as it ends. With neither, tracing stays
 * off and costs nothing. One tracing at a time: shut the previous one down first.
 *
 * @example
 * const tracing = startTracing({ serviceName: 'crossdock', otlp: { endpoint: 'http://127.0.0.1:4318/v1/traces' } });
 * // ... run the hub ...
 * await tracing.shutdown();
 */
export function startTracing(options: TracingOptions): Tracing {
  const processors: SpanProcessor[] = [];
  if (options.otlp) {
    const exporter = new OTLPTraceExporter({ url: options.otlp.endpoint, ...(options.otlp.headers && { headers: options.otlp.headers }) });
    processors.push(new BatchSpanProcessor(exporter));
  }
  if (options.exporter) processors.push(new SimpleSpanProcessor(options.exporter));
  if (processors.length === 0) return disabled;
  if (activeTracer) throw new Error('tracing is already started in this process: call shutdown() on the running tracing first');

  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    spanProcessors: processors,
  });
  // Only the W3C trace context: baggage is not part of Crossdock's contract with its systems.
  provider.register({ propagator: new W3CTraceContextPropagator() });
  const tracer = provider.getTracer(TRACER_NAME);
  activeTracer = tracer;
  let stopped = false;
  return {
    enabled: true,
    tracer,
    forceFlush: () => provider.forceFlush(),
    async shutdown() {
      if (stopped) return;
      stopped = true;
      if (activeTracer === tracer) activeTracer = undefined;
      try {
        await provider.shutdown();
      } finally {
        trace.disable();
        context.disable();
        propagation.disable();
      }
    },
  };
}
