import { crossdockExternalId, field, lookup, picklist, required, systemFields } from './fields.ts';
import type { ObjectDef } from './types.ts';

/**
 * Custom objects Crossdock installs for retail data Salesforce has no standard object for.
 * Custom object key prefixes start with "a0"; the third character is assigned at creation.
 */
export const shipment: ObjectDef = {
  name: 'Shipment__c',
  label: 'Shipment',
  labelPlural: 'Shipments',
  keyPrefix: 'a0S',
  custom: true,
  fields: [
    ...systemFields(),
    required('Name', 'string', { length: 80, label: 'Shipment Name' }),
    lookup('Order__c', 'Order'),
    field('Carrier__c', 'string', { length: 80 }),
    field('Tracking_Number__c', 'string', { length: 80 }),
    field('Tracking_Url__c', 'url'),
    picklist('Status__c', ['Pending', 'Picked', 'Packed', 'Shipped', 'Delivered', 'Exception'], {
      defaultValue: 'Pending',
    }),
    field('Shipped_At__c', 'datetime'),
    field('Delivered_At__c', 'datetime'),
    field('Location_Code__c', 'string', { length: 40 }),
    crossdockExternalId(),
  ],
};

export const inventoryLevel: ObjectDef = {
  name: 'Inventory_Level__c',
  label: 'Inventory Level',
  labelPlural: 'Inventory Levels',
  keyPrefix: 'a0I',
  custom: true,
  fields: [
    ...systemFields(),
    required('Name', 'string', { length: 80, label: 'Inventory Level Name' }),
    lookup('Product__c', 'Product2'),
    field('Sku__c', 'string', { length: 80, label: 'SKU' }),
    field('Location_Code__c', 'string', { length: 40 }),
    field('Quantity_On_Hand__c', 'double'),
    field('Quantity_Available__c', 'double'),
    field('Quantity_Reserved__c', 'double'),
    field('As_Of__c', 'datetime', { label: 'As Of' }),
    // Convention: External_Id__c = "sku@location" for inventory levels.
    crossdockExternalId(),
  ],
};

export const productReturn: ObjectDef = {
  name: 'Return__c',
  label: 'Return',
  labelPlural: 'Returns',
  keyPrefix: 'a0R',
  custom: true,
  fields: [
    ...systemFields(),
    required('Name', 'string', { length: 80, label: 'Return Name' }),
    lookup('Order__c', 'Order'),
    lookup('Account__c', 'Account'),
    lookup('Case__c', 'Case'),
    picklist('Status__c', ['Requested', 'Authorized', 'Received', 'Refunded', 'Rejected'], {
      defaultValue: 'Requested',
    }),
    picklist('Reason__c', ['Damaged', 'Wrong Item', 'Not As Described', 'No Longer Needed', 'Other']),
    field('Return_Amount__c', 'currency'),
    field('Received_Condition__c', 'string', { length: 80 }),
    crossdockExternalId(),
  ],
};
