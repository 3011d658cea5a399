import { testUsers } from '../../console/testing.ts';
import { eventually } from '../../ports/conformance/harness.ts';
import type { DeadLetter, FlowInstance } from '../../ports/storage.ts';
import { createReferenceData } from '../reference/projection.ts';
import { startRetailWorld, type RetailWorld, type RetailWorldOptions } from '../testing/world.ts';
import { createOrderCapture } from './index.ts';
import { CaptureEntity, orderCaptureInstanceId, type CaptureState } from './read-models.ts';
import { createReadModelStandIn } from './testing.ts';

export { channelOrder, placedEvent } from './testing.ts';

/**
 * Test helpers for order capture's end-to-end tests: the world with the modules order capture
 * needs (catalogue, customer and stock read models) and readers of each sandbox's final state.
 */
export async function startCaptureWorld(options: Partial<RetailWorldOptions> = {}): Promise<RetailWorld> {
  return startRetailWorld({
    modules: (deps) => [createReferenceData(deps), createReadModelStandIn(deps), createOrderCapture(deps)],
    consoleUsers: await testUsers(),
    ...options,
  });
}

export function salesOrdersOf(world: RetailWorld, orderNumber: string) {
  return world.sandboxes.netsuite.records.store.list('salesOrder').filter((order) => order.externalId === orderNumber);
}

export function salesforceRecords(world: RetailWorld, object: string): Record<string, unknown>[] {
  return (world.sandboxes.salesforce.org.store.snapshot()[object] ?? []) as Record<string, unknown>[];
}

export function salesforceOrdersOf(world: RetailWorld, orderNumber: string): Record<string, unknown>[] {
  return salesforceRecords(world, 'Order').filter((order) => order.External_Id__c === orderNumber);
}

export async function wmsOrdersOf(world: RetailWorld, orderNumber: string): Promise<{ id: string; externalOrderId: string; warehouseId: string; lines: { sku: string; quantity: number }[]; shipTo: Record<string, string> }[]> {
  const { url, apiKey } = world.sandboxes.directory.wms;
  const response = await fetch(`${url}/v1/fulfillment-orders?externalOrderId=${encodeURIComponent(orderNumber)}`, { headers: { authorization: `Bearer ${apiKey}` } });
  if (!response.ok) throw new Error(`WMS list failed: ${response.status}`);
  return ((await response.json()) as { data: never[] }).data;
}

export async function captureStateOf(world: RetailWorld, orderNumber: string): Promise<CaptureState | undefined> {
  return (await world.deps.records.get<CaptureState>(CaptureEntity.capture, orderNumber))?.data;
}

export async function instanceOf(world: RetailWorld, orderNumber: string): Promise<FlowInstance | undefined> {
  return world.adapters.storage.flows.get(orderCaptureInstanceId(orderNumber));
}

/** Waits until the order's capture has completed (booked, released, or closed). */
export async function untilCompleted(world: RetailWorld, orderNumber: string, timeoutMs = 30_000): Promise<FlowInstance> {
  return eventually(async () => {
    const instance = await instanceOf(world, orderNumber);
    return instance?.status === 'completed' ? instance : undefined;
  }, `order ${orderNumber} captured to the end`, timeoutMs);
}

/** Waits for the open exception an order's capture raised (a hold waiting for an operator). */
export async function untilOpenException(world: RetailWorld, orderNumber: string, code: string, timeoutMs = 15_000): Promise<DeadLetter> {
  return eventually(async () => {
    const open = await world.adapters.storage.deadLetters.list({ key: orderNumber, kind: 'flow', status: 'open' });
    return open.find((entry) => entry.error.code === code);
  }, `an open ${code} exception for ${orderNumber}`, timeoutMs);
}
