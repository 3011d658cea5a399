import { Writable } from 'node:stream';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { Type } from '@sinclair/typebox';
import { sampleCustomer, sampleOrder } from '../canonical/fixtures.ts';
import { personal } from '../canonical/personal-data.ts';
import { createLogger, createMasker, withCorrelation } from './logger.ts';
import { basePersonalDataRules, personalDataRulesFromSchemas } from './personal-data-keys.ts';
import { inSpan } from './spans.ts';
import { startTracing } from './tracing.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  return { destination, lines, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const customer = {
  id: 'C-1001',
  kind: 'person',
  name: { given: 'Jane', family: 'Doe' },
  firstName: 'Jane',
  last_name: 'Doe',
  emails: [{ address: 'jane.doe@example.com', primary: true }],
  Phone: '+44 7700 900123',
  addresses: [{ line1: '10 Downing Street', city: 'London', postalCode: 'SW1A 2AA' }],
  loyaltyId: 'LOY-99887766',
  preferredStore: 'STORE-12',
};

describe('createLogger', () => {
  it('writes structured JSON with no e-mail, phone, name or address unmasked', () => {
    const { destination, lines, records } = capture();
    const logger = createLogger({ destination });
    logger.info({ customer, nested: { deeper: [{ contact: { email: 'ops@acme.example' } }] } }, 'customer synced');
    const output = lines.join('\n');
    for (const secret of ['jane.doe@', 'ops@acme', '7700 900123', '7700900123', '10 Downing', 'SW1A', 'Doe', 'LOY-99887766']) {
      expect(output).not.toContain(secret);
    }
    const [record] = records();
    expect(record).toMatchObject({ level: 'info', msg: 'customer synced', service: 'crossdock' });
    const logged = record!.customer as Record<string, unknown>;
    expect(logged.Phone).toBe('***23');
    expect(logged.firstName).toBe('J***');
    expect(logged.emails).toEqual([{ address: '***@example.com', primary: true }]);
    expect(logged.preferredStore).toBe('STORE-12');
    expect(logged.id).toBe('C-1001');
  });

  it('masks e-mail addresses inside messages and error messages, and redacts credentials', () => {
    const { destination, lines } = capture();
    const logger = createLogger({ destination });
    logger.error({ err: new Error('duplicate customer jane.doe@example.com'), headers: { authorization: 'Bearer abc123' } }, 'cannot upsert jane.doe@example.com');
    const output = lines.join('\n');
    expect(output).not.toContain('jane.doe@');
    expect(output).toContain('***@example.com');
    expect(output).not.toContain('abc123');
    expect(output).toContain('[redacted]');
  });

  it('masks phone numbers inside messages, error messages and stacks, and leaves ids, skus, timestamps and tracking numbers readable', () => {
    const { destination, lines, records } = capture();
    const logger = createLogger({ destination });
    const phones = ['+13125550602', '+1 (312) 555-0603', '+44 20 7946 0958', '(312) 555-0604', '312-555-0605', '312.555.0606'];
    const error = new Error(`Salesforce refused Account 001A: duplicate PersonMobilePhone ${phones[0]}`);
    logger.warn({ err: error, detail: `call ${phones[1]} or ${phones[2]}; backup ${phones[3]}, ${phones[4]}, ${phones[5]}` }, `customer ${phones[0]} not matched`);
    const output = lines.join('\n');
    for (const digits of ['5550602', '555-0603', '7946 0958', '555-0604', '555-0605', '555.0606']) expect(output).not.toContain(digits);
    const [record] = records();
    expect(record!.msg).toBe('customer ***02 not matched');
    expect(record!.detail).toBe('call ***03 or ***58; backup ***04, ***05, ***06');
    expect((record!.err as { message: string }).message).toBe('Salesforce refused Account 001A: duplicate PersonMobilePhone ***02');
    expect((record!.err as { stack: string }).stack).not.toContain('5550602');

    const readable = [
      'SHOP-1001',
      'SKU-100234',
      '2026-11-23T09:00:05.123Z',
      '1Z999AA10123456784',
      '4bf92f3577b34da6a3ce929d0e0e4736',
      'netsuite:inventorybalance:1044:3:2026-11-23T08:00:25',
      'amount 1234567.89 USD',
      'status 429 after 3125550602 ms',
      '127.0.0.1:5432',
    ].join(' | ');
    logger.info({ readable }, readable);
    const [, second] = records();
    expect(second!.readable).toBe(readable);
    expect(second!.msg).toBe(readable);
  });

  it('binds a correlation id to every line of a child, masking bindings too', () => {
    const { destination, records } = capture();
    const logger = withCorrelation(createLogger({ destination }), 'corr-42', { email: 'jane@example.com' });
    logger.info('first');
    logger.warn({ step: 'book' }, 'second');
    expect(records().map((record) => [record.correlationId, record.email, record.msg])).toEqual([
      ['corr-42', '***@example.com', 'first'],
      ['corr-42', '***@example.com', 'second'],
    ]);
  });

  it("keeps Fastify's request and reply fields (method, url, status) on its request lines, masked", async () => {
    const { destination, records } = capture();
    const app = Fastify({ loggerInstance: createLogger({ destination }) });
    app.get('/customers', async () => ({ ok: true }));
    await app.inject({ method: 'GET', url: '/customers?email=jane.doe@example.com' });
    await app.close();
    const [incoming, completed] = records();
    expect(incoming).toMatchObject({ msg: 'incoming request', req: { method: 'GET', url: '/customers?email=***@example.com' } });
    expect(completed).toMatchObject({ msg: 'request completed', res: { statusCode: 200 } });
  });

  it('adds the trace and span ids of the active span, and nothing with tracing off', async () => {
    const { destination, records } = capture();
    const logger = createLogger({ destination });
    logger.info('before');
    const tracing = startTracing({ serviceName: 'crossdock-test', exporter: new InMemorySpanExporter() });
    let ids: { traceId: string; spanId: string } | undefined;
    try {
      await inSpan(
        () => ({ name: 'flow order-capture' }),
        async (span) => {
          ids = { traceId: span!.spanContext().traceId, spanId: span!.spanContext().spanId };
          logger.info('inside');
          logger.info({ traceId: 'an-item-s-own-trace' }, 'own trace');
        },
      );
      logger.info('outside');
    } finally {
      await tracing.shutdown();
    }
    const [before, inside, own, outside] = records();
    expect(before).not.toHaveProperty('traceId');
    expect(inside).toMatchObject({ msg: 'inside', ...ids });
    expect(own).toMatchObject({ msg: 'own trace', traceId: 'an-item-s-own-trace' });
    expect(outside).not.toHaveProperty('traceId');
  });

  it('logs an error with its real type, and never throws on a frozen one', () => {
    const { destination, records } = capture();
    const logger = createLogger({ destination });
    const frozen = Object.freeze(new TypeError('fetch failed for jane.doe@example.com'));
    expect(() => logger.error({ err: frozen }, 'the flows could not handle a batch of events')).not.toThrow();
    expect(() => logger.error(new RangeError('out of range'))).not.toThrow();
    const [first, second] = records();
    expect(first?.err).toMatchObject({ type: 'TypeError', message: 'fetch failed for ***@example.com' });
    expect(second?.err).toMatchObject({ type: 'RangeError', message: 'out of range' });
  });

  it('respects the level', () => {
    const { destination, lines } = capture();
    createLogger({ destination, level: 'warn' }).info('hidden');
    expect(lines).toEqual([]);
  });
});

describe('personal-data rules from the canonical schemas (the default)', () => {
  it('masks a canonical customer and order wherever they sit, and keeps the rest readable', () => {
    const { destination, lines, records } = capture();
    const logger = createLogger({ destination });
    logger.info({ customer: sampleCustomer(), order: sampleOrder(), flow: { name: 'order-capture' }, invoice: { number: 'INV-2026-0001' } }, 'synced');
    const output = lines.join('\n');
    for (const secret of ['jane.doe@', 'j.doe@work', '7700900123', 'Acacia', 'M1 4BT', 'Manchester"', 'Jane Doe', '"Doe"', 'LOY-00482913']) {
      expect(output).not.toContain(secret);
    }
    const [record] = records() as [{ customer: Record<string, unknown>; flow: unknown; invoice: unknown; order: { orderNumber: string } }];
    expect(record.customer.emails).toEqual([
      { address: '***@example.com', use: 'personal', primary: true, verified: true },
      { address: '***@work.example.org', use: 'work', primary: false },
    ]);
    expect(record.customer.phones).toEqual([{ number: '***23', type: 'mobile', primary: true }]);
    expect((record.customer.consents as { email: unknown }).email).toMatchObject({ status: 'granted' });
    expect(record.customer.preferredStoreCode).toBe('STORE-0042');
    expect(record.flow).toEqual({ name: 'order-capture' });
    expect(record.invoice).toEqual({ number: 'INV-2026-0001' });
    expect(record.order.orderNumber).toBe('WEB-100234');
  });
});

describe('personal-data rules from other schemas', () => {
  it('masks fields marked x-pii in a schema, by their rule', () => {
    const schema = Type.Object({ contact: Type.Object({ handle: personal('email', Type.String()) }), memberCode: personal('identifier', Type.String()) });
    const mask = createMasker(personalDataRulesFromSchemas([schema], basePersonalDataRules()));
    expect(mask({ contact: { handle: 'jane@example.com' }, memberCode: 'M-12345678', other: 'kept' })).toEqual({
      contact: { handle: '***@example.com' },
      memberCode: '***78',
      other: 'kept',
    });
  });

  it('survives circular objects', () => {
    const loop: Record<string, unknown> = { email: 'a@b.co' };
    loop.self = loop;
    expect(createMasker()(loop)).toEqual({ email: '***@b.co', self: '[circular]' });
  });
});
