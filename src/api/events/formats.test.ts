import { describe, expect, it } from 'vitest';
import {
  hasOnlyAllowedCharacters,
  isAbsoluteUri,
  isBase64,
  isJsonMediaType,
  isRfc3339Timestamp,
  isUriReference,
  parseMediaType,
} from './formats.ts';

describe('isUriReference (RFC 3986)', () => {
  it.each([
    '/pos/store-0042',
    'store-0042',
    'urn:acme:pos:store:0042',
    'https://pos.acme.example/stores/0042?lane=3#till',
    'crossdock://shopify/acme-store',
    '//pos.acme.example:8443/till',
    'http://[2001:db8::7]/till',
    'mailto:ops@acme.example',
    '/path%20with%20escapes',
    '',
    '#fragment-only',
  ])('accepts %j', (value) => {
    expect(isUriReference(value)).toBe(true);
  });

  it.each([
    'store 0042',
    '/pos/kasse/münchen',
    '/bad%2',
    '/bad%zz',
    '1pos:store',
    'ht tp://x',
    'https://pos.acme.example:80a/',
    'https://[::1/',
    '/a#b#c',
    '/path[1]',
    '<pos>',
  ])('refuses %j', (value) => {
    expect(isUriReference(value)).toBe(false);
  });
});

describe('isAbsoluteUri', () => {
  it('needs a scheme', () => {
    expect(isAbsoluteUri('https://schemas.acme.example/order/v1.json')).toBe(true);
    expect(isAbsoluteUri('urn:crossdock:schema:order:v1')).toBe(true);
    expect(isAbsoluteUri('/schemas/order/v1.json')).toBe(false);
    expect(isAbsoluteUri('schemas/order')).toBe(false);
  });
});

describe('isRfc3339Timestamp', () => {
  it.each([
    '2026-11-23T09:15:00Z',
    '2026-11-23T09:15:00.123456789Z',
    '2026-11-23t09:15:00z',
    '2026-11-23T10:15:00+01:00',
    '2026-11-23T04:15:00-05:00',
    '2024-02-29T12:00:00Z',
    '2016-12-31T23:59:60Z',
  ])('accepts %j', (value) => {
    expect(isRfc3339Timestamp(value)).toBe(true);
  });

  it.each([
    '2026-11-23',
    '2026-11-23T09:15:00',
    '2026-11-23 09:15:00Z',
    '2026-11-23T09:15Z',
    '2026-13-01T00:00:00Z',
    '2026-02-29T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-11-23T24:00:00Z',
    '2026-11-23T09:60:00Z',
    '2026-11-23T09:15:00+0100',
    '2026-11-23T09:15:00+24:00',
    '1732353300',
    'Mon, 23 Nov 2026 09:15:00 GMT',
  ])('refuses %j', (value) => {
    expect(isRfc3339Timestamp(value)).toBe(false);
  });
});

describe('isBase64', () => {
  it('accepts padded standard base64 and the empty string', () => {
    expect(isBase64(Buffer.from('receipt 0042').toString('base64'))).toBe(true);
    expect(isBase64('YQ==')).toBe(true);
    expect(isBase64('YWI=')).toBe(true);
    expect(isBase64('')).toBe(true);
  });

  it('refuses unpadded, url-safe, whitespace and stray characters', () => {
    expect(isBase64('YQ')).toBe(false);
    expect(isBase64('a-_b')).toBe(false);
    expect(isBase64('YWJj ZGVm')).toBe(false);
    expect(isBase64('YQ==YQ==')).toBe(false);
    expect(isBase64('not base64!')).toBe(false);
  });
});

describe('hasOnlyAllowedCharacters (CloudEvents String)', () => {
  it('accepts printable text and surrogate pairs', () => {
    expect(hasOnlyAllowedCharacters('Kasse 3 – Filiale München 😀')).toBe(true);
  });

  it('refuses control characters and unpaired surrogates', () => {
    expect(hasOnlyAllowedCharacters('line\nbreak')).toBe(false);
    expect(hasOnlyAllowedCharacters('tab\there')).toBe(false);
    expect(hasOnlyAllowedCharacters('c1\u0085control')).toBe(false);
    expect(hasOnlyAllowedCharacters('lone\uD800')).toBe(false);
    expect(hasOnlyAllowedCharacters('\uDC00lone')).toBe(false);
  });
});

describe('parseMediaType', () => {
  it('reads type, subtype and parameters, case-insensitively', () => {
    expect(parseMediaType('Application/CloudEvents+JSON; Charset=UTF-8')).toEqual({
      type: 'application',
      subtype: 'cloudevents+json',
      parameters: { charset: 'UTF-8' },
    });
    expect(parseMediaType('text/plain;charset="utf-8" ; format=flowed')?.parameters).toEqual({ charset: 'utf-8', format: 'flowed' });
    expect(parseMediaType('application/json;')?.subtype).toBe('json');
  });

  it('refuses malformed media types', () => {
    expect(parseMediaType('json')).toBeUndefined();
    expect(parseMediaType('application/')).toBeUndefined();
    expect(parseMediaType('application/json; charset')).toBeUndefined();
    expect(parseMediaType('application/json; charset="utf-8')).toBeUndefined();
    expect(parseMediaType('application json/x')).toBeUndefined();
  });

  it('knows JSON-formatted content (*/json, */*+json)', () => {
    expect(isJsonMediaType(parseMediaType('application/json')!)).toBe(true);
    expect(isJsonMediaType(parseMediaType('application/vnd.acme.sale+json')!)).toBe(true);
    expect(isJsonMediaType(parseMediaType('text/json')!)).toBe(true);
    expect(isJsonMediaType(parseMediaType('application/xml')!)).toBe(false);
    expect(isJsonMediaType(parseMediaType('application/jsonl')!)).toBe(false);
  });
});
