import { describe, expect, it } from 'vitest';
import { SalesforceApiError } from '../errors.ts';
import { SalesforceOrg } from '../org.ts';
import { MultipleMatchesError } from './dml.ts';

const NOW = Date.parse('2026-11-23T09:00:00Z');

function setup(options: { lockContentionRate?: number } = {}) {
  const org = new SalesforceOrg({ clock: () => NOW, ...options });
  const ctx = { userId: org.users[0]?.userId ?? '', now: NOW };
  const object = (name: string) => org.dml.object(name);
  const create = (name: string, values: Record<string, unknown>) => org.dml.create(object(name), values, ctx);
  return { org, ctx, object, create };
}

function failure(action: () => unknown): SalesforceApiError {
  try {
    action();
  } catch (error) {
    if (error instanceof SalesforceApiError) return error;
    throw error;
  }
  throw new Error('expected a Salesforce error');
}

/** Product with a standard price and a Draft order on the standard price book. */
function orderFixture() {
  const env = setup();
  const { org, create } = env;
  const accountId = create('Account', { Name: 'Harbour Outfitters' });
  const productId = create('Product2', { Name: 'Trail Jacket', ProductCode: 'TJ-1', IsActive: true });
  const entryId = create('PricebookEntry', { Pricebook2Id: org.standardPricebookId, Product2Id: productId, UnitPrice: 120, IsActive: true });
  const orderId = create('Order', { AccountId: accountId, EffectiveDate: '2026-11-23', Status: 'Draft', Pricebook2Id: org.standardPricebookId });
  return { ...env, accountId, productId, entryId, orderId };
}

describe('DmlEngine — field validation', () => {
  it('fills system fields, defaults and auto numbers on insert', () => {
    const { org, object, create } = setup();
    const id = create('Case', { Subject: 'Parcel arrived damaged', Origin: 'Web' });
    const record = org.store.get(object('Case'), id);
    expect(record).toMatchObject({ Status: 'New', Priority: 'Medium', IsClosed: false, CaseNumber: '00000101', SystemModstamp: '2026-11-23T09:00:00.000+0000' });
    expect(String(record?.OwnerId)).toMatch(/^005/);
  });

  it.each([
    [{ Nickname__c: 'x', Name: 'A' }, 'INVALID_FIELD', "No such column 'Nickname__c' on sobject of type Account"],
    [{ Website: 'https://example.com' }, 'REQUIRED_FIELD_MISSING', 'Required fields are missing: [Name]'],
    [{ Name: 'A', CreatedDate: '2026-01-01T00:00:00Z' }, 'INVALID_FIELD_FOR_INSERT_UPDATE', 'Unable to create/update fields: CreatedDate'],
    [{ Name: 'A', Type: 'Reseller' }, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', 'Type: bad value for restricted picklist field: Reseller'],
    [{ Name: 'x'.repeat(256) }, 'STRING_TOO_LONG', 'max length=255'],
    [{ LastName: 'Lee', PersonEmail: 'not-an-email' }, 'INVALID_EMAIL_ADDRESS', 'invalid email address: not-an-email'],
    [{ Name: 'A', PersonBirthdate: '23/11/1990' }, 'JSON_PARSER_ERROR', 'Cannot deserialize instance of date'],
    [{ Name: 'A', Id: '001D000000IqhSLIAZ' }, 'INVALID_FIELD', 'cannot specify Id in an insert call'],
  ])('refuses %j with %s', (values, errorCode, message) => {
    const { create } = setup();
    const error = failure(() => create('Account', values));
    expect(error.errorCode).toBe(errorCode);
    expect(error.message).toContain(message);
  });

  it('checks references: malformed, wrong object, missing record', () => {
    const { create } = setup();
    const accountId = create('Account', { Name: 'A' });
    expect(failure(() => create('Contact', { LastName: 'Lee', AccountId: 'junk' })).errorCode).toBe('MALFORMED_ID');
    const contactId = create('Contact', { LastName: 'Lee', AccountId: accountId });
    expect(failure(() => create('Contact', { LastName: 'Kim', AccountId: contactId })).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
    const missing = `${accountId.slice(0, 10)}zzzzz`;
    expect(failure(() => create('Contact', { LastName: 'Kim', AccountId: missing })).errorCode).toBe('INVALID_CROSS_REFERENCE_KEY');
  });

  it('refuses a second record with the same unique external id (DUPLICATE_VALUE)', () => {
    const { create } = setup();
    const first = create('Account', { Name: 'A', External_Id__c: 'CUST-1' });
    const error = failure(() => create('Account', { Name: 'B', External_Id__c: 'cust-1' }));
    expect(error.errorCode).toBe('DUPLICATE_VALUE');
    expect(error.message).toBe(`duplicate value found: External_Id__c duplicates value on record with id: ${first}`);
  });

  it('derives the name of a Person Account and of a Contact', () => {
    const { org, object, create } = setup();
    const id = create('Account', { FirstName: 'Ada', LastName: 'Lovelace' });
    expect(org.store.get(object('Account'), id)).toMatchObject({ Name: 'Ada Lovelace', IsPersonAccount: true });
    const contact = create('Contact', { FirstName: 'Grace', LastName: 'Hopper' });
    expect(org.store.get(object('Contact'), contact)?.Name).toBe('Grace Hopper');
  });
});

describe('DmlEngine — upsert', () => {
  it('creates, then updates by external id, and reports several matches', () => {
    const { org, ctx, object, create } = setup();
    const account = object('Account');
    const created = org.dml.upsert(account, 'External_Id__c', 'CUST-7', { Name: 'Harbour' }, ctx);
    expect(created.created).toBe(true);
    const updated = org.dml.upsert(account, 'External_Id__c', 'CUST-7', { Name: 'Harbour Outfitters' }, ctx);
    expect(updated).toEqual({ id: created.id, created: false });
    expect(org.store.get(account, created.id)?.Name).toBe('Harbour Outfitters');
    create('Account', { Name: 'One', Legacy_Customer_Number__c: 'L-1' });
    create('Account', { Name: 'Two', Legacy_Customer_Number__c: 'L-1' });
    const multiple = failure(() => org.dml.upsert(account, 'Legacy_Customer_Number__c', 'L-1', { Name: 'X' }, ctx));
    expect(multiple).toBeInstanceOf(MultipleMatchesError);
    expect((multiple as MultipleMatchesError).ids).toHaveLength(2);
    expect(failure(() => org.dml.upsert(account, 'Name', 'x', {}, ctx)).message).toContain('Provided external ID field does not exist or is not accessible: Name');
  });
});

describe('DmlEngine — business rules', () => {
  it('creates orders in Draft only and activates them only with order products', () => {
    const { org, ctx, object, create, accountId, orderId, entryId } = orderFixture();
    const activated = failure(() => create('Order', { AccountId: accountId, EffectiveDate: '2026-11-23', Status: 'Activated' }));
    expect(activated.errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
    expect(failure(() => create('Order', { AccountId: accountId })).message).toBe('Required fields are missing: [EffectiveDate, Status]');
    const noItems = failure(() => org.dml.update(object('Order'), orderId, { Status: 'Activated' }, ctx));
    expect(noItems.message).toContain('no order products');
    create('OrderItem', { OrderId: orderId, PricebookEntryId: entryId, Quantity: 2, UnitPrice: 110 });
    expect(org.store.get(object('Order'), orderId)?.TotalAmount).toBe(220);
    org.dml.update(object('Order'), orderId, { Status: 'Activated' }, ctx);
    expect(org.store.get(object('Order'), orderId)).toMatchObject({ Status: 'Activated', ActivatedDate: '2026-11-23T09:00:00.000+0000' });
    const locked = failure(() => create('OrderItem', { OrderId: orderId, PricebookEntryId: entryId, Quantity: 1, UnitPrice: 110 }));
    expect(locked.message).toContain('activated order');
    expect(failure(() => org.dml.delete(object('Order'), orderId, ctx)).errorCode).toBe('DELETE_FAILED');
  });

  it('requires the price book entry to be in the order price book and a standard price first', () => {
    const { org, create, accountId, productId, entryId } = orderFixture();
    const orderWithoutBook = create('Order', { AccountId: accountId, EffectiveDate: '2026-11-23', Status: 'Draft' });
    const error = failure(() => create('OrderItem', { OrderId: orderWithoutBook, PricebookEntryId: entryId, Quantity: 1, UnitPrice: 1 }));
    expect(error.message).toContain('order has no pricebook assigned');
    const outlet = create('Pricebook2', { Name: 'Outlet', IsActive: true });
    const otherProduct = create('Product2', { Name: 'Beanie' });
    expect(failure(() => create('PricebookEntry', { Pricebook2Id: outlet, Product2Id: otherProduct, UnitPrice: 9 })).errorCode).toBe('STANDARD_PRICE_NOT_DEFINED');
    expect(failure(() => create('PricebookEntry', { Pricebook2Id: org.standardPricebookId, Product2Id: productId, UnitPrice: 9 })).errorCode).toBe('DUPLICATE_VALUE');
  });

  it('deletes order products with their order, and a rollback restores everything', () => {
    const { org, ctx, object, create, orderId, entryId } = orderFixture();
    create('OrderItem', { OrderId: orderId, PricebookEntryId: entryId, Quantity: 1, UnitPrice: 120 });
    org.store.commit();
    const savepoint = org.store.savepoint();
    org.dml.delete(object('Order'), orderId, ctx);
    expect(org.store.count(object('OrderItem'))).toBe(0);
    org.store.rollbackTo(savepoint);
    expect(org.store.count(object('OrderItem'))).toBe(1);
    expect(org.store.get(object('Order'), orderId)?.TotalAmount).toBe(120);
  });

  it('fails writes with UNABLE_TO_LOCK_ROW at the configured rate', () => {
    const { org, create } = setup({ lockContentionRate: 1 });
    const error = failure(() => create('Account', { Name: 'A' }));
    expect(error.errorCode).toBe('UNABLE_TO_LOCK_ROW');
    org.settings.lockContentionRate = 0;
    expect(create('Account', { Name: 'A' })).toMatch(/^001/);
  });
});
