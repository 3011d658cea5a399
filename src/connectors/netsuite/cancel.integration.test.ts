import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleShipment } from '../../canonical/fixtures.ts';
import type { ItemOutcome } from '../../runtime/delivery/target.ts';
import { PermanentError } from '../../runtime/errors.ts';
import { deliverCommand, deliveredId, sandboxOrder, startNetSuiteFixture, type NetSuiteFixture } from './testing.ts';

let fixture: NetSuiteFixture;
/** Every request the connector sent, as `METHOD path`. */
let requests: string[];

beforeEach(async () => {
  requests = [];
  const recordingFetch: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    requests.push(`${init?.method ?? 'GET'} ${url.pathname}`);
    return fetch(input, init);
  };
  fixture = await startNetSuiteFixture({ connector: { fetch: recordingFetch } });
});
afterEach(async () => {
  await fixture.close();
});

const store = () => fixture.netsuite.records.store;
const send = (operation: string, key: string, payload: unknown): Promise<ItemOutcome> => deliverCommand(fixture, operation, key, payload);
const idOf = deliveredId;
const salesOrder = (id: string) => store().get('salesOrder', id)!;
const orderLines = (id: string) => (salesOrder(id).fields.item as { items: Record<string, unknown>[] }).items;
const patches = () => requests.filter((request) => request.startsWith('PATCH '));
const cancellation = (orderNumber: string, extra: Record<string, unknown> = {}) => ({
  orderNumber,
  statusReason: { code: 'CANCELLED', message: 'shopper changed their mind' },
  ...extra,
});

describe('NetSuite connector: cancelOrder closes the booked sales order', () => {
  it('closes every line of the order found by its order number, with the reason in the memo, and answers its internal id', async () => {
    const order = sandboxOrder();
    const soId = idOf(await send('bookOrder', order.orderNumber, order));
    expect(orderLines(soId).map((line) => line.quantityCommitted)).toEqual([2, 1]);

    expect(idOf(await send('cancelOrder', order.orderNumber, cancellation(order.orderNumber)))).toBe(soId);
    expect(salesOrder(soId).fields).toMatchObject({ status: { id: 'H', refName: 'Closed' }, memo: 'Cancelled in its channel: shopper changed their mind' });
    expect(orderLines(soId)).toMatchObject([
      { line: 1, quantity: 2, isClosed: true, quantityCommitted: 0 },
      { line: 2, quantity: 1, isClosed: true, quantityCommitted: 0 },
    ]);
    // Read with its lines, then one PATCH by internal id.
    expect(requests).toContain(`GET /services/rest/record/v1/salesOrder/eid:${order.orderNumber}`);
    expect(patches()).toEqual([`PATCH /services/rest/record/v1/salesOrder/${soId}`]);
  });

  it('finds the order by erpOrderId when the booking answered one', async () => {
    const order = sandboxOrder();
    const soId = idOf(await send('bookOrder', order.orderNumber, order));
    expect(idOf(await send('cancelOrder', order.orderNumber, cancellation(order.orderNumber, { erpOrderId: soId })))).toBe(soId);
    expect(requests).toContain(`GET /services/rest/record/v1/salesOrder/${soId}`);
    expect(salesOrder(soId).fields.status).toMatchObject({ id: 'H' });
  });

  it('changes nothing when cancelled again: no second write, the same last-modified stamp, the same answer', async () => {
    const order = sandboxOrder();
    const soId = idOf(await send('bookOrder', order.orderNumber, order));
    idOf(await send('cancelOrder', order.orderNumber, cancellation(order.orderNumber)));
    const closedAt = salesOrder(soId).lastModifiedDate;
    expect(patches()).toHaveLength(1);

    const again = await send('cancelOrder', order.orderNumber, cancellation(order.orderNumber, { statusReason: { code: 'CANCELLED', message: 'reported twice' } }));
    expect(idOf(again)).toBe(soId);
    expect(patches()).toHaveLength(1);
    expect(salesOrder(soId).lastModifiedDate).toBe(closedAt);
    expect(salesOrder(soId).fields.memo).toBe('Cancelled in its channel: shopper changed their mind');
  });

  it('dead-letters the cancellation of an order NetSuite never booked as ORDER_NOT_IN_ERP, naming the order', async () => {
    const outcome = await send('cancelOrder', 'WEB-NEVER-BOOKED', cancellation('WEB-NEVER-BOOKED'));
    expect(outcome.ok).toBe(false);
    const { error } = outcome as { error: unknown };
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'ORDER_NOT_IN_ERP', field: 'orderNumber', system: 'netsuite' });
    expect((error as Error).message).toMatch(/no sales order for order WEB-NEVER-BOOKED/);
    expect(patches()).toHaveLength(0);
  });

  it('closes an order with a line partly fulfilled: the shipped quantity stays, the rest is no longer committed', async () => {
    const order = sandboxOrder();
    const soId = idOf(await send('bookOrder', order.orderNumber, order));
    const shipment = sampleShipment({ shipmentNumber: `SHP-${order.orderNumber}`, orderNumber: order.orderNumber, fromLocationCode: 'WH-EAST', lines: [{ orderLineNumber: 1, sku: 'TSHIRT-BLK-M', quantity: 1 }] });
    idOf(await send('recordFulfillment', shipment.shipmentNumber, shipment));
    expect(orderLines(soId)[0]).toMatchObject({ quantityFulfilled: 1, quantityCommitted: 1 });

    expect(idOf(await send('cancelOrder', order.orderNumber, cancellation(order.orderNumber)))).toBe(soId);
    expect(salesOrder(soId).fields.status).toMatchObject({ id: 'H', refName: 'Closed' });
    expect(orderLines(soId)).toMatchObject([
      { line: 1, quantity: 2, quantityFulfilled: 1, isClosed: true, quantityCommitted: 0 },
      { line: 2, quantity: 1, isClosed: true, quantityCommitted: 0 },
    ]);
    expect(store().list('itemFulfillment')).toHaveLength(1);
  });
});
