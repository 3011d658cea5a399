import type { FieldDef, FieldType } from './types.ts';

type FieldOptions = Partial<Omit<FieldDef, 'name' | 'type'>>;

const TEXT_LENGTH: Partial<Record<FieldType, number>> = {
  string: 255,
  textarea: 32_000,
  email: 80,
  phone: 40,
  url: 255,
  picklist: 255,
  id: 18,
  reference: 18,
};

function humanise(name: string): string {
  return name
    .replace(/__c$/, '')
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2');
}

/** A writable, optional field unless the options say otherwise. */
export function field(name: string, type: FieldType, options: FieldOptions = {}): FieldDef {
  return {
    name,
    label: options.label ?? humanise(name),
    type,
    length: options.length ?? TEXT_LENGTH[type] ?? 0,
    nillable: options.nillable ?? true,
    createable: options.createable ?? true,
    updateable: options.updateable ?? true,
    defaultedOnCreate: options.defaultedOnCreate ?? options.defaultValue !== undefined,
    externalId: options.externalId ?? false,
    unique: options.unique ?? false,
    autoNumber: options.autoNumber ?? false,
    referenceTo: options.referenceTo ?? [],
    picklistValues: options.picklistValues ?? [],
    ...(options.defaultValue !== undefined ? { defaultValue: options.defaultValue } : {}),
  };
}

/** Required on insert: not nillable, createable, and not filled by the platform. */
export const required = (name: string, type: FieldType, options: FieldOptions = {}): FieldDef =>
  field(name, type, { ...options, nillable: false });

/** Read-only field computed by the platform (formula, roll-up, system field). */
export const readOnly = (name: string, type: FieldType, options: FieldOptions = {}): FieldDef =>
  field(name, type, { ...options, createable: false, updateable: false, defaultedOnCreate: true });

export const lookup = (name: string, target: string, options: FieldOptions = {}): FieldDef =>
  field(name, 'reference', { ...options, referenceTo: [target] });

export const picklist = (name: string, values: string[], options: FieldOptions = {}): FieldDef =>
  field(name, 'picklist', { ...options, picklistValues: values });

export const autoNumber = (name: string): FieldDef =>
  readOnly(name, 'string', { autoNumber: true, nillable: false, length: 30 });

/**
 * The external id every Crossdock object carries: `External_Id__c`, Text(255), External ID and
 * Unique (case-insensitive), so upserts by it are idempotent and a second record with the same
 * key is refused with DUPLICATE_VALUE.
 */
export const crossdockExternalId = (): FieldDef =>
  field('External_Id__c', 'string', { label: 'External Id', externalId: true, unique: true });

/** Fields every object has, maintained by the platform. */
export function systemFields(): FieldDef[] {
  return [
    readOnly('Id', 'id', { nillable: false, label: 'Record ID' }),
    readOnly('IsDeleted', 'boolean', { nillable: false, label: 'Deleted' }),
    readOnly('CreatedDate', 'datetime', { nillable: false }),
    readOnly('CreatedById', 'reference', { nillable: false, referenceTo: ['User'] }),
    readOnly('LastModifiedDate', 'datetime', { nillable: false }),
    readOnly('LastModifiedById', 'reference', { nillable: false, referenceTo: ['User'] }),
    readOnly('SystemModstamp', 'datetime', { nillable: false, label: 'System Modstamp' }),
  ];
}
