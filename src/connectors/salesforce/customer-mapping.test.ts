import { describe, expect, it } from 'vitest';
import { loadSalesforceMappings } from './mappings.ts';

const person = {
  hubId: 'CUST-1',
  partyType: 'person',
  name: { given: 'Ada', family: 'Byron', full: 'Ada Byron' },
  emails: [{ address: 'ada@example.com', use: 'personal', primary: true }],
  phones: [],
  addresses: [],
};

describe('customer.to-salesforce', () => {
  const mapping = loadSalesforceMappings()['customer.to-salesforce'];

  it('sets the email opt-out from a recorded decision', async () => {
    const withdrawn = await mapping.apply({ ...person, consents: { email: { status: 'withdrawn', source: 'shopify', capturedAt: '2026-11-23T09:00:00Z' } } });
    const granted = await mapping.apply({ ...person, consents: { email: { status: 'granted', source: 'shopify', capturedAt: '2026-11-23T09:00:00Z' } } });
    expect(withdrawn.PersonHasOptedOutOfEmail).toBe(true);
    expect(granted.PersonHasOptedOutOfEmail).toBe(false);
  });

  it('leaves the opt-out out of the record when no decision is recorded (the Account keeps its own)', async () => {
    const fields = await mapping.apply({ ...person, consents: {} });
    expect(fields).not.toHaveProperty('PersonHasOptedOutOfEmail');
    expect(fields).toMatchObject({ External_Id__c: 'CUST-1', LastName: 'Byron', PersonEmail: 'ada@example.com' });
  });
});
