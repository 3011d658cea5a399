import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { inSpan } from './spans.ts';
import { contextFromTraceparent, spanContextFromTraceparent, traceparentOfContext } from './traceparent.ts';
import { startTracing, type Tracing } from './tracing.ts';

const VALID = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('inSpan', () => {
  let tracing: Tracing | undefined;
  afterEach(async () => {
    await tracing?.shutdown();
    tracing = undefined;
  });

  it('with tracing off, never describes a span and gives the work none', async () => {
    let described = 0;
    const result = await inSpan(
      () => {
        described++;
        return { name: 'never' };
      },
      async (span) => span,
    );
    expect(result).toBeUndefined();
    expect(described).toBe(0);
  });

  it('with tracing on, ends the span when the work throws, marks it failed and rethrows', async () => {
    const exporter = new InMemorySpanExporter();
    tracing = startTracing({ serviceName: 'test', exporter });
    await expect(inSpan(() => ({ name: 'boom', parent: VALID }), async () => Promise.reject(new TypeError('bad input')))).rejects.toThrow('bad input');
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('boom');
    expect(span?.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(span?.attributes['error.type']).toBe('TypeError');
  });
});

describe('traceparent helpers (W3C propagator)', () => {
  it('round-trips a valid traceparent and refuses malformed ones', () => {
    expect(traceparentOfContext(contextFromTraceparent(VALID))).toBe(VALID);
    expect(spanContextFromTraceparent(VALID)).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', isRemote: true });
    for (const malformed of ['garbage', '00-00000000000000000000000000000000-00f067aa0ba902b7-01', undefined, null]) {
      expect(spanContextFromTraceparent(malformed)).toBeUndefined();
      expect(traceparentOfContext(contextFromTraceparent(malformed))).toBeUndefined();
    }
  });
});
