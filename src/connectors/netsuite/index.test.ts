import { describe, expect, it } from 'vitest';
import { createNetSuiteConnector, netSuiteBaseUrl } from './index.ts';

const tba = { tba: { consumerKey: 'ck', consumerSecret: 'cs', tokenId: 'ti', tokenSecret: 'ts' } };

describe('createNetSuiteConnector', () => {
  it('declares the account limit as its budget (default 5, or the configuration override) and uses it for its own slots', () => {
    const standard = createNetSuiteConnector({ accountId: '1234567', credentials: tba });
    expect(standard.budget).toEqual({ maxBatchSize: 1, concurrency: 5 });
    expect(standard.operations).toEqual(['upsertCustomer', 'bookOrder', 'cancelOrder', 'recordFulfillment', 'createInvoice', 'authorizeReturn', 'receiveReturn', 'issueCreditMemo', 'issueCustomerRefund']);
    expect(standard.quota?.()).toMatchObject({ name: 'concurrency', used: 0, limit: 5 });
    const plus = createNetSuiteConnector({ accountId: '1234567', credentials: tba, concurrencyLimit: 15, budget: { concurrency: 12 } });
    expect(plus.budget.concurrency).toBe(12);
    expect(plus.concurrency().limit).toBe(12);
    expect(plus.pollers).toBeUndefined();
  });

  it('refuses a batch size the record API cannot take, and an override of a mapping it does not ship', () => {
    expect(() => createNetSuiteConnector({ accountId: '1234567', credentials: tba, budget: { maxBatchSize: 200 } })).toThrow(/one record per request/);
    expect(() => createNetSuiteConnector({ accountId: '1234567', credentials: tba, mappingOverrides: { 'salesorder.to-netsuite': {} } as never })).toThrow(/unknown mapping "salesorder.to-netsuite"/);
  });

  it('finds the REST host of an account, sandbox accounts included', () => {
    expect(netSuiteBaseUrl('1234567_SB1')).toBe('https://1234567-sb1.suitetalk.api.netsuite.com');
  });
});
