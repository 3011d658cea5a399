import { describe, expect, it } from 'vitest';
import { accountIdOf } from './record-ids.ts';

describe('accountIdOf', () => {
  it('reads 15- and 18-character Account ids from externalIds.salesforce', () => {
    expect(accountIdOf({ externalIds: { salesforce: '001Dn00000ABcdeIAD' } })).toBe('001Dn00000ABcdeIAD');
    expect(accountIdOf({ externalIds: { salesforce: '001Dn00000ABcde' } })).toBe('001Dn00000ABcde');
  });

  it('ignores ids of other objects, malformed ids and payloads without one', () => {
    expect(accountIdOf({ externalIds: { salesforce: '003Dn00000ABcdeIAD' } })).toBeUndefined();
    expect(accountIdOf({ externalIds: { salesforce: '001Dn00000ABcd' } })).toBeUndefined();
    expect(accountIdOf({ externalIds: { salesforce: '001Dn00000ABcde-IAD' } })).toBeUndefined();
    expect(accountIdOf({ externalIds: { shopify: 'gid://shopify/Customer/1' } })).toBeUndefined();
    expect(accountIdOf({})).toBeUndefined();
    expect(accountIdOf(null)).toBeUndefined();
  });
});
