import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { isAbsoluteUri, isDateTime, isEmailAddress, isFullDate } from './formats.ts';
import { validate } from './validation.ts';

describe('RFC 3339 date-time', () => {
  it.each([
    '2026-11-23T08:45:00Z',
    '2026-11-23T08:45:00.123Z',
    '2026-11-23T09:45:00+01:00',
    '2024-02-29T00:00:00-05:30',
    '2016-12-31T23:59:60Z',
    '2026-11-23t08:45:00z',
  ])('accepts %s', (value) => {
    expect(isDateTime(value)).toBe(true);
  });

  it.each([
    ['no offset', '2026-11-23T08:45:00'],
    ['a day that does not exist', '2026-02-30T10:00:00Z'],
    ['29 February of a common year', '2023-02-29T10:00:00Z'],
    ['hour 24', '2026-11-23T24:00:00Z'],
    ['a space instead of T', '2026-11-23 08:45:00Z'],
    ['a date only', '2026-11-23'],
    ['an offset without colon', '2026-11-23T08:45:00+0100'],
  ])('rejects %s', (_label, value) => {
    expect(isDateTime(value)).toBe(false);
  });
});

describe('other formats', () => {
  it('checks calendar dates', () => {
    expect(isFullDate('2026-12-21')).toBe(true);
    expect(isFullDate('2026-04-31')).toBe(false);
    expect(isFullDate('21/12/2026')).toBe(false);
  });

  it('checks e-mail addresses', () => {
    expect(isEmailAddress('jane.doe+orders@example.co.uk')).toBe(true);
    expect(isEmailAddress('jane@gmail')).toBe(false);
    expect(isEmailAddress('jane doe@example.com')).toBe(false);
    expect(isEmailAddress(`${'a'.repeat(250)}@example.com`)).toBe(false);
  });

  it('checks absolute URIs', () => {
    expect(isAbsoluteUri('https://track.dpd.co.uk/parcels/155')).toBe(true);
    expect(isAbsoluteUri('/parcels/155')).toBe(false);
    expect(isAbsoluteUri('https://exa mple.com')).toBe(false);
  });

  it('is registered with TypeBox, so schema validation really checks the format', () => {
    const schema = Type.Object({ at: Type.String({ format: 'date-time' }), mail: Type.String({ format: 'email' }) });
    expect(validate(schema, { at: '2026-11-23T08:45:00Z', mail: 'jane@example.com' }).ok).toBe(true);
    expect(validate(schema, { at: '2026-13-01T08:45:00Z', mail: 'jane@example.com' }).ok).toBe(false);
    expect(validate(schema, { at: '2026-11-23T08:45:00Z', mail: 'not-an-email' }).ok).toBe(false);
  });
});
