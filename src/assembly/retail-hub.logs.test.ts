import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../adapters/sqlite/index.ts';
import type { Connector, WebhookReceiver } from '../connectors/connector.ts';
import { createLogger } from '../observability/logger.ts';
import { eventually } from '../ports/conformance/harness.ts';
import type { DeliveryItem } from '../ports/storage.ts';
import type { ItemOutcome } from '../runtime/delivery/target.ts';
import { PermanentError, TransientError } from '../runtime/errors.ts';
import { defineFlow } from '../runtime/flows/definition.ts';
import { RecordingTarget } from '../runtime/testing/recording-target.ts';
import { assembleRetailHub, type RetailHub } from './retail-hub.ts';

type LogLine = Record<string, unknown> & { level: string; msg: string };

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  return { destination, lines, records: () => lines.map((line) => JSON.parse(line) as LogLine) };
}

const BUDGET = { maxBatchSize: 10, concurrency: 2 };
const EMAIL = 'jane.doe@example.com';
const PHONE = '+44 7700 900123';

/** A connector of the tests' own making: a recording target with a role, and a webhook when given. */
function connector(name: string, behaviour?: (batch: readonly DeliveryItem[]) => ItemOutcome[], webhook?: WebhookReceiver): Connector & RecordingTarget {
  return Object.assign(new RecordingTarget(name, BUDGET, behaviour), { system: `test-${name}`, operations: ['bookOrder', 'upsertCustomer'], ...(webhook && { webhook }) });
}

/** A storefront webhook: one order per delivery, with the customer's contact details in its data. */
const storefrontWebhook: WebhookReceiver = {
  verify: (request) => request.headers['x-signature'] === 'valid',
  deliveryId: (request) => String(request.headers['x-delivery-id']),
  toEvents: async (request) => {
    const order = JSON.parse(request.rawBody.toString('utf8')) as { orderNumber: string; email: string; phone: string };
    return [
      {
        specversion: '1.0',
        id: `placed-${order.orderNumber}`,
        source: 'crossdock://connectors/commerce/test',
        type: 'retail.order.placed.v1',
        subject: order.orderNumber,
        data: { orderNumber: order.orderNumber, customer: { email: order.email, phone: order.phone } },
      },
    ];
  },
};

describe('the assembled hub logs each change by its correlation id', () => {
  let adapters: EmbeddedAdapters | undefined;
  let retail: RetailHub | undefined;
  afterEach(async () => {
    await retail?.hub.stop();
    await retail?.server.close();
    await adapters?.close();
  });

  it('from the inbound request through the flow run to each delivery outcome, with personal data masked', async () => {
    const { destination, lines, records } = capture();
    adapters = await openSqlite({ path: ':memory:' });
    const erp = connector('erp');
    // The CRM is busy at each customer's first try, then refuses it for good, naming the e-mail
    // in its message and echoing the phone in the details of its answer.
    const crm = connector('crm', (batch) =>
      batch.map((item) =>
        item.attempts <= 1
          ? { ok: false, error: new TransientError('CRM busy', { code: 'UNAVAILABLE' }) }
          : { ok: false, error: new PermanentError(`duplicate contact ${EMAIL}`, { code: 'DUPLICATE_VALUE', details: { echoed: `phone ${PHONE}` } }) },
      ),
    );
    const commerce = connector('commerce', undefined, storefrontWebhook);
    const orderCapture = defineFlow({
      name: 'order-capture',
      startsOn: ['retail.order.placed.v1'],
      async run(ctx, event) {
        const data = event.data as { customer: unknown };
        await ctx.deliver('book', { target: 'erp', kind: 'command', key: ctx.key, operation: 'bookOrder', payload: event.data });
        await ctx.deliver('customer', { target: 'crm', kind: 'command', key: ctx.key, operation: 'upsertCustomer', payload: data.customer });
        await ctx.raise('review', { code: 'MANUAL_REVIEW', message: 'high-value order', context: { businessKey: ctx.key } });
      },
    });
    retail = await assembleRetailHub({
      bus: adapters.bus,
      storage: adapters.storage,
      connectors: [erp, crm, commerce],
      modules: [{ name: 'orders', flows: [orderCapture] }],
      soleWorker: true,
      logger: createLogger({ level: 'debug', destination }),
      delivery: { idlePollMs: 10, retry: { initialDelayMs: 5, maxDelayMs: 20 } },
      console: false,
    });
    await retail.hub.start();

    // One order through a webhook (its correlation id is the event id), one through POST /events
    // with the producer's own correlation id.
    const webhook = await retail.server.inject({
      method: 'POST',
      url: '/webhooks/commerce',
      headers: { 'content-type': 'application/json', 'x-signature': 'valid', 'x-delivery-id': 'dlv-1' },
      payload: JSON.stringify({ orderNumber: 'WEB-1001', email: EMAIL, phone: PHONE }),
    });
    expect(webhook.statusCode).toBe(200);
    const pos = await retail.server.inject({
      method: 'POST',
      url: '/events',
      headers: { 'content-type': 'application/cloudevents+json' },
      payload: JSON.stringify({
        specversion: '1.0',
        id: 'sale-2002',
        source: '/pos/store-0042/till-3',
        type: 'retail.order.placed.v1',
        subject: 'POS-2002',
        correlationid: 'pos-basket-77',
        data: { orderNumber: 'POS-2002', customer: { email: EMAIL, phone: PHONE } },
      }),
    });
    expect(pos.statusCode).toBe(202);
    const forged = await retail.server.inject({ method: 'POST', url: '/webhooks/commerce', headers: { 'x-signature': 'forged' }, payload: '{}' });
    expect(forged.statusCode).toBe(401);

    const changes = [
      { correlationId: 'placed-WEB-1001', marks: ['placed-WEB-1001', 'WEB-1001'] },
      { correlationId: 'pos-basket-77', marks: ['pos-basket-77', 'sale-2002', 'POS-2002'] },
    ];
    await eventually(
      () => changes.every(({ correlationId }) => records().some((line) => line.correlationId === correlationId && line.msg === 'delivery dead-lettered')),
      'both dead letters logged',
    );

    const all = records();
    for (const { correlationId, marks } of changes) {
      // Every line that names the change carries its correlation id.
      const naming = lines.filter((line) => marks.some((mark) => line.includes(mark))).map((line) => JSON.parse(line) as LogLine);
      expect(naming.length).toBeGreaterThan(0);
      for (const line of naming) expect({ msg: line.msg, correlationId: line.correlationId }).toEqual({ msg: line.msg, correlationId });
      // And those lines tell the whole story, each at its level.
      const story = all.filter((line) => line.correlationId === correlationId).map((line) => `${line.level} ${line.msg}`);
      expect(story).toEqual(
        expect.arrayContaining([
          'info request completed',
          'debug flow run started',
          'debug delivered',
          'warn delivery failed; retrying',
          'error delivery dead-lettered',
          'warn flow raised an exception',
          'info flow run completed',
        ]),
      );
    }
    expect(all.filter((line) => line.correlationId === 'placed-WEB-1001').map((line) => line.msg)).toContain('webhook events persisted');
    expect(all.filter((line) => line.correlationId === 'pos-basket-77').map((line) => line.msg)).toContain('inbound events persisted');

    const deadLetter = all.find((line) => line.correlationId === 'pos-basket-77' && line.msg === 'delivery dead-lettered')!;
    expect(deadLetter).toMatchObject({ level: 'error', target: 'crm', operation: 'upsertCustomer', businessKey: 'POS-2002', failure: { type: 'PermanentError', code: 'DUPLICATE_VALUE' } });
    expect(all.find((line) => line.msg === 'webhook refused')).toMatchObject({ level: 'warn', statusCode: 401, role: 'commerce' });

    // No e-mail or phone in the clear anywhere; the e-mail in the CRM's message keeps its domain.
    const output = lines.join('\n');
    for (const secret of ['jane.doe@', '7700 900123', '7700900123']) expect(output).not.toContain(secret);
    expect(deadLetter.failure).toMatchObject({ message: 'duplicate contact ***@example.com' });

    // The same requests, counted for /metrics.
    const metrics = (await retail.server.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('crossdock_inbound_events_total{source="webhook:commerce",type="retail.order.placed.v1",outcome="accepted"} 1');
    expect(metrics).toContain('crossdock_inbound_events_total{source="events",type="retail.order.placed.v1",outcome="accepted"} 1');
    expect(metrics).toContain('crossdock_inbound_events_total{source="webhook:commerce",type="unknown",outcome="refused"} 1');
  });
});
