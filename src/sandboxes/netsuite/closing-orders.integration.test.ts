import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_TBA_CREDENTIALS, startNetSuiteSandbox } from './index.ts';
import type { RunningNetSuiteSandbox } from './index.ts';
import { tbaClient } from './sandbox-client.ts';

/**
 * Closing a sales order the way integrations do it in NetSuite: PATCH the item lines with
 * `isClosed: true`, each named by its `line` (a keyed sublist: without `?replace` the lines
 * given are updated in place and the others stay).
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1545295601.html
 */

const NO_LATENCY = {
  recordWrite: { p50Ms: 0, p99Ms: 0 },
  recordRead: { p50Ms: 0, p99Ms: 0 },
  query: { p50Ms: 0, p99Ms: 0 },
};

let sandbox: RunningNetSuiteSandbox;
let call: ReturnType<typeof tbaClient>;

beforeAll(async () => {
  sandbox = await startNetSuiteSandbox({ latency: NO_LATENCY });
  call = tbaClient({ baseUrl: sandbox.url, credentials: { accountId: sandbox.accountId, ...SANDBOX_TBA_CREDENTIALS } });
});

afterAll(async () => {
  await sandbox.close();
});

const record = (path: string) => `/services/rest/record/v1/${path}`;

interface OrderLine {
  line: number;
  quantity: number;
  isClosed?: boolean;
  quantityCommitted: number;
  quantityFulfilled: number;
  item: { refName: string };
}
interface SalesOrder {
  status: { id: string; refName: string };
  orderStatus: { id: string };
  item: { items: OrderLine[] };
}

/** Books a sales order at the warehouse: 2 × TSHIRT-BLK-M (line 1) and 3 × CAP-NAVY (line 2). */
async function bookOrder(orderNumber: string): Promise<string> {
  const response = await call('PUT', record(`salesOrder/eid:${orderNumber}`), {
    body: {
      entity: { externalId: 'CUST-WEB-001' },
      location: { externalId: 'LOC-WH-EAST' },
      item: { items: [{ item: { externalId: 'ITEM-TSHIRT-BLK-M' }, quantity: 2 }, { item: { externalId: 'ITEM-CAP-NAVY' }, quantity: 3 }] },
    },
  });
  expect(response.status).toBe(204);
  return (response.headers.get('location') ?? '').slice(sandbox.url.length);
}

async function readOrder(path: string): Promise<SalesOrder> {
  return (await (await call('GET', `${path}?expandSubResources=true`)).json()) as SalesOrder;
}

async function closeLines(path: string, lines: number[]): Promise<Response> {
  return call('PATCH', path, { body: { item: { items: lines.map((line) => ({ line, isClosed: true })) } } });
}

/** The warehouse's committed and available quantities of an item, as its `locations` sublist shows them. */
async function warehouseStock(sku: string): Promise<{ committed: number; available: number }> {
  const item = (await (await call('GET', record(`inventoryItem/eid:ITEM-${sku}?expandSubResources=true`))).json()) as {
    locations: { items: { location: { refName: string }; quantityCommitted?: number; quantityAvailable: number }[] };
  };
  const line = item.locations.items.find((candidate) => candidate.location.refName === 'Warehouse East')!;
  return { committed: line.quantityCommitted ?? 0, available: line.quantityAvailable };
}

describe('closing sales order lines (PATCH isClosed by line)', () => {
  it('closes the order when every line is closed, keeps the lines and gives the committed stock back', async () => {
    const shirtsBefore = await warehouseStock('TSHIRT-BLK-M');
    const capsBefore = await warehouseStock('CAP-NAVY');
    const path = await bookOrder('WEB-CLOSE-ALL');
    expect(await warehouseStock('TSHIRT-BLK-M')).toEqual({ committed: shirtsBefore.committed + 2, available: shirtsBefore.available - 2 });
    expect(await warehouseStock('CAP-NAVY')).toEqual({ committed: capsBefore.committed + 3, available: capsBefore.available - 3 });

    expect((await closeLines(path, [1, 2])).status).toBe(204);
    const order = await readOrder(path);
    expect(order.status).toEqual({ id: 'H', refName: 'Closed' });
    expect(order.orderStatus).toMatchObject({ id: 'H' });
    expect(order.item.items).toMatchObject([
      { line: 1, quantity: 2, isClosed: true, quantityCommitted: 0, item: { refName: 'TSHIRT-BLK-M' } },
      { line: 2, quantity: 3, isClosed: true, quantityCommitted: 0, item: { refName: 'CAP-NAVY' } },
    ]);
    expect(await warehouseStock('TSHIRT-BLK-M')).toEqual(shirtsBefore);
    expect(await warehouseStock('CAP-NAVY')).toEqual(capsBefore);
  });

  it('leaves the order open when one of two lines is closed: that line commits nothing, the other keeps its commitment', async () => {
    const capsBefore = await warehouseStock('CAP-NAVY');
    const path = await bookOrder('WEB-CLOSE-ONE');
    const shirtsBooked = await warehouseStock('TSHIRT-BLK-M');

    expect((await closeLines(path, [2])).status).toBe(204);
    const order = await readOrder(path);
    expect(order.status).toEqual({ id: 'B', refName: 'Pending Fulfillment' });
    expect(order.item.items).toHaveLength(2);
    expect(order.item.items[0]).toMatchObject({ line: 1, quantityCommitted: 2 });
    expect(order.item.items[0]?.isClosed).not.toBe(true);
    expect(order.item.items[1]).toMatchObject({ line: 2, isClosed: true, quantityCommitted: 0 });
    expect(await warehouseStock('CAP-NAVY')).toEqual(capsBefore);
    expect(await warehouseStock('TSHIRT-BLK-M')).toEqual(shirtsBooked);

    // What is left to fulfil is the open line only; the closed one is refused by name.
    const closedLine = await call('POST', `${path}/!transform/itemFulfillment`, { body: { item: { items: [{ orderLine: 2, quantity: 1 }] } } });
    expect(closedLine.status).toBe(400);
    expect(await closedLine.json()).toMatchObject({
      'o:errorDetails': [{ 'o:errorCode': 'USER_ERROR', 'o:errorPath': 'item.items[0].orderLine', detail: expect.stringMatching(/Line 2 of sales order SO\d+ is closed/) as unknown }],
    });
    expect((await call('POST', `${path}/!transform/itemFulfillment`, { body: {} })).status).toBe(204);
    const shipped = await readOrder(path);
    expect(shipped.item.items.map((line) => line.quantityFulfilled)).toEqual([2, 0]);
    // The open line is fully shipped and the closed one will not be: nothing is left to fulfil.
    expect(shipped.status).toEqual({ id: 'F', refName: 'Pending Billing' });
  });

  it('closes a partly fulfilled line: the shipped quantity stays, the rest is released and cannot be shipped', async () => {
    const path = await bookOrder('WEB-CLOSE-PARTLY');
    expect((await call('POST', `${path}/!transform/itemFulfillment`, { body: { item: { items: [{ orderLine: 2, quantity: 1 }] } } })).status).toBe(204);
    const capsShipped = await warehouseStock('CAP-NAVY');

    expect((await closeLines(path, [1, 2])).status).toBe(204);
    const order = await readOrder(path);
    expect(order.status).toMatchObject({ id: 'H' });
    expect(order.item.items[1]).toMatchObject({ line: 2, quantity: 3, quantityFulfilled: 1, isClosed: true, quantityCommitted: 0 });
    expect(await warehouseStock('CAP-NAVY')).toEqual({ committed: capsShipped.committed - 2, available: capsShipped.available + 2 });
  });

  it('refuses a fulfilment against a closed order with NetSuite\'s error', async () => {
    const path = await bookOrder('WEB-CLOSED-SHIP');
    await closeLines(path, [1, 2]);
    const refused = await call('POST', `${path}/!transform/itemFulfillment`, { body: { item: { items: [{ orderLine: 1, quantity: 1 }] } } });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1',
      title: 'Bad Request',
      status: 400,
      'o:errorDetails': [
        { detail: expect.stringMatching(/^Error while accessing resource: Sales order SO\d+ is Closed/) as unknown, 'o:errorCode': 'USER_ERROR', 'o:errorPath': 'createdFrom' },
      ],
    });
  });

  it('keeps orderStatus H and the lines in step: closing the order closes its lines, reopening a line reopens it', async () => {
    const shirtsBefore = await warehouseStock('TSHIRT-BLK-M');
    const path = await bookOrder('WEB-CLOSE-STATUS');
    expect((await call('PATCH', path, { body: { orderStatus: 'H' } })).status).toBe(204);
    expect((await readOrder(path)).item.items.map((line) => line.isClosed)).toEqual([true, true]);

    expect((await call('PATCH', path, { body: { item: { items: [{ line: 1, isClosed: false }] } } })).status).toBe(204);
    const reopened = await readOrder(path);
    expect(reopened.status).toEqual({ id: 'B', refName: 'Pending Fulfillment' });
    expect(reopened.item.items[0]).toMatchObject({ isClosed: false, quantityCommitted: 2 });
    expect(await warehouseStock('TSHIRT-BLK-M')).toEqual({ committed: shirtsBefore.committed + 2, available: shirtsBefore.available - 2 });
  });
});
