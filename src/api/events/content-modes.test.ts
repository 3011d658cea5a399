import { describe, expect, it } from 'vitest';
import { ContentMode, RequestFailureCode, decodeHeaderValue, readInboundEvents, type InboundHttpRequest } from './content-modes.ts';
import { EnvelopeRule } from './envelope-rules.ts';

const SALE = { specversion: '1.0', id: 'pos-1', source: '/pos/store-0042', type: 'retail.order.captured.v1', data: { total: '9.99' } };

function request(contentType: string | undefined, body: string | Buffer, headers: Array<[string, string]> = []): InboundHttpRequest {
  return { contentType, headers, body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8') };
}

const BINARY_HEADERS: Array<[string, string]> = [
  ['ce-specversion', '1.0'],
  ['CE-ID', 'pos-2'],
  ['ce-source', '/pos/store-0042'],
  ['ce-type', 'retail.order.captured.v1'],
  ['ce-subject', 'ORD-0042-2'],
  ['ce-time', '2026-11-23T09:15:00Z'],
  ['ce-storeid', '0042'],
  ['host', 'hub.acme.example'],
];

describe('structured content mode', () => {
  it('reads one event from application/cloudevents+json, charset allowed', () => {
    for (const contentType of ['application/cloudevents+json', 'application/cloudevents+json; charset=UTF-8', 'Application/CloudEvents+JSON']) {
      expect(readInboundEvents(request(contentType, JSON.stringify(SALE)))).toEqual({
        ok: true,
        mode: ContentMode.structured,
        candidates: [SALE],
        violations: [],
      });
    }
  });

  it('ignores a leading byte order mark', () => {
    const parsed = readInboundEvents(request('application/cloudevents+json', `\uFEFF${JSON.stringify(SALE)}`));
    expect(parsed.ok && parsed.candidates).toEqual([SALE]);
  });

  it('answers malformed JSON with a clear failure', () => {
    const parsed = readInboundEvents(request('application/cloudevents+json', '{"specversion": "1.0",'));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.failure.status).toBe(400);
    expect(parsed.failure.error).toBe(RequestFailureCode.malformedJson);
    expect(parsed.failure.message).toMatch(/not valid JSON/);
  });

  it('answers an empty body and invalid UTF-8 as malformed JSON', () => {
    for (const body of [Buffer.alloc(0), Buffer.from([0x7b, 0xff, 0x7d])]) {
      const parsed = readInboundEvents(request('application/cloudevents+json', body));
      expect(!parsed.ok && parsed.failure.error).toBe(RequestFailureCode.malformedJson);
    }
  });

  it('refuses a __proto__ key anywhere in the body, escaped or not', () => {
    for (const body of [
      '{"specversion":"1.0","__proto__":{"admin":true}}',
      '{"specversion":"1.0","data":{"lines":[{"__proto__":{"admin":true}}]}}',
      '{"specversion":"1.0","data":{"\\u005f_proto__":{"admin":true}}}',
    ]) {
      const parsed = readInboundEvents(request('application/cloudevents+json', body));
      expect(!parsed.ok && parsed.failure).toMatchObject({ status: 400, error: RequestFailureCode.malformedJson, message: expect.stringContaining('__proto__') });
    }
    const harmless = readInboundEvents(request('application/cloudevents+json', '{"note":"mentions __proto__ in a value"}'));
    expect(harmless.ok).toBe(true);
  });

  it('refuses other event formats and charsets with 415', () => {
    for (const contentType of ['application/cloudevents+avro', 'application/cloudevents', 'application/cloudevents+json; charset=iso-8859-1']) {
      const parsed = readInboundEvents(request(contentType, JSON.stringify(SALE)));
      expect(!parsed.ok && parsed.failure).toMatchObject({ status: 415, error: RequestFailureCode.unsupportedMediaType });
    }
  });

  it('refuses a malformed CloudEvents Content-Type with 400', () => {
    const parsed = readInboundEvents(request('application/cloudevents+json; charset', JSON.stringify(SALE)));
    expect(!parsed.ok && parsed.failure).toMatchObject({ status: 400, error: RequestFailureCode.invalidContentType });
  });
});

describe('batched content mode', () => {
  it('reads a JSON array of events, empty included', () => {
    const second = { ...SALE, id: 'pos-2' };
    expect(readInboundEvents(request('application/cloudevents-batch+json', JSON.stringify([SALE, second])))).toMatchObject({
      ok: true,
      mode: ContentMode.batched,
      candidates: [SALE, second],
    });
    expect(readInboundEvents(request('application/cloudevents-batch+json; charset=utf-8', '[]'))).toMatchObject({ ok: true, candidates: [] });
  });

  it('refuses a body that is not an array', () => {
    const parsed = readInboundEvents(request('application/cloudevents-batch+json', JSON.stringify(SALE)));
    expect(!parsed.ok && parsed.failure).toMatchObject({ status: 400, error: RequestFailureCode.invalidBatch });
  });

  it('refuses a batch format other than JSON', () => {
    const parsed = readInboundEvents(request('application/cloudevents-batch+protobuf', 'x'));
    expect(!parsed.ok && parsed.failure.status).toBe(415);
  });
});

describe('binary content mode', () => {
  it('maps ce- headers to attributes and a JSON body to data', () => {
    const parsed = readInboundEvents(request('application/json; charset=utf-8', '{"total":"9.99"}', BINARY_HEADERS));
    expect(parsed).toEqual({
      ok: true,
      mode: ContentMode.binary,
      candidates: [
        {
          specversion: '1.0',
          id: 'pos-2',
          source: '/pos/store-0042',
          type: 'retail.order.captured.v1',
          subject: 'ORD-0042-2',
          time: '2026-11-23T09:15:00Z',
          storeid: '0042',
          datacontenttype: 'application/json; charset=utf-8',
          data: { total: '9.99' },
        },
      ],
      violations: [],
    });
  });

  it('treats +json media types as JSON and refuses a body that does not parse', () => {
    const ok = readInboundEvents(request('application/vnd.acme.sale+json', '[1,2]', BINARY_HEADERS));
    expect(ok.ok && ok.candidates[0]).toMatchObject({ data: [1, 2] });
    const bad = readInboundEvents(request('application/json', '{oops', BINARY_HEADERS));
    expect(!bad.ok && bad.failure.error).toBe(RequestFailureCode.malformedJson);
  });

  it('keeps text/* as a string and anything else as base64', () => {
    const text = readInboundEvents(request('text/csv; charset=utf-8', 'sku,qty\nSKU-1,2\n', BINARY_HEADERS));
    expect(text.ok && text.candidates[0]).toMatchObject({ data: 'sku,qty\nSKU-1,2\n' });
    const latin1 = readInboundEvents(request('text/plain; charset=iso-8859-1', Buffer.from([0x4d, 0xfc, 0x6e]), BINARY_HEADERS));
    expect(latin1.ok && latin1.candidates[0]).toMatchObject({ data: 'Mün' });
    const pdf = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff]);
    const binary = readInboundEvents(request('application/pdf', pdf, BINARY_HEADERS));
    expect(binary.ok && binary.candidates[0]).toMatchObject({ datacontenttype: 'application/pdf', data_base64: pdf.toString('base64') });
    expect(binary.ok && binary.candidates[0]).not.toHaveProperty('data');
  });

  it('keeps text that does not decode in its declared charset as base64, losing nothing', () => {
    const bytes = Buffer.from([0x61, 0xff, 0x62]);
    const parsed = readInboundEvents(request('text/plain; charset=utf-8', bytes, BINARY_HEADERS));
    expect(parsed.ok && parsed.candidates[0]).toMatchObject({ data_base64: bytes.toString('base64') });
  });

  it('has no data when the body is empty, and no datacontenttype without a Content-Type', () => {
    const parsed = readInboundEvents(request(undefined, Buffer.alloc(0), BINARY_HEADERS));
    expect(parsed.ok && parsed.candidates[0]).not.toHaveProperty('data');
    expect(parsed.ok && parsed.candidates[0]).not.toHaveProperty('data_base64');
    expect(parsed.ok && parsed.candidates[0]).not.toHaveProperty('datacontenttype');
  });

  it('percent-decodes header values as UTF-8', () => {
    const parsed = readInboundEvents(request(undefined, '', [...BINARY_HEADERS, ['ce-storename', 'Filiale%20M%C3%BCnchen%20%E2%82%AC']]));
    expect(parsed.ok && parsed.candidates[0]).toMatchObject({ storename: 'Filiale München €' });
  });

  it('reports wire-level header problems as violations', () => {
    const parsed = readInboundEvents(
      request('application/json', '{}', [
        ...BINARY_HEADERS,
        ['ce-datacontenttype', 'application/json'],
        ['ce-id', 'pos-3'],
        ['ce-till', '%C0%A0'],
        ['ce-data', 'x'],
      ]),
    );
    expect(parsed.ok && parsed.violations.map(({ attribute, rule }) => ({ attribute, rule }))).toEqual([
      { attribute: 'ce-datacontenttype', rule: EnvelopeRule.headerDatacontenttype },
      { attribute: 'ce-id', rule: EnvelopeRule.headerRepeated },
      { attribute: 'ce-till', rule: EnvelopeRule.headerEncoding },
      { attribute: 'ce-data', rule: EnvelopeRule.headerData },
    ]);
    // The first ce-id wins; the repeat is reported, not silently merged.
    expect(parsed.ok && parsed.candidates[0]).toMatchObject({ id: 'pos-2' });
  });

  it('yields a candidate without attributes when no ce- headers are sent, for the validator to report', () => {
    const parsed = readInboundEvents(request('application/json', '{"total":"9.99"}', [['host', 'hub']]));
    expect(parsed.ok && parsed.candidates).toEqual([{ datacontenttype: 'application/json', data: { total: '9.99' } }]);
  });
});

describe('decodeHeaderValue (HTTP binding 3.1.3.2)', () => {
  it.each([
    ['Euro%20%E2%82%AC%20%F0%9F%98%80', 'Euro € 😀'],
    ['lower%c3%a4case', 'loweräcase'],
    ['%41%42C', 'ABC'],
    ['"quoted value"', 'quoted value'],
    ['"with \\"escaped\\" quotes"', 'with "escaped" quotes'],
    ['  padded  ', 'padded'],
    ['plain', 'plain'],
  ])('decodes %j', (raw, decoded) => {
    expect(decodeHeaderValue(raw)).toBe(decoded);
  });

  it.each([
    ['an overlong encoding', '%C0%A0'],
    ['a truncated UTF-8 sequence', '%E2%82'],
    ['a stray percent sign', '100%'],
    ['a percent sign with bad hex', '%G1'],
    ['an unterminated quoted string', '"open'],
    ['raw non-ASCII', 'München'],
  ])('refuses %s', (_what, raw) => {
    expect(decodeHeaderValue(raw)).toBeUndefined();
  });
});
