import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../adapters/sqlite/index.ts';
import type { WebhookReceiver } from '../connectors/connector.ts';
import { createHubServer } from '../api/server.ts';
import { webhookRoutes } from '../api/webhooks-route.ts';
import { eventually } from '../ports/conformance/harness.ts';
import { DeliveryEngine } from '../runtime/delivery/engine.ts';
import { PermanentError } from '../runtime/errors.ts';
import { defineFlow } from '../runtime/flows/definition.ts';
import { Hub } from '../runtime/hub.ts';
import { RecordingTarget } from '../runtime/testing/recording-target.ts';
import { CrossdockAttribute, DeliveryOutcome, FlowOutcome } from './trace-attributes.ts';
import { outboundTraceHeaders } from './traceparent.ts';
import { currentTracer, startTracing, type Tracing } from './tracing.ts';

const CALLER_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';
const CALLER_TRACEPARENT = `00-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-01`;
const BUDGET = { maxBatchSize: 10, concurrency: 2, requests: { limit: 1_000, windowMs: 60_000 } };

/** The webhook of a storefront that sends one order per delivery, without trace context of its own. */
const storefrontReceiver: WebhookReceiver = {
  verify: () => true,
  deliveryId: (request) => String(request.headers['x-delivery-id']),
  toEvents: async (request) => {
    const orderNumber = String(JSON.parse(request.rawBody.toString('utf8')).orderNumber);
    return [{ specversion: '1.0', id: `placed-${orderNumber}`, source: 'crossdock://commerce/test', type: 'retail.order.placed.v1', subject: orderNumber, correlationid: `corr-${orderNumber}` }];
  },
};

const byName = (spans: readonly ReadableSpan[], name: string) => {
  const span = spans.find((candidate) => candidate.name === name);
  if (!span) throw new Error(`no span named "${name}" among ${spans.map((candidate) => candidate.name).join(', ')}`);
  return span;
};
const traceparentOf = (span: ReadableSpan) => `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`;

describe('traces from an inbound request through a flow to a target', () => {
  let exporter: InMemorySpanExporter;
  let tracing: Tracing;
  let adapters: EmbeddedAdapters;
  let hub: Hub;
  let app: FastifyInstance;
  let erp: RecordingTarget;
  /** The trace headers a connector would send, read inside each `deliver` call. */
  let headersSeenByTarget: Readonly<Record<string, string>>[];

  beforeEach(async () => {
    exporter = new InMemorySpanExporter();
    tracing = startTracing({ serviceName: 'crossdock-test', exporter });
    adapters = await openSqlite({ path: ':memory:' });
    headersSeenByTarget = [];
    erp = new RecordingTarget('erp', BUDGET, () => {
      headersSeenByTarget.push(outboundTraceHeaders());
    });
    hub = new Hub({
      bus: adapters.bus,
      storage: adapters.storage,
      targets: [erp],
      flows: [
        defineFlow({
          name: 'order-capture',
          startsOn: ['retail.order.placed.v1'],
          async run(ctx) {
            await ctx.deliver('book', { target: 'erp', kind: 'command', key: ctx.key, operation: 'bookOrder', payload: { orderNumber: ctx.key } });
            await ctx.emit('captured', { type: 'retail.order.captured.v1', subject: ctx.key, data: { orderNumber: ctx.key } });
          },
        }),
        defineFlow({ name: 'store-notification', startsOn: ['retail.order.captured.v1'], durable: false, async run() {} }),
      ],
      soleWorker: true,
      delivery: { idlePollMs: 10 },
      flowOptions: { recoveryPollMs: 50, timerPollMs: 50 },
    });
    app = createHubServer({ bus: adapters.bus });
    await app.register(webhookRoutes, { bus: adapters.bus, storage: adapters.storage, receivers: new Map([['commerce', storefrontReceiver]]) });
    await hub.start();
  });

  afterEach(async () => {
    await app.close();
    await hub.stop();
    await adapters.close();
    await tracing.shutdown();
  });

  /** Spans end in no fixed order (a delivery may end before the flow run that enqueued it): wait for all. */
  const finished = (...names: string[]) =>
    eventually(() => {
      const spans = exporter.getFinishedSpans();
      return names.every((name) => spans.some((span) => span.name === name)) ? spans : undefined;
    }, `finished spans ${names.join(', ')}`);

  it('continues the caller traceparent of a webhook through the flow, its delivery and the event it emits', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/webhooks/commerce',
      headers: { 'content-type': 'application/json', 'x-delivery-id': 'd-1', traceparent: CALLER_TRACEPARENT },
      payload: JSON.stringify({ orderNumber: 'SO-1001' }),
    });
    expect(response.statusCode).toBe(200);
    const spans = await finished('POST /webhooks/:role', 'flow order-capture', 'deliver erp bookOrder', 'flow store-notification');

    const server = byName(spans, 'POST /webhooks/:role');
    const flow = byName(spans, 'flow order-capture');
    const delivery = byName(spans, 'deliver erp bookOrder');
    const downstream = byName(spans, 'flow store-notification');
    // One trace, the caller's, from the request to the target and to the next flow.
    for (const span of spans) expect(span.spanContext().traceId).toBe(CALLER_TRACE_ID);
    expect(server.parentSpanContext?.spanId).toBe(CALLER_SPAN_ID);
    expect(flow.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(delivery.parentSpanContext?.spanId).toBe(flow.spanContext().spanId);
    expect(downstream.parentSpanContext?.spanId).toBe(flow.spanContext().spanId);

    expect(server.kind).toBe(SpanKind.SERVER);
    expect(server.attributes).toMatchObject({ 'http.route': '/webhooks/:role', 'http.response.status_code': 200, [CrossdockAttribute.webhookRole]: 'commerce' });
    expect(flow.attributes).toMatchObject({
      [CrossdockAttribute.flowName]: 'order-capture',
      [CrossdockAttribute.flowInstanceId]: 'order-capture:crossdock://commerce/test:placed-SO-1001',
      [CrossdockAttribute.businessKey]: 'SO-1001',
      [CrossdockAttribute.eventType]: 'retail.order.placed.v1',
      [CrossdockAttribute.correlationId]: 'corr-SO-1001',
      [CrossdockAttribute.flowOutcome]: FlowOutcome.completed,
    });
    expect(delivery.kind).toBe(SpanKind.CLIENT);
    expect(delivery.attributes).toMatchObject({
      [CrossdockAttribute.target]: 'erp',
      [CrossdockAttribute.operation]: 'bookOrder',
      [CrossdockAttribute.itemCount]: 1,
      [CrossdockAttribute.deliveryOutcome]: DeliveryOutcome.delivered,
    });

    // What was stored carries the span it continues: the event the server span, the delivery
    // item and the emitted event the flow span.
    const [placed] = await adapters.bus.find({ type: 'retail.order.placed.v1' });
    expect(placed?.event.traceparent).toBe(traceparentOf(server));
    const [captured] = await adapters.bus.find({ type: 'retail.order.captured.v1' });
    expect(captured?.event.traceparent).toBe(traceparentOf(flow));
    expect(erp.requests[0]?.[0]?.traceparent).toBe(traceparentOf(flow));
    // The target's HTTP call runs inside the delivery span: its traceparent header names it.
    expect(headersSeenByTarget).toEqual([{ traceparent: traceparentOf(delivery) }]);
  });

  it('starts a new trace for a POST /events request without traceparent, and the published event carries it', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/events',
      headers: { 'content-type': 'application/cloudevents+json' },
      payload: JSON.stringify({ specversion: '1.0', id: 'pos-1', source: '/pos/store-0042', type: 'retail.order.placed.v1', subject: 'POS-77' }),
    });
    expect(response.statusCode).toBe(202);
    const spans = await finished('POST /events', 'flow order-capture', 'deliver erp bookOrder');
    const server = byName(spans, 'POST /events');
    const flow = byName(spans, 'flow order-capture');
    expect(server.parentSpanContext).toBeUndefined();
    expect(server.attributes).toMatchObject({ 'http.route': '/events', 'http.response.status_code': 202, [CrossdockAttribute.eventCount]: 1 });
    expect(flow.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(byName(spans, 'deliver erp bookOrder').parentSpanContext?.spanId).toBe(flow.spanContext().spanId);
    expect(new Set(spans.map((span) => span.spanContext().traceId))).toEqual(new Set([server.spanContext().traceId]));
    const [placed] = await adapters.bus.find({ type: 'retail.order.placed.v1' });
    expect(placed?.event.traceparent).toBe(traceparentOf(server));
  });

  it('continues a POST /events traceparent header in the same trace, under the server span', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/events',
      headers: { 'content-type': 'application/cloudevents+json', traceparent: CALLER_TRACEPARENT },
      payload: JSON.stringify({ specversion: '1.0', id: 'pos-2', source: '/pos/store-0042', type: 'retail.order.placed.v1', subject: 'POS-78' }),
    });
    expect(response.statusCode).toBe(202);
    const server = byName(await finished('POST /events', 'deliver erp bookOrder'), 'POST /events');
    expect(server.spanContext().traceId).toBe(CALLER_TRACE_ID);
    expect(server.parentSpanContext?.spanId).toBe(CALLER_SPAN_ID);
    const [placed] = await adapters.bus.find({ type: 'retail.order.placed.v1' });
    expect(placed?.event.traceparent).toBe(traceparentOf(server));
  });

  it('marks a refused request: 401 without a valid signature is a server span too, without an error status', async () => {
    const refusing = createHubServer({ bus: adapters.bus });
    await refusing.register(webhookRoutes, { bus: adapters.bus, storage: adapters.storage, receivers: new Map([['commerce', { ...storefrontReceiver, verify: () => false }]]) });
    const response = await refusing.inject({ method: 'POST', url: '/webhooks/commerce', headers: { 'x-delivery-id': 'd-2' }, payload: '{}' });
    await refusing.close();
    expect(response.statusCode).toBe(401);
    const server = byName(await finished('POST /webhooks/:role'), 'POST /webhooks/:role');
    expect(server.attributes['http.response.status_code']).toBe(401);
    expect(server.status.code).toBe(SpanStatusCode.UNSET);
  });
});

describe('a delivery batch that gathers items from several traces', () => {
  let tracing: Tracing | undefined;
  let adapters: EmbeddedAdapters | undefined;
  let delivery: DeliveryEngine | undefined;
  afterEach(async () => {
    await delivery?.stop();
    await adapters?.close();
    await tracing?.shutdown();
  });

  it('is a child of the first item and links the others; a refused item makes the outcome partial', async () => {
    const exporter = new InMemorySpanExporter();
    tracing = startTracing({ serviceName: 'crossdock-test', exporter });
    adapters = await openSqlite({ path: ':memory:' });
    const erp = new RecordingTarget('erp', BUDGET, (batch) =>
      batch.map((item) => (item.key === 'SO-BAD' ? { ok: false as const, error: new PermanentError('Invalid item jane.doe@example.com', { code: 'INVALID_VALUE' }) } : { ok: true as const })),
    );
    delivery = new DeliveryEngine({ storage: adapters.storage, targets: [erp], idlePollMs: 10, retry: { maxAttempts: 1 } });
    const traceparents = ['11111111111111111111111111111111', '22222222222222222222222222222222', '33333333333333333333333333333333'].map(
      (traceId) => `00-${traceId}-aaaaaaaaaaaaaaaa-01`,
    );
    // Enqueued before the dispatcher starts, so one claim takes all three.
    await delivery.enqueue(
      ['SO-1', 'SO-2', 'SO-BAD'].map((key, index) => ({
        target: 'erp',
        kind: 'command' as const,
        key,
        operation: 'bookOrder',
        payload: {},
        idempotencyKey: `book:${key}`,
        traceparent: traceparents[index]!,
      })),
    );
    await delivery.start();
    const span = await eventually(() => exporter.getFinishedSpans().find((candidate) => candidate.name === 'deliver erp bookOrder'), 'the batch span');
    expect(erp.requests).toHaveLength(1);
    expect(span.spanContext().traceId).toBe('11111111111111111111111111111111');
    expect(span.links.map((link) => link.context.traceId)).toEqual(['22222222222222222222222222222222', '33333333333333333333333333333333']);
    expect(span.attributes).toMatchObject({
      [CrossdockAttribute.itemCount]: 3,
      [CrossdockAttribute.deliveryOutcome]: DeliveryOutcome.partial,
      'error.type': 'PermanentError',
    });
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    // The exception event is masked like a log line: personal data does not leave the process.
    const exception = span.events.find((event) => event.name === 'exception');
    expect(exception?.attributes?.['exception.message']).toBe('Invalid item ***@example.com');
  });
});

describe('a flow run that fails', () => {
  let tracing: Tracing | undefined;
  let adapters: EmbeddedAdapters | undefined;
  let hub: Hub | undefined;
  afterEach(async () => {
    await hub?.stop();
    await adapters?.close();
    await tracing?.shutdown();
  });

  it('ends its span with the outcome and the error type, as a child of the event trace', async () => {
    const exporter = new InMemorySpanExporter();
    tracing = startTracing({ serviceName: 'crossdock-test', exporter });
    adapters = await openSqlite({ path: ':memory:' });
    hub = new Hub({
      bus: adapters.bus,
      storage: adapters.storage,
      targets: [],
      flows: [
        defineFlow({
          name: 'returns',
          startsOn: ['retail.return.requested.v1'],
          async run() {
            throw new PermanentError('return window closed', { code: 'RETURN_WINDOW_CLOSED' });
          },
        }),
      ],
      soleWorker: true,
    });
    await hub.start();
    await adapters.bus.publish([{ specversion: '1.0', id: 'r-1', source: 'crossdock://test', type: 'retail.return.requested.v1', subject: 'RMA-1', traceparent: CALLER_TRACEPARENT }]);
    const span = await eventually(() => exporter.getFinishedSpans().find((candidate) => candidate.name === 'flow returns'), 'the flow span');
    expect(span.parentSpanContext?.spanId).toBe(CALLER_SPAN_ID);
    expect(span.attributes).toMatchObject({ [CrossdockAttribute.flowOutcome]: FlowOutcome.failed, 'error.type': 'PermanentError' });
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });
});

describe('startTracing', () => {
  it('is a no-op with nothing to export to: no tracer is active and no trace headers are made', async () => {
    const tracing = startTracing({ serviceName: 'crossdock' });
    expect(tracing.enabled).toBe(false);
    expect(currentTracer()).toBeUndefined();
    expect(outboundTraceHeaders()).toEqual({});
    await tracing.shutdown();
  });

  it('refuses a second tracing while one runs, and can start again after shutdown', async () => {
    const first = startTracing({ serviceName: 'crossdock', exporter: new InMemorySpanExporter() });
    expect(() => startTracing({ serviceName: 'crossdock', exporter: new InMemorySpanExporter() })).toThrow(/already started/);
    await first.shutdown();
    expect(currentTracer()).toBeUndefined();
    const second = startTracing({ serviceName: 'crossdock', exporter: new InMemorySpanExporter() });
    expect(currentTracer()).toBeDefined();
    await second.shutdown();
  });
});
