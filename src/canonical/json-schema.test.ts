import { describe, expect, it } from 'vitest';
import { entitySchemas } from './entities.ts';
import { describeRetailEvents, exportJsonSchemas, JSON_SCHEMA_DIALECT } from './json-schema.ts';

describe('exportJsonSchemas', () => {
  const documents = exportJsonSchemas();

  it('keys every entity schema by its $id', () => {
    expect(Object.keys(documents).sort()).toEqual(Object.values(entitySchemas).map((schema) => schema.$id).sort());
    for (const [id, document] of Object.entries(documents)) {
      expect(document.$id).toBe(id);
      expect(id).toMatch(/^https:\/\/schemas\.crossdock\.dev\/retail\/[a-z-]+\/v[0-9]+\.json$/);
      expect(document.$schema).toBe(JSON_SCHEMA_DIALECT);
    }
  });

  it('is plain JSON: no TypeBox symbols anywhere, and survives a JSON round trip unchanged', () => {
    const hasSymbols = (value: unknown): boolean =>
      typeof value === 'object' && value !== null && (Object.getOwnPropertySymbols(value).length > 0 || Object.values(value).some(hasSymbols));
    expect(hasSymbols(documents)).toBe(false);
    expect(JSON.parse(JSON.stringify(documents))).toEqual(documents);
  });

  it('keeps the personal-data mark and the required list', () => {
    const customer = documents['https://schemas.crossdock.dev/retail/customer/v1.json'] as {
      required: string[];
      properties: { emails: { items: { properties: { address: Record<string, unknown> } } } };
    };
    expect(customer.properties.emails.items.properties.address['x-pii']).toBe('email');
    expect(customer.required).toEqual(expect.arrayContaining(['hubId', 'externalIds', 'sourceSystem', 'sourceTimestamp', 'version', 'schemaVersion']));
  });

  it('does not change the live schemas (symbols still there for TypeBox)', () => {
    expect(Object.getOwnPropertySymbols(entitySchemas.order).length).toBeGreaterThan(0);
  });
});

describe('describeRetailEvents', () => {
  it('lists each event with its subject key and dataschema', () => {
    const booked = describeRetailEvents().find((event) => event.type === 'retail.order.booked.v1');
    expect(booked).toEqual({
      type: 'retail.order.booked.v1',
      entity: 'order',
      description: 'The ERP accepted the order.',
      subject: 'orderNumber',
      dataschema: 'https://schemas.crossdock.dev/retail/order/v1.json',
    });
  });
});
