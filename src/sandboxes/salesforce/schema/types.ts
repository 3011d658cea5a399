/** The subset of Salesforce describe metadata the sandbox validates writes and queries against. */
export const FieldType = {
  id: 'id',
  string: 'string',
  textarea: 'textarea',
  email: 'email',
  phone: 'phone',
  url: 'url',
  boolean: 'boolean',
  int: 'int',
  double: 'double',
  currency: 'currency',
  percent: 'percent',
  date: 'date',
  datetime: 'datetime',
  reference: 'reference',
  picklist: 'picklist',
} as const;
export type FieldType = (typeof FieldType)[keyof typeof FieldType];

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  /** Max characters for text types. */
  length: number;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  /** True when the platform fills it on insert (defaults, system fields, auto numbers). */
  defaultedOnCreate: boolean;
  externalId: boolean;
  unique: boolean;
  autoNumber: boolean;
  referenceTo: string[];
  /** Restricted picklist values; empty for other types. */
  picklistValues: string[];
  /** Value filled on insert when the field is absent. */
  defaultValue?: string | number | boolean;
}

export interface ObjectDef {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  custom: boolean;
  fields: FieldDef[];
}

export type FieldValue = string | number | boolean | null;
export type SObjectRecord = Record<string, FieldValue>;
