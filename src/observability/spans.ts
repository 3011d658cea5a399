import { SpanKind, SpanStatusCode, type Attributes, type Link, type Span } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE, ATTR_EXCEPTION_MESSAGE, ATTR_EXCEPTION_TYPE } from '@opentelemetry/semantic-conventions';
import { createMasker } from './logger.ts';
import { contextFromTraceparent, spanContextFromTraceparent } from './traceparent.ts';
import { currentTracer } from './tracing.ts';

export { SpanKind, type Span } from '@opentelemetry/api';

export interface SpanStart {
  name: string;
  kind?: SpanKind;
  /** The remote parent; missing or malformed: the span starts a new trace. */
  parent?: string | null | undefined;
  attributes?: Attributes;
  /** Other traces this span also continues (the other items of a delivery batch). */
  links?: readonly (string | null | undefined)[];
}

/**
 * The OpenTelemetry spec's own default cap on links per span; a bulk batch of thousands of
 * items links the first ones and no more, rather than parsing thousands of traceparents.
 */
const MAX_LINKS = 128;

/**
 * Runs `work` inside a span that is active for everything it awaits (so a connector's HTTP call
 * made inside it carries its trace headers), ends the span when `work` settles, and marks it
 * failed when `work` throws. When tracing is off, `describe` is never called and `work` gets no
 * span: the cost is one variable read.
 *
 * @example
 * await inSpan(() => ({ name: `flow ${flow}`, parent: event.traceparent }), (span) => runFlow(span));
 */
export function inSpan<T>(describe: () => SpanStart, work: (span: Span | undefined) => Promise<T>): Promise<T> {
  const tracer = currentTracer();
  if (!tracer) return work(undefined);
  const start = describe();
  const links = start.links ? linksTo(start.links, start.parent) : undefined;
  return tracer.startActiveSpan(
    start.name,
    { kind: start.kind ?? SpanKind.INTERNAL, ...(start.attributes && { attributes: start.attributes }), ...(links && links.length > 0 && { links }) },
    contextFromTraceparent(start.parent),
    async (span) => {
      try {
        return await work(span);
      } catch (error) {
        markFailed(span, errorType(error), error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** Built on first use: the canonical masking rules are only needed once a span fails. */
let maskText: ((value: unknown) => unknown) | undefined;

/**
 * Marks a span as failed with an `error.type` (the failure's class, e.g. `RateLimitedError`, or
 * a system's code). With the error itself, an exception event records its type and its message,
 * masked like a log line: traces leave the process, personal data must not.
 */
export function markFailed(span: Span, type: string, error?: unknown): void {
  span.setAttribute(ATTR_ERROR_TYPE, type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
  if (error instanceof Error) {
    maskText ??= createMasker();
    span.addEvent('exception', { [ATTR_EXCEPTION_TYPE]: error.name, [ATTR_EXCEPTION_MESSAGE]: String(maskText(error.message)) });
  }
}

/** The class name of a thrown value, the `error.type` of the semantic conventions. */
export function errorType(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

function linksTo(traceparents: readonly (string | null | undefined)[], parent: string | null | undefined): Link[] {
  const seen = new Set<string>(parent ? [parent] : []);
  const links: Link[] = [];
  for (const traceparent of traceparents) {
    if (links.length >= MAX_LINKS) break;
    if (!traceparent || seen.has(traceparent)) continue;
    seen.add(traceparent);
    const linked = spanContextFromTraceparent(traceparent);
    if (linked) links.push({ context: linked });
  }
  return links;
}
