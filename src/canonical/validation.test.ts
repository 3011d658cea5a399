import { describe, expect, it } from 'vitest';
import { entitySchemas } from './entities.ts';
import type { EntityName } from './entities.ts';
import {
  sampleCase,
  sampleCustomer,
  sampleInventoryLevel,
  sampleInvoice,
  sampleLocation,
  sampleOrder,
  samplePayment,
  samplePrice,
  sampleProduct,
  sampleRefund,
  sampleReturn,
  sampleShipment,
} from './fixtures.ts';
import { OrderSchema } from './order.ts';
import type { ValidationIssue } from './validation-messages.ts';
import { CanonicalValidationError, MAX_REPORTED_ISSUES, validate, validateOrThrow } from './validation.ts';

const fixtures: Record<EntityName, () => unknown> = {
  customer: sampleCustomer,
  product: sampleProduct,
  price: samplePrice,
  location: sampleLocation,
  'inventory-level': sampleInventoryLevel,
  order: sampleOrder,
  shipment: sampleShipment,
  invoice: sampleInvoice,
  return: sampleReturn,
  case: sampleCase,
  payment: samplePayment,
  refund: sampleRefund,
};

const REMOVE = Symbol('remove');

/** A copy of a fixture with changes at JSON Pointer paths (REMOVE deletes the field). */
function broken(sample: unknown, changes: Record<string, unknown>): unknown {
  const value = structuredClone(sample);
  for (const [path, change] of Object.entries(changes)) {
    const segments = path.split('/').slice(1);
    const last = segments.pop() as string;
    const parent = segments.reduce<Record<string, unknown>>((node, key) => node[key] as Record<string, unknown>, value as Record<string, unknown>);
    if (change === REMOVE) delete parent[last];
    else parent[last] = change;
  }
  return value;
}

function errorsOf(entity: EntityName, value: unknown): ValidationIssue[] {
  const result = validate(entity, value);
  if (result.ok) throw new Error(`expected ${entity} to be invalid`);
  return result.errors;
}

describe('valid fixtures', () => {
  it('cover every entity', () => {
    expect(Object.keys(fixtures).sort()).toEqual(Object.keys(entitySchemas).sort());
  });

  it.each(Object.entries(fixtures))('%s validates', (entity, make) => {
    const result = validate(entity as EntityName, make());
    expect(result.ok ? [] : result.errors).toEqual([]);
  });
});

describe('invalid input names the field and the reason', () => {
  it('a zero quantity on a line', () => {
    const errors = errorsOf('order', broken(sampleOrder(), { '/lines/0/quantity': 0 }));
    expect(errors).toEqual([
      { path: '/lines/0/quantity', field: 'lines[0].quantity', reason: 'must be an integer >= 1', code: 'out-of-range' },
    ]);
  });

  it('a missing required field, reported once', () => {
    const errors = errorsOf('order', broken(sampleOrder(), { '/currency': REMOVE }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ field: 'currency', code: 'required' });
    expect(errors[0]?.reason).toContain('is required');
    expect(errors[0]?.reason).toContain('ISO 4217');
  });

  it('money as a JSON number', () => {
    const errors = errorsOf('order', broken(sampleOrder(), { '/totals/grandTotal': 141.94 }));
    expect(errors[0]).toMatchObject({ field: 'totals.grandTotal', code: 'wrong-type' });
    expect(errors[0]?.reason).toMatch(/decimal amount written as a string.*\(got a number\)/);
  });

  it('a misspelt status lists the allowed values and shows the wrong one', () => {
    const errors = errorsOf('order', broken(sampleOrder(), { '/status': 'shiped' }));
    expect(errors[0]?.field).toBe('status');
    expect(errors[0]?.reason).toMatch(/^must be one of placed, on-hold, booked, .* \(got "shiped"\)$/);
  });

  it('an impossible date', () => {
    const errors = errorsOf('order', broken(sampleOrder(), { '/placedAt': '2026-02-30T10:00:00Z' }));
    expect(errors[0]).toMatchObject({ field: 'placedAt', code: 'invalid-format' });
    expect(errors[0]?.reason).toContain('RFC 3339');
  });

  it('a lower-case currency and a three-letter country', () => {
    const errors = errorsOf(
      'customer',
      broken(sampleCustomer(), {
        '/billingAccount': { accountNumber: 'A1', creditLimit: { amount: '5000', currency: 'gbp' }, status: 'active' },
        '/addresses/0/address/country': 'GBR',
      }),
    );
    expect(errors.map((error) => error.field)).toEqual(['addresses[0].address.country', 'billingAccount.creditLimit.currency']);
    expect(errors[0]?.reason).toContain('ISO 3166-1');
  });

  it('an unknown field, e.g. a typo', () => {
    const errors = errorsOf('product', broken(sampleProduct(), { '/colour': 'blue' }));
    expect(errors).toEqual([
      {
        path: '/colour',
        field: 'colour',
        reason: '"colour" is not a field of Product; check the spelling or remove it',
        code: 'unknown-field',
      },
    ]);
  });

  it('an external id keyed by a badly written system name', () => {
    const errors = errorsOf('product', broken(sampleProduct(), { '/externalIds/NetSuite': '1187' }));
    expect(errors[0]).toMatchObject({ field: 'externalIds.NetSuite', code: 'unknown-field' });
    expect(errors[0]?.reason).toContain('system name');
  });

  it('a SKU containing "@" (it would break the sku@location key)', () => {
    const errors = errorsOf('inventory-level', broken(sampleInventoryLevel(), { '/sku': 'A@B' }));
    expect(errors[0]?.field).toBe('sku');
    expect(errors[0]?.reason).toContain('without "@"');
  });

  it('an order without lines', () => {
    const errors = errorsOf('order', broken(sampleOrder(), { '/lines': [] }));
    expect(errors).toEqual([{ path: '/lines', field: 'lines', reason: 'must have at least 1 item(s)', code: 'wrong-item-count' }]);
  });

  it('never echoes personal data in reasons', () => {
    const errors = errorsOf('customer', broken(sampleCustomer(), { '/emails/0/address': 'jane.doe@nodot' }));
    expect(errors[0]?.field).toBe('emails[0].address');
    expect(JSON.stringify(errors)).not.toContain('jane.doe');
  });

  it('reports a value that is not an object at all', () => {
    const errors = errorsOf('customer', 'jane');
    expect(errors).toEqual([{ path: '', field: '(root)', reason: 'must be an object (Customer) (got text)', code: 'wrong-type' }]);
  });

  it('stops after MAX_REPORTED_ISSUES issues', () => {
    const line = sampleOrder().lines[0];
    const order = broken(sampleOrder(), {
      '/lines': Array.from({ length: 300 }, (_, index) => ({ ...line, lineNumber: index + 1, quantity: 0 })),
    });
    expect(errorsOf('order', order)).toHaveLength(MAX_REPORTED_ISSUES);
  });
});

describe('schemas and names', () => {
  it('accepts a schema instead of an entity name and types the value', () => {
    const result = validate(OrderSchema, sampleOrder());
    expect(result.ok && result.value.orderNumber).toBe('WEB-100234');
  });

  it('refuses an unknown entity name as a programming error', () => {
    expect(() => validate('basket' as EntityName, {})).toThrow(TypeError);
  });
});

describe('validateOrThrow', () => {
  it('returns the typed value when valid', () => {
    expect(validateOrThrow('order', sampleOrder()).lines).toHaveLength(2);
  });

  it('throws CanonicalValidationError carrying every issue', () => {
    const invalid = broken(sampleOrder(), { '/lines/0/quantity': 0, '/currency': 'euro' });
    let caught: unknown;
    try {
      validateOrThrow('order', invalid);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CanonicalValidationError);
    const error = caught as CanonicalValidationError;
    expect(error.retryable).toBe(false);
    expect(error.schema).toBe('https://schemas.crossdock.dev/retail/order/v1.json');
    expect(error.errors.map((issue) => issue.field)).toEqual(['currency', 'lines[0].quantity']);
    expect(error.field).toBe('currency');
    expect(error.message).toMatch(/^Order is invalid: currency must be a 3-letter ISO 4217/);
    expect(error.toJSON()).toMatchObject({ type: 'CanonicalValidationError', retryable: false, field: 'currency' });
  });
});
