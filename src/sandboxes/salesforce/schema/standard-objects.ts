import { autoNumber, crossdockExternalId, field, lookup, picklist, readOnly, required, systemFields } from './fields.ts';
import type { FieldDef, ObjectDef } from './types.ts';

/**
 * The standard objects the Crossdock Salesforce connector uses, with the fields it reads and
 * writes. Key prefixes are the real ones (001 Account, 003 Contact, 01t Product2, 01s Pricebook2,
 * 01u PricebookEntry, 801 Order, 802 OrderItem, 500 Case).
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/
 */
const address = (prefix: string): FieldDef[] =>
  ['Street', 'City', 'State', 'PostalCode', 'Country'].map((part) =>
    field(`${prefix}${part}`, part === 'Street' ? 'textarea' : 'string', { length: part === 'Street' ? 255 : 80 }),
  );

const ownerField = (): FieldDef => lookup('OwnerId', 'User', { nillable: false, defaultedOnCreate: true });

/** Person Accounts: the person fields live on Account; `IsPersonAccount` is set by the platform. */
const personAccountFields = (): FieldDef[] => [
  readOnly('IsPersonAccount', 'boolean', { nillable: false }),
  picklist('Salutation', ['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.'], { length: 40 }),
  field('FirstName', 'string', { length: 40 }),
  field('LastName', 'string', { length: 80 }),
  field('PersonEmail', 'email'),
  field('PersonMobilePhone', 'phone'),
  field('PersonHomePhone', 'phone'),
  field('PersonBirthdate', 'date'),
  field('PersonHasOptedOutOfEmail', 'boolean', { nillable: false, defaultValue: false }),
  ...address('PersonMailing'),
];

export const account: ObjectDef = {
  name: 'Account',
  label: 'Account',
  labelPlural: 'Accounts',
  keyPrefix: '001',
  custom: false,
  fields: [
    ...systemFields(),
    ownerField(),
    // Not nillable, but a Person Account derives it from FirstName/LastName (see business rules).
    required('Name', 'string'),
    field('AccountNumber', 'string', { length: 40 }),
    picklist('Type', ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Partner', 'Other']),
    field('Industry', 'string', { length: 40 }),
    field('Phone', 'phone'),
    field('Website', 'url'),
    field('Description', 'textarea'),
    ...address('Billing'),
    ...address('Shipping'),
    ...personAccountFields(),
    crossdockExternalId(),
    // A non-unique external id, as many orgs carry from a legacy system: upserting by it can match
    // several records (300 Multiple Choices / DUPLICATE_EXTERNAL_ID).
    field('Legacy_Customer_Number__c', 'string', { length: 40, externalId: true }),
  ],
};

export const contact: ObjectDef = {
  name: 'Contact',
  label: 'Contact',
  labelPlural: 'Contacts',
  keyPrefix: '003',
  custom: false,
  fields: [
    ...systemFields(),
    ownerField(),
    lookup('AccountId', 'Account'),
    field('FirstName', 'string', { length: 40 }),
    required('LastName', 'string', { length: 80 }),
    readOnly('Name', 'string', { length: 121, label: 'Full Name' }),
    field('Email', 'email'),
    field('Phone', 'phone'),
    field('MobilePhone', 'phone'),
    field('HasOptedOutOfEmail', 'boolean', { nillable: false, defaultValue: false }),
    ...address('Mailing'),
    crossdockExternalId(),
  ],
};

export const product2: ObjectDef = {
  name: 'Product2',
  label: 'Product',
  labelPlural: 'Products',
  keyPrefix: '01t',
  custom: false,
  fields: [
    ...systemFields(),
    required('Name', 'string'),
    field('ProductCode', 'string'),
    field('StockKeepingUnit', 'string', { length: 180, label: 'Product SKU' }),
    field('Description', 'textarea', { length: 4000 }),
    picklist('Family', ['Apparel', 'Footwear', 'Accessories', 'Home', 'Electronics', 'Other']),
    field('IsActive', 'boolean', { nillable: false, defaultValue: false, label: 'Active' }),
    field('QuantityUnitOfMeasure', 'string', { length: 40 }),
    crossdockExternalId(),
  ],
};

export const pricebook2: ObjectDef = {
  name: 'Pricebook2',
  label: 'Price Book',
  labelPlural: 'Price Books',
  keyPrefix: '01s',
  custom: false,
  fields: [
    ...systemFields(),
    required('Name', 'string'),
    field('Description', 'string'),
    field('IsActive', 'boolean', { nillable: false, defaultValue: false, label: 'Active' }),
    readOnly('IsStandard', 'boolean', { nillable: false }),
  ],
};

export const pricebookEntry: ObjectDef = {
  name: 'PricebookEntry',
  label: 'Price Book Entry',
  labelPlural: 'Price Book Entries',
  keyPrefix: '01u',
  custom: false,
  fields: [
    ...systemFields(),
    readOnly('Name', 'string', { label: 'Product Name' }),
    required('Pricebook2Id', 'reference', { referenceTo: ['Pricebook2'], updateable: false }),
    required('Product2Id', 'reference', { referenceTo: ['Product2'], updateable: false }),
    required('UnitPrice', 'currency', { label: 'List Price' }),
    field('IsActive', 'boolean', { nillable: false, defaultValue: false, label: 'Active' }),
    field('UseStandardPrice', 'boolean', { nillable: false, defaultValue: false }),
    readOnly('ProductCode', 'string'),
  ],
};

export const order: ObjectDef = {
  name: 'Order',
  label: 'Order',
  labelPlural: 'Orders',
  keyPrefix: '801',
  custom: false,
  fields: [
    ...systemFields(),
    ownerField(),
    autoNumber('OrderNumber'),
    required('AccountId', 'reference', { referenceTo: ['Account'] }),
    required('EffectiveDate', 'date', { label: 'Order Start Date' }),
    // Restricted picklist: a new order must start as Draft (enforced in the business rules).
    picklist('Status', ['Draft', 'Activated'], { nillable: false, length: 40 }),
    lookup('Pricebook2Id', 'Pricebook2'),
    lookup('BillToContactId', 'Contact'),
    lookup('ShipToContactId', 'Contact'),
    picklist('Type', ['Web', 'Store', 'B2B', 'Marketplace']),
    field('PoNumber', 'string', { length: 80 }),
    field('Description', 'textarea'),
    // Custom: the system an order projected by Crossdock came from (shopify, pos, salesforce...);
    // empty on orders keyed in Salesforce that the hub has not seen, which its Order poller reads.
    field('Source_System__c', 'string', { length: 40 }),
    ...address('Billing'),
    ...address('Shipping'),
    readOnly('TotalAmount', 'currency', { label: 'Order Amount' }),
    readOnly('ActivatedDate', 'datetime'),
    crossdockExternalId(),
  ],
};

export const orderItem: ObjectDef = {
  name: 'OrderItem',
  label: 'Order Product',
  labelPlural: 'Order Products',
  keyPrefix: '802',
  custom: false,
  fields: [
    ...systemFields(),
    autoNumber('OrderItemNumber'),
    required('OrderId', 'reference', { referenceTo: ['Order'], updateable: false }),
    required('PricebookEntryId', 'reference', { referenceTo: ['PricebookEntry'], updateable: false }),
    field('Product2Id', 'reference', { referenceTo: ['Product2'], updateable: false }),
    required('Quantity', 'double'),
    required('UnitPrice', 'currency'),
    readOnly('ListPrice', 'currency'),
    readOnly('TotalPrice', 'currency'),
    field('ServiceDate', 'date', { label: 'Start Date' }),
    field('Description', 'string'),
    crossdockExternalId(),
  ],
};

export const supportCase: ObjectDef = {
  name: 'Case',
  label: 'Case',
  labelPlural: 'Cases',
  keyPrefix: '500',
  custom: false,
  fields: [
    ...systemFields(),
    ownerField(),
    autoNumber('CaseNumber'),
    lookup('AccountId', 'Account'),
    lookup('ContactId', 'Contact'),
    field('Subject', 'string'),
    field('Description', 'textarea'),
    picklist('Status', ['New', 'Working', 'Escalated', 'Closed'], { defaultValue: 'New', length: 40 }),
    picklist('Priority', ['High', 'Medium', 'Low'], { defaultValue: 'Medium', length: 40 }),
    picklist('Origin', ['Phone', 'Email', 'Web', 'Store', 'Chat'], { length: 40 }),
    picklist('Reason', ['Delivery', 'Damaged Item', 'Wrong Item', 'Refund', 'Other'], { length: 40 }),
    field('SuppliedEmail', 'email', { label: 'Web Email' }),
    readOnly('IsClosed', 'boolean', { nillable: false, label: 'Closed' }),
    readOnly('ClosedDate', 'datetime'),
    crossdockExternalId(),
  ],
};
