import { describe, expect, it } from 'vitest';
import { RecordService } from '../records/service.ts';
import { RecordStore } from '../records/store.ts';
import { SuiteQlError } from './ast.ts';
import { runSuiteQl } from './execute.ts';

let now = Date.UTC(2026, 10, 23, 8, 0, 0);
const store = new RecordStore(() => now);
const records = new RecordService(store);
const warehouse = records.create('location', { name: 'Warehouse' }, 'LOC-1');
const shirt = records.create('inventoryItem', { itemId: 'SHIRT', basePrice: 20, locations: { items: [{ location: { id: warehouse.id }, quantityOnHand: 50 }] } });
const acme = records.create('customer', { companyName: 'Acme', email: 'ap@acme.example' }, 'C-ACME');
now = Date.UTC(2026, 10, 23, 9, 30, 0);
const globex = records.create('customer', { companyName: 'Globex', creditLimit: 1000 }, 'C-GLOBEX');
const order = records.create('salesOrder', { entity: { id: acme.id }, location: { id: warehouse.id }, item: { items: [{ item: { id: shirt.id }, quantity: 2 }] } }, 'SO-EXT-1');
const at = new Date(now);

const run = (sql: string) => runSuiteQl(sql, store, at);

describe('SuiteQL', () => {
  it('selects columns with WHERE, AND/OR, parentheses and ORDER BY; nulls are omitted, values are text', () => {
    const rows = run("SELECT id, companyname, creditlimit FROM customer WHERE (companyname LIKE 'G%' OR email IS NOT NULL) AND isinactive = 'F' ORDER BY companyname DESC");
    expect(rows).toEqual([
      { id: globex.id, companyname: 'Globex', creditlimit: '1000' },
      { id: acme.id, companyname: 'Acme' },
    ]);
  });

  it('filters on lastmodifieddate with TO_DATE and with an ISO string, and formats with TO_CHAR', () => {
    const viaToDate = run("SELECT id FROM customer WHERE lastmodifieddate > TO_DATE('2026-11-23 09:00:00', 'YYYY-MM-DD HH24:MI:SS')");
    expect(viaToDate).toEqual([{ id: globex.id }]);
    expect(run("SELECT id FROM customer WHERE lastmodifieddate >= '2026-11-23T09:30:00Z'")).toEqual([{ id: globex.id }]);
    expect(run(`SELECT TO_CHAR(lastmodifieddate, 'YYYY-MM-DD"T"HH24:MI:SS') AS modified, lastmodifieddate FROM customer WHERE id = ${acme.id}`)).toEqual([
      { modified: '2026-11-23T08:00:00', lastmodifieddate: '11/23/2026' },
    ]);
  });

  it('supports IN, BETWEEN, BUILTIN.DF, COUNT(*) and TOP', () => {
    expect(run(`SELECT externalid FROM customer WHERE id IN (${acme.id}, 999) `)).toEqual([{ externalid: 'C-ACME' }]);
    expect(run("SELECT tranid, type, BUILTIN.DF(entity) AS customer, BUILTIN.DF(status) AS status FROM transaction WHERE foreigntotal BETWEEN 10 AND 50")).toEqual([
      { tranid: 'SO1', type: 'SalesOrd', customer: 'Acme', status: 'Sales Order : Pending Fulfillment' },
    ]);
    expect(run('SELECT COUNT(*) AS total FROM customer')).toEqual([{ total: '2' }]);
    expect(run('SELECT TOP 1 id FROM customer ORDER BY id')).toEqual([{ id: acme.id }]);
  });

  it('joins transaction lines to items and reads stock from inventorybalance', () => {
    const rows = run(`SELECT t.tranid, i.itemid, l.quantity FROM transactionline l JOIN transaction t ON t.id = l.transaction JOIN item i ON i.id = l.item WHERE t.externalid = 'SO-EXT-1'`);
    expect(rows).toEqual([{ tranid: 'SO1', itemid: 'SHIRT', quantity: '2' }]);
    expect(run(`SELECT quantityonhand FROM inventorybalance WHERE item = ${shirt.id} AND location = ${warehouse.id}`)).toEqual([{ quantityonhand: '50' }]);
    expect(order.id).toBeDefined();
  });

  it('names the problem of a bad query', () => {
    expect(() => run('SELECT id FROM nosuchtable')).toThrow(new SuiteQlError("Record 'nosuchtable' was not found."));
    expect(() => run('SELECT nosuchcolumn FROM customer')).toThrow(/Unknown identifier 'nosuchcolumn'/);
    expect(() => run('SELECT id customer WHERE')).toThrow(/Expected FROM/);
    expect(() => run("SELECT id FROM customer WHERE name = 'x")).toThrow(/Unterminated string/);
    expect(() => run('SELECT id FROM customer c JOIN transaction t ON c.id = t.entity')).toThrow(/ambiguous|Unknown/);
  });
});
