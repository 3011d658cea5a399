import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMapping, Mapping, MappingError } from './mapping.ts';

const customer = {
  hubId: 'C-1001',
  kind: 'person',
  name: { given: 'Ada', family: 'Lovelace' },
  emails: [{ address: 'ada@example.com', primary: true }],
  billing: { creditLimit: '2500.50', currency: 'EUR' },
  loyalty: { id: 'L-77', tier: 'gold' },
};

const shipped = new Mapping({
  name: 'netsuite.customer.from-canonical',
  fields: {
    externalId: 'hubId',
    isPerson: "kind = 'person'",
    firstName: 'name.given',
    lastName: 'name.family',
    email: 'emails[primary].address',
    creditLimit: '$decimal(billing.creditLimit)',
    'currency.refName': 'billing.currency',
    comments: 'notes',
  },
});

describe('Mapping', () => {
  it('maps a record with JSONata, building nested fields and leaving out missing ones', async () => {
    expect(await shipped.apply(customer)).toEqual({
      externalId: 'C-1001',
      isPerson: true,
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      creditLimit: 2500.5,
      currency: { refName: 'EUR' },
    });
  });

  it('takes an installation override: a custom field added, a shipped field removed', async () => {
    const installed = shipped.withOverride({ fields: { custentity_loyalty_tier: "$uppercase(loyalty.tier)" }, remove: ['comments', 'isPerson'] });
    const mapped = await installed.apply(customer);
    expect(mapped.custentity_loyalty_tier).toBe('GOLD');
    expect(mapped).not.toHaveProperty('isPerson');
    expect(() => shipped.withOverride({ remove: ['fax'] })).toThrow(/field fax: cannot remove it: the mapping has no such field/);
  });

  it('names the mapping and the field when an expression is invalid or fails', async () => {
    expect(() => new Mapping({ name: 'm', fields: { total: 'amount +' } })).toThrow(MappingError);
    expect(() => new Mapping({ name: 'm', fields: { total: 'amount +' } })).toThrow(/mapping m, field total: invalid expression "amount \+"/);
    const failing = new Mapping({ name: 'shopify.order.to-canonical', fields: { total: "$number('twelve')" } });
    await expect(failing.apply({})).rejects.toThrow(/mapping shopify.order.to-canonical, field total: /);
    await expect(failing.apply({})).rejects.toMatchObject({ code: 'MAPPING_ERROR', field: 'total', retryable: false });
  });

  it('converts decimal money to minor units without floating point drift', async () => {
    const money = new Mapping({ name: 'stripe.refund', fields: { amount: '$minorUnits(total)', yen: '$minorUnits(total, 0)' } });
    expect(await money.apply({ total: '19.99' })).toEqual({ amount: 1999, yen: 19 });
    expect(await money.apply({ total: '0.1' })).toEqual({ amount: 10, yen: 0 });
  });

  it('loads mapping files and refuses a non-string expression naming the field', () => {
    const directory = mkdtempSync(join(tmpdir(), 'crossdock-mapping-'));
    const good = join(directory, 'good.yaml');
    writeFileSync(good, 'name: wms.order.from-canonical\nfields:\n  reference: orderNumber\n');
    expect(loadMapping(good).name).toBe('wms.order.from-canonical');
    const bad = join(directory, 'bad.yaml');
    writeFileSync(bad, 'name: wms.order.from-canonical\nfields:\n  quantity: 3\n');
    expect(() => loadMapping(bad)).toThrow(/field quantity: the expression must be a string, got 3/);
  });
});
