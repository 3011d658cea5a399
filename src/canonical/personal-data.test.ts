import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { maskPersonalValue, personal, personalDataKindOf } from './personal-data.ts';

describe('masking rules', () => {
  it.each([
    ['name', 'Jane', 'J***'],
    ['name', 'Élodie', 'É***'],
    ['name', 'J', '***'],
    ['email', 'jane.doe@example.com', '***@example.com'],
    ['email', 'not-an-email', '***'],
    ['phone', '+447700900123', '***23'],
    ['phone', '+44 7700 900123', '***23'],
    ['phone', '123', '***'],
    ['identifier', 'LOY-00482913', '***13'],
    ['identifier', 'AB1', '***'],
    ['address', '12 Acacia Avenue', '***'],
    ['free-text', 'Leave it with Tom next door', '***'],
  ] as const)('%s %j → %j', (kind, value, masked) => {
    expect(maskPersonalValue(kind, value)).toBe(masked);
  });

  it('masks non-text values whole and keeps absence', () => {
    expect(maskPersonalValue('phone', 447700900123)).toBe('***');
    expect(maskPersonalValue('address', { line1: '12 Acacia Avenue', lines: ['Flat 3'] })).toEqual({ line1: '***', lines: ['***'] });
    expect(maskPersonalValue('name', null)).toBeNull();
    expect(maskPersonalValue('name', undefined)).toBeUndefined();
  });
});

describe('the x-pii mark', () => {
  it('is set by personal() and read back by kind; a bare true masks fully', () => {
    expect(personalDataKindOf(personal('email', Type.String()))).toBe('email');
    expect(personalDataKindOf(Type.String({ 'x-pii': true }))).toBe('free-text');
    expect(personalDataKindOf(Type.String())).toBeUndefined();
  });
});
