import type { FieldDef, FieldType, ObjectDef } from './types.ts';

/**
 * Renders describe metadata in the shape of `GET /sobjects/` (describeGlobal) and
 * `GET /sobjects/{SObject}/describe`, restricted to the properties clients commonly read.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm
 */
const SOAP_TYPE: Record<FieldType, string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  string: 'xsd:string',
  textarea: 'xsd:string',
  email: 'xsd:string',
  phone: 'xsd:string',
  url: 'xsd:string',
  picklist: 'xsd:string',
  boolean: 'xsd:boolean',
  int: 'xsd:int',
  double: 'xsd:double',
  currency: 'xsd:double',
  percent: 'xsd:double',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
};

const objectUrls = (object: ObjectDef, version: string) => {
  const base = `/services/data/v${version}/sobjects/${object.name}`;
  return { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` };
};

function objectSummary(object: ObjectDef, version: string) {
  return {
    name: object.name,
    label: object.label,
    labelPlural: object.labelPlural,
    keyPrefix: object.keyPrefix,
    custom: object.custom,
    createable: true,
    updateable: true,
    deletable: true,
    queryable: true,
    retrieveable: true,
    searchable: true,
    layoutable: true,
    urls: objectUrls(object, version),
  };
}

/** The name a lookup is followed by in SOQL and describe: `Product2Id` → `Product2`, `Order__c` → `Order__r`. */
export function relationshipName(field: FieldDef): string | null {
  if (field.type !== 'reference') return null;
  if (field.name.endsWith('__c')) return field.name.replace(/__c$/, '__r');
  return field.name.endsWith('Id') ? field.name.slice(0, -2) : null;
}

function describeField(field: FieldDef) {
  const numeric = ['double', 'currency', 'percent'].includes(field.type);
  return {
    name: field.name,
    label: field.label,
    type: field.type,
    soapType: SOAP_TYPE[field.type],
    length: field.length,
    precision: numeric ? 18 : 0,
    scale: numeric ? 2 : 0,
    digits: field.type === 'int' ? 9 : 0,
    nillable: field.nillable,
    createable: field.createable,
    updateable: field.updateable,
    defaultedOnCreate: field.defaultedOnCreate,
    defaultValue: field.defaultValue ?? null,
    externalId: field.externalId,
    idLookup: field.name === 'Id' || field.externalId,
    unique: field.unique,
    caseSensitive: false,
    autoNumber: field.autoNumber,
    calculated: !field.createable && !field.updateable && !['Id', 'CreatedDate', 'SystemModstamp'].includes(field.name),
    custom: field.name.endsWith('__c'),
    filterable: field.type !== 'textarea',
    sortable: field.type !== 'textarea',
    groupable: !['textarea', 'double', 'currency', 'percent', 'datetime'].includes(field.type),
    referenceTo: field.referenceTo,
    relationshipName: relationshipName(field),
    restrictedPicklist: field.type === 'picklist',
    picklistValues: field.picklistValues.map((value) => ({
      active: true,
      defaultValue: value === field.defaultValue,
      label: value,
      value,
      validFor: null,
    })),
  };
}

export function describeGlobal(objects: ObjectDef[], version: string) {
  return {
    encoding: 'UTF-8',
    maxBatchSize: 200,
    sobjects: objects.map((object) => objectSummary(object, version)),
  };
}

export function describeObject(object: ObjectDef, version: string) {
  return {
    ...objectSummary(object, version),
    fields: object.fields.map(describeField),
    childRelationships: [],
    recordTypeInfos: [],
  };
}

/** `GET /sobjects/{SObject}`: the object's summary and its recently viewed items (none here). */
export function objectBasicInfo(object: ObjectDef, version: string) {
  return { objectDescribe: objectSummary(object, version), recentItems: [] };
}
