import type { InvariantContext, InvariantResult } from '../invariants.ts';
import { channelAvailable, safetyStockOf } from './levels.ts';
import { netSuiteAvailable, salesforceAvailable, shopifyAvailable, wmsOnHand, type StockByKey } from './sandbox-stock.ts';

const EXAMPLES_SHOWN = 5;

/** How each channel role's availability is read from the sandboxes. */
const CHANNEL_READERS: Record<string, (context: InvariantContext) => StockByKey> = {
  commerce: (context) => shopifyAvailable(context.sandboxes),
  crm: (context) => salesforceAvailable(context.sandboxes),
};

interface Mismatch {
  key: string;
  channel: string;
  expected: number;
  /** null: the channel has no level for the key at all. */
  actual: number | null;
}

/**
 * `inventory.channelsMatchErp`: once the hub is quiet, for every sku@location the ERP stocks,
 * each channel (Shopify's `available` at the location, Salesforce's
 * `Inventory_Level__c.Quantity_Available__c`) equals the owner's available quantity (NetSuite's
 * item location quantity available; the WMS's on hand where `inventory.ownerByLocation` gives it
 * the location) minus the channel's safety stock, floored at 0.
 */
export async function inventoryInvariants(context: InvariantContext): Promise<Record<string, InvariantResult>> {
  const { settings } = context;
  const erp = netSuiteAvailable(context.sandboxes);
  const wmsLocations = Object.entries(settings.inventory.ownerByLocation).filter(([, role]) => role === 'wms').map(([location]) => location);
  const owned = new Map(erp);
  for (const location of wmsLocations) {
    for (const [key, onHand] of await wmsOnHand(context.sandboxes, location)) owned.set(key, onHand);
  }
  const mismatches: Mismatch[] = [];
  const checkedChannels: string[] = [];
  for (const channel of settings.inventory.channels) {
    const read = CHANNEL_READERS[channel];
    if (!read) continue;
    checkedChannels.push(channel);
    const actual = read(context);
    const safety = safetyStockOf(channel, settings);
    for (const [key, available] of owned) {
      const expected = channelAvailable(available, safety);
      const got = actual.get(key);
      if (got !== expected) mismatches.push({ key, channel, expected, actual: got ?? null });
    }
  }
  const byChannel = Object.fromEntries(checkedChannels.map((channel) => [channel, mismatches.filter((entry) => entry.channel === channel).length]));
  return {
    'inventory.channelsMatchErp': {
      ok: mismatches.length === 0,
      details: { keys: owned.size, channels: checkedChannels, mismatches: byChannel, examples: mismatches.slice(0, EXAMPLES_SHOWN) },
    },
  };
}
