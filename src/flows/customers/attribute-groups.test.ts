import { describe, expect, it } from 'vitest';
import { CustomerSchema } from '../../canonical/customer.ts';
import { sampleCustomer } from '../../canonical/fixtures.ts';
import { createOwnership, DEFAULT_OWNERSHIP } from '../ownership.ts';
import { CUSTOMER_ATTRIBUTE_GROUPS, CUSTOMER_FIELDS, groupOf } from './attribute-groups.ts';
import { comparable } from './comparable.ts';

const ENVELOPE = ['hubId', 'externalIds', 'sourceSystem', 'sourceTimestamp', 'version', 'schemaVersion'];

describe('customer attribute groups', () => {
  it('puts every attribute of the canonical Customer in exactly one group', () => {
    const attributes = Object.keys(CustomerSchema.properties).filter((name) => !ENVELOPE.includes(name));
    expect([...CUSTOMER_FIELDS].sort()).toEqual(attributes.sort());
    expect(new Set(CUSTOMER_FIELDS).size).toBe(CUSTOMER_FIELDS.length);
    expect(groupOf('billingAccount')).toBe('billing');
    expect(groupOf('emails')).toBe('contact');
  });

  it('names only groups that exist in the default ownership rules, and leaves contact data unowned', () => {
    const ownedGroups = Object.keys(DEFAULT_OWNERSHIP).filter((rule) => rule.startsWith('customer.')).map((rule) => rule.slice('customer.'.length));
    for (const group of ownedGroups) expect(Object.keys(CUSTOMER_ATTRIBUTE_GROUPS)).toContain(group);
    const ownership = createOwnership();
    expect(ownership.ownerOf('customer', 'billing')).toBe('erp');
    expect(ownership.ownerOf('customer', 'consent')).toBe('crm');
    expect(ownership.ownerOf('customer', 'contact')).toBeUndefined();
  });
});

describe('comparable forms', () => {
  it('see the same value through each system\'s way of writing it', () => {
    const golden = sampleCustomer();
    const netsuite = sampleCustomer({
      emails: [{ address: ' Jane.Doe@Example.com', use: 'other', primary: true }],
      phones: [{ number: '+447700900123', type: 'other', primary: true }],
      name: { given: 'Jane', family: 'Doe', full: 'Doe, Jane' },
    });
    for (const field of ['emails', 'phones', 'name'] as const) expect(comparable(field, netsuite)).toBe(comparable(field, golden));
    const amounts = (amount: string) => comparable('billingAccount', { billingAccount: { accountNumber: 'A-1', creditLimit: { amount, currency: 'USD' }, status: 'active' } });
    expect(amounts('25000')).toBe(amounts('25000.00'));
  });

  it('read consent as a decision: denied and withdrawn are both "out", unknown is none', () => {
    const out = (status: 'denied' | 'withdrawn' | 'unknown') => comparable('consents', { consents: { email: { status, source: 'x', capturedAt: '2026-11-23T09:00:00Z' } } });
    expect(out('denied')).toBe(out('withdrawn'));
    expect(out('unknown')).toBeNull();
  });

  it('take an e-mail address standing in for a name (Shopify, no name given) as no name', () => {
    expect(comparable('name', { name: { full: 'jane.doe@example.com' } })).toBeNull();
    expect(comparable('name', { name: { full: 'Jane Doe' } })).toBe('Jane Doe');
  });
});
