import { describe, expect, it } from 'vitest';
import { SalesforceApiError } from '../errors.ts';
import { SalesforceOrg } from '../org.ts';
import type { SObjectRecord } from '../schema/types.ts';
import { planQuery } from './plan.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-23T09:00:00Z');

/** An org with accounts written on different days, to query against. */
function orgWithAccounts() {
  let now = NOW - 10 * DAY;
  const org = new SalesforceOrg({ clock: () => now });
  const account = org.dml.object('Account');
  const write = (values: Record<string, unknown>, at: number) => {
    now = at;
    return org.dml.create(account, values, { userId: org.users[0]?.userId ?? '', now: at });
  };
  write({ Name: 'Harbour Outfitters', Type: 'Customer - Direct', Phone: '555-0100' }, NOW - 10 * DAY);
  write({ Name: 'alpine gear', Type: 'Partner' }, NOW - 3 * DAY);
  write({ Name: 'Coastal Living', Type: null }, NOW - DAY);
  write({ FirstName: 'Ada', LastName: 'Lovelace', PersonEmail: 'ada@example.com' }, NOW - 60_000);
  now = NOW;
  return org;
}

function run(org: SalesforceOrg, soql: string): SObjectRecord[] {
  const plan = planQuery({ catalog: org.catalog, soql, now: NOW });
  const rows = [...org.store.all(plan.object)].filter(plan.matches);
  if (plan.sorted) rows.sort(plan.compare);
  return rows.slice(plan.offset ?? 0, plan.limit === undefined ? undefined : (plan.offset ?? 0) + plan.limit);
}

const names = (rows: SObjectRecord[]) => rows.map((r) => r.Name);

function planError(org: SalesforceOrg, soql: string): SalesforceApiError {
  try {
    planQuery({ catalog: org.catalog, soql, now: NOW });
  } catch (error) {
    if (error instanceof SalesforceApiError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('planQuery — evaluation', () => {
  const org = orgWithAccounts();

  it('compares text case-insensitively and supports LIKE wildcards', () => {
    expect(names(run(org, "SELECT Id FROM Account WHERE Name = 'ALPINE GEAR'"))).toEqual(['alpine gear']);
    expect(names(run(org, "SELECT Id FROM Account WHERE Name LIKE '%o_tfitters'"))).toEqual(['Harbour Outfitters']);
  });

  it('combines AND, OR, NOT, IN and null checks', () => {
    expect(names(run(org, "SELECT Id FROM Account WHERE Type IN ('Partner', 'Customer - Direct') AND NOT Phone = null"))).toEqual(['Harbour Outfitters']);
    expect(names(run(org, "SELECT Id FROM Account WHERE (Type = null OR Type = 'Partner') AND IsPersonAccount = false ORDER BY Name"))).toEqual([
      'alpine gear',
      'Coastal Living',
    ]);
    expect(names(run(org, "SELECT Id FROM Account WHERE Type NOT IN ('Partner') AND IsPersonAccount = true"))).toEqual(['Ada Lovelace']);
  });

  it('filters SystemModstamp by datetime and date literals', () => {
    expect(names(run(org, 'SELECT Id FROM Account WHERE SystemModstamp > 2026-11-21T00:00:00Z ORDER BY SystemModstamp'))).toEqual([
      'Coastal Living',
      'Ada Lovelace',
    ]);
    expect(names(run(org, 'SELECT Id FROM Account WHERE LastModifiedDate = TODAY'))).toEqual(['Ada Lovelace']);
    expect(names(run(org, 'SELECT Id FROM Account WHERE SystemModstamp = YESTERDAY'))).toEqual(['Coastal Living']);
    expect(names(run(org, 'SELECT Id FROM Account WHERE SystemModstamp = LAST_N_DAYS:3 ORDER BY Name'))).toEqual([
      'Ada Lovelace',
      'alpine gear',
      'Coastal Living',
    ]);
    expect(names(run(org, 'SELECT Id FROM Account WHERE CreatedDate < LAST_N_DAYS:3'))).toEqual(['Harbour Outfitters']);
  });

  it('orders by several fields with nulls first ascending and applies LIMIT/OFFSET', () => {
    expect(names(run(org, 'SELECT Id FROM Account ORDER BY Type, Name DESC'))).toEqual(['Coastal Living', 'Ada Lovelace', 'Harbour Outfitters', 'alpine gear']);
    expect(names(run(org, 'SELECT Id FROM Account ORDER BY Name LIMIT 2 OFFSET 1'))).toEqual(['alpine gear', 'Coastal Living']);
  });
});

describe('planQuery — schema errors', () => {
  const org = orgWithAccounts();

  it('names an unknown field (INVALID_FIELD) and an unknown object (INVALID_TYPE)', () => {
    const field = planError(org, 'SELECT Id, Colour__c FROM Account');
    expect(field.errorCode).toBe('INVALID_FIELD');
    expect(field.message).toContain("No such column 'Colour__c' on entity 'Account'");
    const object = planError(org, 'SELECT Id FROM Warehouse__c');
    expect(object.errorCode).toBe('INVALID_TYPE');
    expect(object.message).toContain("sObject type 'Warehouse__c' is not supported");
  });

  it('refuses a value of the wrong type for the field', () => {
    const error = planError(org, 'SELECT Id FROM Account WHERE Name = 5');
    expect(error.errorCode).toBe('INVALID_QUERY_FILTER_OPERATOR');
    expect(error.message).toContain("value of filter criterion for field 'Name' must be of type string and should be enclosed in quotes");
    expect(planError(org, "SELECT Id FROM Account WHERE SystemModstamp > '2026-11-01'").message).toContain('must be of type dateTime');
    expect(planError(org, 'SELECT Id FROM Account WHERE SystemModstamp > 2026-11-01').message).toContain('must be of type dateTime');
  });

  it('refuses filtering on long text, relationship paths, duplicate fields and too large offsets', () => {
    expect(planError(org, "SELECT Id FROM Account WHERE Description = 'x'").message).toContain("field 'Description' can not be filtered");
    expect(planError(org, 'SELECT Owner.Name FROM Account').message).toContain("Didn't understand relationship 'Owner'");
    expect(planError(org, 'SELECT Id, Name, name FROM Account').message).toContain('duplicate field selected: Name');
    expect(planError(org, 'SELECT Id FROM Account LIMIT 10 OFFSET 2001').errorCode).toBe('NUMBER_OUTSIDE_VALID_RANGE');
    expect(planError(org, "SELECT Id FROM Account WHERE Id = 'nope'").message).toContain('invalid ID field: nope');
  });
});

describe('planQuery — parent relationship paths in WHERE', () => {
  function orgWithPrices() {
    const org = new SalesforceOrg({ clock: () => NOW });
    const ctx = { userId: org.users[0]?.userId ?? '', now: NOW };
    const product = (sku: string) => org.dml.create(org.dml.object('Product2'), { Name: sku, External_Id__c: sku }, ctx);
    const entry = (productId: string, price: number) =>
      org.dml.create(org.dml.object('PricebookEntry'), { Pricebook2Id: org.standardPricebookId, Product2Id: productId, UnitPrice: price, IsActive: true }, ctx);
    entry(product('TEE-1'), 20);
    entry(product('CAP-1'), 12);
    product('SOCK-1');
    return org;
  }
  const org = orgWithPrices();
  const related = (object: Parameters<typeof org.store.get>[0], id: string) => org.store.get(object, id);
  const prices = (soql: string) => {
    const plan = planQuery({ catalog: org.catalog, soql, now: NOW, related });
    return [...org.store.all(plan.object)].filter(plan.matches).map((record) => record.UnitPrice);
  };
  const pathError = (soql: string): SalesforceApiError => {
    try {
      planQuery({ catalog: org.catalog, soql, now: NOW, related });
    } catch (error) {
      if (error instanceof SalesforceApiError) return error;
      throw error;
    }
    throw new Error('expected an error');
  };

  it('filters on a field of the parent record, case-insensitively as on the record itself', () => {
    expect(prices("SELECT Id FROM PricebookEntry WHERE Product2.External_Id__c IN ('tee-1', 'SOCK-1', 'NONE')")).toEqual([20]);
    expect(prices("SELECT Id FROM PricebookEntry WHERE Pricebook2.IsStandard = true AND Product2.External_Id__c LIKE 'CAP%'")).toEqual([12]);
    expect(prices('SELECT Id FROM PricebookEntry WHERE Pricebook2.IsStandard = false')).toEqual([]);
  });

  it('answers INVALID_FIELD for an unknown relationship or a field the parent does not have', () => {
    const unknown = pathError("SELECT Id FROM PricebookEntry WHERE Product.External_Id__c = 'TEE-1'");
    expect(unknown.errorCode).toBe('INVALID_FIELD');
    expect(unknown.message).toContain("Didn't understand relationship 'Product' in field path");
    expect(pathError("SELECT Id FROM PricebookEntry WHERE Product2.Sku__c = 'TEE-1'").message).toContain("No such column 'Sku__c' on entity 'Product2'");
    expect(pathError("SELECT Id FROM PricebookEntry WHERE Product2.External_Id__c = 5").errorCode).toBe('INVALID_QUERY_FILTER_OPERATOR');
  });
});
