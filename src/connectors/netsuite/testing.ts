import { randomUUID } from 'node:crypto';
import { sampleOrder } from '../../canonical/fixtures.ts';
import type { Order } from '../../canonical/order.ts';
import type { DeliveryItem } from '../../ports/storage.ts';
import { SANDBOX_TBA_CREDENTIALS, startNetSuiteSandbox, type NetSuiteSandboxOptions, type RunningNetSuiteSandbox } from '../../sandboxes/netsuite/index.ts';
import type { ItemOutcome } from '../../runtime/delivery/target.ts';
import { deliveryItem, recordingContext } from '../conformance/harness.ts';
import { createNetSuiteConnector, type NetSuiteConnector, type NetSuiteConnectorOptions } from './index.ts';

/** Test support for the NetSuite connector's tests and bench (not part of the connector). */

/** The sandbox's demo account loads items as `ITEM-<sku>` and locations as `LOC-<code>`. */
export const SANDBOX_EXTERNAL_IDS = { itemPrefix: 'ITEM-', locationPrefix: 'LOC-' } as const;
/** Customers the sandbox seeds (by external id). */
export const SANDBOX_CUSTOMER = 'CUST-WEB-001';

/** Tests run the sandbox with no service time; the concurrency bench gives it some. */
export const NO_LATENCY: NetSuiteSandboxOptions['latency'] = {
  recordWrite: { p50Ms: 0, p99Ms: 0 },
  recordRead: { p50Ms: 0, p99Ms: 0 },
  query: { p50Ms: 0, p99Ms: 0 },
};

export interface NetSuiteFixture {
  netsuite: RunningNetSuiteSandbox;
  connector: NetSuiteConnector;
  close(): Promise<void>;
}

/** A sandboxed account on port 0 and a TBA-authenticated connector pointed at it. */
export async function startNetSuiteFixture(
  args: { sandbox?: NetSuiteSandboxOptions; connector?: Partial<NetSuiteConnectorOptions> } = {},
): Promise<NetSuiteFixture> {
  const netsuite = await startNetSuiteSandbox({ host: '127.0.0.1', port: 0, latency: NO_LATENCY, ...args.sandbox });
  const connector = createNetSuiteConnector({
    accountId: netsuite.accountId,
    baseUrl: netsuite.url,
    credentials: { tba: SANDBOX_TBA_CREDENTIALS },
    externalIds: SANDBOX_EXTERNAL_IDS,
    timeoutMs: 10_000,
    ...args.connector,
  });
  return { netsuite, connector, close: () => netsuite.close() };
}

/** An order for the sandbox's catalogue and customer, with a fresh order number. */
export function sandboxOrder(overrides: Partial<Order> = {}): Order {
  const orderNumber = `WEB-${randomUUID().slice(0, 8).toUpperCase()}`;
  const base = sampleOrder();
  return {
    ...base,
    orderNumber,
    channelOrderId: `shop-${orderNumber}`,
    customer: { customerId: SANDBOX_CUSTOMER },
    lines: [
      { lineNumber: 1, sku: 'TSHIRT-BLK-M', name: 'T-shirt black M', quantity: 2, unitPrice: '19.90', discounts: [], tax: { amount: '0.00' }, lineTotal: '39.80' },
      { lineNumber: 2, sku: 'CAP-NAVY', name: 'Cap navy', quantity: 1, unitPrice: '14.50', discounts: [], tax: { amount: '0.00' }, lineTotal: '14.50' },
    ],
    fulfilment: { method: 'ship', locationCode: 'WH-EAST' },
    ...overrides,
  };
}

export function bookOrderItem(order: Order, role = 'erp'): DeliveryItem {
  return deliveryItem({ target: role, kind: 'command', key: order.orderNumber, operation: 'bookOrder', payload: order, idempotencyKey: `book:${order.orderNumber}` });
}

export function commandItem(operation: string, key: string, payload: unknown, role = 'erp'): DeliveryItem {
  return deliveryItem({ target: role, kind: 'command', key, operation, payload, idempotencyKey: `${operation}:${key}` });
}

/** Delivers one command through the fixture's connector and answers its outcome. */
export async function deliverCommand(fixture: NetSuiteFixture, operation: string, key: string, payload: unknown): Promise<ItemOutcome> {
  const [outcome] = await fixture.connector.deliver([commandItem(operation, key, payload)], recordingContext());
  return outcome!;
}

/** The NetSuite internal id a delivered item answered; a refused item throws its error. */
export function deliveredId(outcome: ItemOutcome): string {
  if (!outcome.ok) throw outcome.error;
  return outcome.externalId ?? '';
}
