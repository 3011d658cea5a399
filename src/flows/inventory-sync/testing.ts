import type { CloudEvent } from '../../canonical/cloudevent.ts';
import { createRetailEvent } from '../../canonical/events/create-event.ts';
import type { InventoryLevel } from '../../canonical/inventory-level.ts';
import type { RunningSandboxes } from '../../sandboxes/run-all.ts';
import { INVENTORY_LEVEL_CHANGED } from './flow.ts';
import { netSuiteAvailable, salesforceAvailable, shopifyAvailable } from './sandbox-stock.ts';

/**
 * Helpers for the inventory tests (and the bench): move stock in the sandboxes the way their
 * users do, build level events as a connector would, and read a key in every system.
 */

/** A stock movement in NetSuite: an inventory adjustment of `delta` units (the poller reports it). */
export function adjustNetSuiteStock(sandboxes: RunningSandboxes, args: { sku: string; location: string; delta: number }): void {
  const { records } = sandboxes.netsuite;
  const item = records.store.getByExternalId('inventoryItem', `ITEM-${args.sku}`);
  const location = records.store.getByExternalId('location', args.location);
  if (!item || !location) throw new Error(`NetSuite sandbox has no item ITEM-${args.sku} or location ${args.location}`);
  records.create('inventoryAdjustment', {
    adjLocation: { id: location.id },
    inventory: { items: [{ item: { id: item.id }, location: { id: location.id }, adjustQtyBy: args.delta }] },
  });
}

/** A stock adjustment in the WMS through its API (it sends `stock.adjusted` to the hub). */
export async function adjustWmsStock(sandboxes: RunningSandboxes, args: { sku: string; quantity: number; reason?: string }): Promise<void> {
  const { url, apiKey } = sandboxes.directory.wms;
  const response = await fetch(`${url}/v1/stock-adjustments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ sku: args.sku, quantity: args.quantity, reason: args.reason ?? 'cycle_count' }),
  });
  if (!response.ok) throw new Error(`WMS stock adjustment refused: ${response.status} ${await response.text()}`);
}

/** A level event as the NetSuite poller emits it (source time `at`, available = on hand). */
export function erpLevelEvent(args: { sku: string; location: string; available: number; at: string; id?: string; system?: string }): CloudEvent {
  const system = args.system ?? 'netsuite';
  const level: InventoryLevel = {
    hubId: `inv_${system}_${args.sku}_${args.location}`,
    externalIds: { [system]: `${args.sku}:${args.location}` },
    sourceSystem: system,
    sourceTimestamp: args.at,
    version: 1,
    schemaVersion: 1,
    sku: args.sku,
    locationCode: args.location,
    onHand: Math.max(0, args.available),
    reserved: 0,
    available: args.available,
  };
  const id = args.id ?? `${system}:test:${args.sku}@${args.location}:${args.at}`;
  return createRetailEvent({ type: INVENTORY_LEVEL_CHANGED, data: level, source: `crossdock://connectors/${system}/test`, id, time: args.at, correlationId: id });
}

/** One key as every system holds it now. */
export function stockEverywhere(sandboxes: RunningSandboxes, key: string): { erp: number | undefined; commerce: number | undefined; crm: number | undefined } {
  return { erp: netSuiteAvailable(sandboxes).get(key), commerce: shopifyAvailable(sandboxes).get(key), crm: salesforceAvailable(sandboxes).get(key) };
}
