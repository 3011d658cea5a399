import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CustomerSchema } from './customer.ts';
import { entitySchemas } from './entities.ts';
import { sampleCase, sampleCustomer, sampleOrder, sampleReturn } from './fixtures.ts';
import { maskPersonalData, personalDataPaths } from './masking.ts';
import { OrderSchema } from './order.ts';
import { PERSONAL_DATA_KEYWORD } from './personal-data.ts';
import { CaseSchema } from './case.ts';
import { ReturnSchema } from './return.ts';

type Json = Record<string, unknown> | unknown[];

/** Every concrete value reached by a path with `*` wildcards, with a setter. */
function visit(root: unknown, path: string, onValue: (parent: Json, key: string | number) => void): void {
  const segments = path.split('/').slice(1);
  const walk = (node: unknown, index: number): void => {
    if (typeof node !== 'object' || node === null) return;
    const segment = segments[index] as string;
    const keys = segment === '*' ? (Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node)) : [segment];
    for (const key of keys) {
      const child = (node as Record<string | number, unknown>)[key];
      if (child === undefined) continue;
      if (index === segments.length - 1) onValue(node as Json, key);
      else walk(child, index + 1);
    }
  };
  walk(root, 0);
}

function valuesAt(root: unknown, paths: string[]): unknown[] {
  const values: unknown[] = [];
  for (const path of paths) visit(root, path, (parent, key) => values.push((parent as Record<string | number, unknown>)[key]));
  return values;
}

function blankOut(root: unknown, paths: string[]): unknown {
  const copy = structuredClone(root);
  for (const path of paths) visit(copy, path, (parent, key) => ((parent as Record<string | number, unknown>)[key] = '<personal>'));
  return copy;
}

describe('personalDataPaths', () => {
  it('lists the marked fields of a customer as JSON Pointers with * for list items', () => {
    expect(personalDataPaths(CustomerSchema)).toEqual([
      '/name/given',
      '/name/family',
      '/name/full',
      '/emails/*/address',
      '/phones/*/number',
      '/addresses/*/address/recipient',
      '/addresses/*/address/line1',
      '/addresses/*/address/line2',
      '/addresses/*/address/city',
      '/addresses/*/address/postalCode',
      '/loyalty/memberId',
      '/taxId',
    ]);
  });

  it('finds nested addresses and free text in an order', () => {
    const paths = personalDataPaths(OrderSchema);
    expect(paths).toContain('/customer/email');
    expect(paths).toContain('/fulfilment/shippingAddress/line1');
    expect(paths).toContain('/billingAddress/postalCode');
    expect(paths).toContain('/notes');
    expect(paths.some((path) => path.startsWith('/lines'))).toBe(false);
  });

  // A guard for future schema edits: a field whose name says "personal" must carry the mark.
  it('marks every field whose name suggests personal data, in every entity', () => {
    const suspicious = /^(email|phone|address|number|given|family|full|recipient|line1|line2|postalCode|memberId|taxId|notes|description|customerComment)$/;
    const unmarked: string[] = [];
    const walk = (schema: Record<string, unknown>, path: string, entity: string) => {
      if (schema[PERSONAL_DATA_KEYWORD]) return;
      const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
      for (const [key, sub] of Object.entries(properties)) {
        const leaf = sub.type === 'string';
        const publicByDesign = entity === 'location' || entity === 'product' || /\/lines\/\*\/|\/shipmentNumber|\/caseNumber/.test(`${path}/${key}`);
        if (leaf && suspicious.test(key) && !sub[PERSONAL_DATA_KEYWORD] && !publicByDesign) unmarked.push(`${entity}${path}/${key}`);
        walk(sub, `${path}/${key}`, entity);
      }
      if (schema.items) walk(schema.items as Record<string, unknown>, `${path}/*`, entity);
    };
    for (const [entity, schema] of Object.entries(entitySchemas)) walk(schema as never, '', entity);
    expect(unmarked).toEqual([]);
  });
});

describe('maskPersonalData', () => {
  it('masks every marked field of a customer by its rule', () => {
    const masked = maskPersonalData(CustomerSchema, sampleCustomer());
    expect(masked.name).toEqual({ given: 'J***', family: 'D***', full: 'J***' });
    expect(masked.emails.map((email) => email.address)).toEqual(['***@example.com', '***@work.example.org']);
    expect(masked.phones[0]?.number).toBe('***23');
    expect(masked.addresses[0]?.address).toEqual({
      recipient: 'J***',
      line1: '***',
      line2: '***',
      city: '***',
      region: 'GB-MAN',
      postalCode: '***',
      country: 'GB',
    });
    expect(masked.loyalty?.memberId).toBe('***13');
  });

  it.each([
    ['customer', CustomerSchema, sampleCustomer()],
    ['order', OrderSchema, sampleOrder()],
    ['return', ReturnSchema, sampleReturn()],
    ['case', CaseSchema, sampleCase()],
  ] as const)('changes every marked value of a %s and leaves the rest untouched', (_name, schema, value) => {
    const paths = personalDataPaths(schema);
    const masked = maskPersonalData(schema, value);
    const before = valuesAt(value, paths);
    const after = valuesAt(masked, paths);
    expect(before.length).toBeGreaterThan(0);
    expect(after).toHaveLength(before.length);
    after.forEach((maskedValue, index) => expect(maskedValue).not.toEqual(before[index]));
    expect(blankOut(masked, paths)).toEqual(blankOut(value, paths));
  });

  it('does not modify its input', () => {
    const order = sampleOrder();
    maskPersonalData(OrderSchema, order);
    expect(order).toEqual(sampleOrder());
  });

  it('masks fields the schema does not declare, since nobody said they are safe', () => {
    const payload = { ...sampleOrder(), giftMessage: 'Happy birthday Jane, love Tom' } as unknown;
    const masked = maskPersonalData(OrderSchema, payload) as Record<string, unknown>;
    expect(masked.giftMessage).toBe('***');
    expect(masked.orderNumber).toBe('WEB-100234');
  });

  it('keeps a hostile "__proto__" key as a masked plain field', () => {
    const payload = { ...sampleCustomer(), ...JSON.parse('{"__proto__": {"email": "jane.doe@example.com"}}') } as unknown;
    const masked = maskPersonalData(CustomerSchema, payload) as object;
    expect(Object.getPrototypeOf(masked)).toBe(Object.prototype);
    expect(JSON.stringify(masked)).not.toContain('jane.doe');
  });

  it('masks invalid data too (a wrong type in a marked field)', () => {
    const payload = { ...sampleCustomer(), phones: [{ number: 447700900123, type: 'mobile', primary: true }] } as unknown;
    const masked = maskPersonalData(CustomerSchema, payload) as { phones: { number: unknown }[] };
    expect(masked.phones[0]?.number).toBe('***');
  });

  it('masks values whose shape is not the expected one, when they could hide personal data', () => {
    const payload = {
      ...sampleOrder(),
      customer: 'Jane Doe, jane.doe@example.com',
      status: { note: 'call Jane on +447700900123' },
      lines: { first: 'not a list' },
    } as unknown;
    const masked = maskPersonalData(OrderSchema, payload) as Record<string, unknown>;
    expect(masked.customer).toBe('***');
    expect(masked.status).toEqual({ note: '***' });
    expect(masked.lines).toEqual({ first: '***' });
    const customer = { ...sampleCustomer(), name: ['Jane', 'Doe'] } as unknown;
    expect((maskPersonalData(CustomerSchema, customer) as Record<string, unknown>).name).toEqual(['***', '***']);
  });

  it('never throws on arbitrary JSON and always returns JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.dictionary(fc.constantFrom('name', 'emails', 'addresses', 'loyalty', 'consents', 'junk'), fc.jsonValue()), (root, fields) => {
        for (const input of [root, { ...sampleCustomer(), ...fields }]) {
          const masked = maskPersonalData(CustomerSchema, input);
          expect(() => JSON.stringify(masked)).not.toThrow();
        }
      }),
    );
  });

  it('never leaves an original e-mail address or phone number anywhere in the JSON output', () => {
    const contact = fc.record({
      email: fc.emailAddress(),
      workEmail: fc.emailAddress(),
      phone: fc.stringMatching(/^\+[1-9][0-9]{6,14}$/),
      given: fc.string({ minLength: 1, maxLength: 30 }),
    });
    fc.assert(
      fc.property(contact, ({ email, workEmail, phone, given }) => {
        const customer = sampleCustomer({
          name: { given, full: `${given} Doe` },
          emails: [
            { address: email, use: 'personal', primary: true },
            { address: workEmail, use: 'work', primary: false },
          ],
          phones: [{ number: phone, type: 'mobile', primary: true }],
        });
        const order = sampleOrder({ customer: { email, phone, name: given } });
        const output = JSON.stringify([maskPersonalData(CustomerSchema, customer), maskPersonalData(OrderSchema, order)]);
        for (const original of [email, workEmail, phone]) expect(output).not.toContain(original);
      }),
      { numRuns: 300 },
    );
  });
});
