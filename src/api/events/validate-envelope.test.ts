import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EnvelopeRule } from './envelope-rules.ts';
import { validateBatch, validateEnvelope } from './validate-envelope.ts';

const SALE = {
  specversion: '1.0',
  id: 'pos-0042-000123',
  source: '/pos/store-0042/till-3',
  type: 'retail.order.captured.v1',
  subject: 'ORD-0042-000123',
  time: '2026-11-23T09:15:00.120Z',
  datacontenttype: 'application/json',
  dataschema: 'https://schemas.crossdock.dev/retail/order/v1.json',
  data: { lines: [{ sku: 'SKU-1', qty: 2 }], total: '19.98', currency: 'EUR' },
};

function violationsOf(candidate: unknown) {
  const result = validateEnvelope(candidate);
  return result.valid ? [] : result.violations;
}

function rulesOf(candidate: unknown) {
  return violationsOf(candidate).map(({ attribute, rule }) => ({ attribute, rule }));
}

describe('validateEnvelope', () => {
  it('accepts a complete retail event and returns it unchanged', () => {
    expect(validateEnvelope(SALE)).toEqual({ valid: true, event: SALE });
  });

  it('accepts the minimal event (four required attributes)', () => {
    const minimal = { specversion: '1.0', id: '1', source: 'store-0042', type: 'retail.order.captured.v1' };
    expect(validateEnvelope(minimal)).toEqual({ valid: true, event: minimal });
  });

  it('refuses a value that is not a JSON object', () => {
    for (const candidate of [[SALE], 'event', 42, null]) {
      expect(rulesOf(candidate)).toEqual([{ attribute: 'event', rule: EnvelopeRule.eventIsObject }]);
    }
  });

  describe.each(['specversion', 'id', 'source', 'type'] as const)('required attribute %s', (name) => {
    it('is reported when missing', () => {
      const { [name]: _removed, ...rest } = SALE;
      expect(rulesOf(rest)).toEqual([{ attribute: name, rule: EnvelopeRule.required }]);
    });

    it('is reported when null (null means unset)', () => {
      expect(rulesOf({ ...SALE, [name]: null })).toEqual([{ attribute: name, rule: EnvelopeRule.required }]);
    });

    it('is reported when empty', () => {
      expect(rulesOf({ ...SALE, [name]: '' })).toEqual([{ attribute: name, rule: EnvelopeRule.nonEmpty }]);
    });

    it('is reported when not a string', () => {
      expect(violationsOf({ ...SALE, [name]: 10 })).toEqual([{ index: 0, attribute: name, rule: EnvelopeRule.string, value: '10' }]);
    });
  });

  it('accepts only specversion 1.0', () => {
    for (const specversion of ['0.3', '1', '1.0.2', '2.0']) {
      expect(violationsOf({ ...SALE, specversion })).toEqual([{ index: 0, attribute: 'specversion', rule: EnvelopeRule.specversion, value: specversion }]);
    }
  });

  it('needs source to be a URI-reference', () => {
    expect(rulesOf({ ...SALE, source: 'store 0042 till 3' })).toEqual([{ attribute: 'source', rule: EnvelopeRule.uriReference }]);
    expect(rulesOf({ ...SALE, source: 'urn:acme:pos:0042' })).toEqual([]);
  });

  it('refuses control characters in string attributes', () => {
    expect(rulesOf({ ...SALE, id: 'pos\n0042' })).toEqual([{ attribute: 'id', rule: EnvelopeRule.stringCharacters }]);
    expect(rulesOf({ ...SALE, subject: 'ORD\u0000' })).toEqual([{ attribute: 'subject', rule: EnvelopeRule.stringCharacters }]);
  });

  it('needs time to be an RFC 3339 timestamp', () => {
    for (const time of ['2026-11-23 09:15:00', '23.11.2026 09:15', '2026-02-30T00:00:00Z', 1732353300]) {
      const [violation] = violationsOf({ ...SALE, time });
      expect(violation?.attribute).toBe('time');
      expect(violation?.rule).toBe(typeof time === 'string' ? EnvelopeRule.timestamp : EnvelopeRule.string);
    }
  });

  it('needs subject to be a non-empty string when present', () => {
    expect(rulesOf({ ...SALE, subject: '' })).toEqual([{ attribute: 'subject', rule: EnvelopeRule.nonEmpty }]);
    expect(rulesOf({ ...SALE, subject: 123 })).toEqual([{ attribute: 'subject', rule: EnvelopeRule.string }]);
  });

  it('needs dataschema to be an absolute URI', () => {
    expect(rulesOf({ ...SALE, dataschema: '/schemas/order/v1.json' })).toEqual([{ attribute: 'dataschema', rule: EnvelopeRule.uri }]);
    expect(rulesOf({ ...SALE, dataschema: { $ref: 'order' } })).toEqual([{ attribute: 'dataschema', rule: EnvelopeRule.string }]);
  });

  it('needs datacontenttype to be a media type', () => {
    expect(rulesOf({ ...SALE, datacontenttype: 'json' })).toEqual([{ attribute: 'datacontenttype', rule: EnvelopeRule.mediaType }]);
    expect(rulesOf({ ...SALE, datacontenttype: 'application/json; charset=utf-8' })).toEqual([]);
  });

  it('drops optional attributes and extensions sent as null, keeps an explicit null payload', () => {
    const result = validateEnvelope({ ...SALE, subject: null, time: null, storeid: null, data: null });
    expect(result.valid).toBe(true);
    if (!result.valid) return;
    expect(result.event).not.toHaveProperty('subject');
    expect(result.event).not.toHaveProperty('time');
    expect(result.event).not.toHaveProperty('storeid');
    expect(result.event).toHaveProperty('data', null);
  });

  describe('data and data_base64', () => {
    const receipt = Buffer.from('%PDF-1.7 receipt').toString('base64');

    it('refuses both present', () => {
      expect(rulesOf({ ...SALE, data_base64: receipt })).toEqual([{ attribute: 'data_base64', rule: EnvelopeRule.dataExclusive }]);
    });

    it('accepts binary data alone', () => {
      const { data: _data, ...rest } = SALE;
      expect(rulesOf({ ...rest, datacontenttype: 'application/pdf', data_base64: receipt })).toEqual([]);
    });

    it('refuses data_base64 that is not base64', () => {
      const { data: _data, ...rest } = SALE;
      expect(rulesOf({ ...rest, data_base64: 'not base64!' })).toEqual([{ attribute: 'data_base64', rule: EnvelopeRule.base64 }]);
      expect(rulesOf({ ...rest, data_base64: 17 })).toEqual([{ attribute: 'data_base64', rule: EnvelopeRule.string }]);
    });

    it('needs data to be a string when datacontenttype is not JSON', () => {
      expect(rulesOf({ ...SALE, datacontenttype: 'application/xml' })).toEqual([{ attribute: 'data', rule: EnvelopeRule.dataMatchesContentType }]);
      expect(rulesOf({ ...SALE, datacontenttype: 'application/xml', data: '<sale/>' })).toEqual([]);
      expect(rulesOf({ ...SALE, datacontenttype: 'application/vnd.acme.sale+json' })).toEqual([]);
    });
  });

  describe('extension attributes', () => {
    it('accepts lower-case alphanumeric names with string, boolean and integer values', () => {
      const event = { ...SALE, storeid: '0042', till: 3, training: false, loyaltytier2: 'gold', minint: -2147483648, maxint: 2147483647 };
      expect(validateEnvelope(event)).toEqual({ valid: true, event });
    });

    it('does not enforce the recommended 20-character limit (a SHOULD in the spec)', () => {
      expect(rulesOf({ ...SALE, acmeposterminalserialnumber: 'T-88' })).toEqual([]);
    });

    it.each(['storeId', 'store_id', 'store-id', 'Store', 'ümlaut', 'store id', ''])('refuses the name %j', (name) => {
      expect(rulesOf({ ...SALE, [name]: 'x' })).toEqual([{ attribute: name, rule: EnvelopeRule.extensionName }]);
    });

    it.each([
      ['an object', { code: 'A' }],
      ['an array', ['A']],
      ['a fraction', 1.5],
      ['an integer beyond 32 bits', 2147483648],
    ])('refuses %s as a value', (_what, value) => {
      expect(rulesOf({ ...SALE, promotion: value })).toEqual([{ attribute: 'promotion', rule: EnvelopeRule.extensionValue }]);
    });

    it('needs correlationid to be a non-empty string and traceparent a W3C traceparent', () => {
      expect(rulesOf({ ...SALE, correlationid: '' })).toEqual([{ attribute: 'correlationid', rule: EnvelopeRule.nonEmpty }]);
      expect(rulesOf({ ...SALE, correlationid: 42 })).toEqual([{ attribute: 'correlationid', rule: EnvelopeRule.nonEmpty }]);
      expect(rulesOf({ ...SALE, traceparent: 'trace-1' })).toEqual([{ attribute: 'traceparent', rule: EnvelopeRule.traceparent }]);
      expect(rulesOf({ ...SALE, correlationid: 'c-1', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' })).toEqual([]);
    });
  });

  it('reports every broken rule at once, with the value sent', () => {
    const violations = violationsOf({ specversion: '0.3', id: '', source: 'a b', time: 'yesterday', Region: 'EU' });
    expect(violations).toEqual(
      expect.arrayContaining([
        { index: 0, attribute: 'specversion', rule: EnvelopeRule.specversion, value: '0.3' },
        { index: 0, attribute: 'id', rule: EnvelopeRule.nonEmpty, value: '' },
        { index: 0, attribute: 'source', rule: EnvelopeRule.uriReference, value: 'a b' },
        { index: 0, attribute: 'type', rule: EnvelopeRule.required },
        { index: 0, attribute: 'time', rule: EnvelopeRule.timestamp, value: 'yesterday' },
        { index: 0, attribute: 'Region', rule: EnvelopeRule.extensionName },
      ]),
    );
    expect(violations).toHaveLength(6);
  });

  it('refuses a __proto__ member instead of letting it reach the event', () => {
    const candidate: unknown = JSON.parse(`{"specversion":"1.0","id":"1","source":"/pos","type":"t","__proto__":{"polluted":true}}`);
    expect(rulesOf(candidate)).toEqual([{ attribute: '__proto__', rule: EnvelopeRule.extensionName }]);
  });

  it('shortens long offending values in the report', () => {
    const [violation] = violationsOf({ ...SALE, time: 'x'.repeat(10_000) });
    expect(violation?.value?.length).toBeLessThan(200);
  });

  it('accepts any event made of valid attribute values (property)', () => {
    const name = fc.stringMatching(/^[a-z0-9]{1,20}$/).filter((n) => !['data', 'specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'dataschema', 'correlationid', 'traceparent'].includes(n));
    const value = fc.oneof(fc.boolean(), fc.integer({ min: -2147483648, max: 2147483647 }), fc.stringMatching(/^[ -~]*$/));
    fc.assert(
      fc.property(fc.dictionary(name, value, { maxKeys: 5 }), fc.stringMatching(/^[A-Za-z0-9._~-]{1,40}$/), (extensions, id) => {
        const event = { ...extensions, ...SALE, id };
        expect(validateEnvelope(event)).toEqual({ valid: true, event });
      }),
    );
  });

  it('refuses any top-level name with a character outside a-z and 0-9 (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 12 }).filter((n) => !/^[a-z0-9]+$/.test(n) && n !== 'data_base64'), (badName) => {
        expect(rulesOf({ ...SALE, [badName]: 'x' })).toContainEqual({ attribute: badName, rule: EnvelopeRule.extensionName });
      }),
    );
  });
});

describe('validateBatch', () => {
  it('accepts an empty batch', () => {
    expect(validateBatch([])).toEqual({ valid: true, events: [] });
  });

  it('accepts a batch of valid events in order', () => {
    const second = { ...SALE, id: 'pos-0042-000124' };
    expect(validateBatch([SALE, second])).toEqual({ valid: true, events: [SALE, second] });
  });

  it('names each bad event by its index and rejects the batch as a whole', () => {
    const result = validateBatch([SALE, { ...SALE, time: 'noon' }, 'not an event', { ...SALE, id: undefined }]);
    expect(result.valid).toBe(false);
    if (result.valid) return;
    expect(result.invalidIndexes).toEqual([1, 2, 3]);
    expect(result.violations.map(({ index, attribute, rule }) => ({ index, attribute, rule }))).toEqual([
      { index: 1, attribute: 'time', rule: EnvelopeRule.timestamp },
      { index: 2, attribute: 'event', rule: EnvelopeRule.batchElement },
      { index: 3, attribute: 'id', rule: EnvelopeRule.required },
    ]);
  });
});
