import { PanelStatus, type HealthPanel, type HealthPanelItem } from '../../console/health/panels.ts';
import type { DeliveryItem, Storage } from '../../ports/storage.ts';
import type { RetailFlowDependencies } from '../module.ts';
import { ShipmentsEntity, type VisibilityWatch } from './records.ts';

/** Watched parcels looked at per evaluation; beyond, the count is reported as "at least". */
const SCAN_LIMIT = 500;
const ITEMS_SHOWN = 20;

/** The systems a shipped parcel is not yet visible in, from its delivery items. */
export async function missingSystems(storage: Storage, watch: VisibilityWatch): Promise<string[]> {
  const delivered = (items: DeliveryItem[], target: string, operation: string, shipmentNumber: string) =>
    items.some((item) => item.target === target && item.operation === operation && item.status === 'delivered' && (item.key === shipmentNumber || item.context.shipmentNumber === shipmentNumber));
  const missing: string[] = [];
  const byShipment = await storage.delivery.find({ key: watch.shipmentNumber, limit: 100 });
  if (!delivered(byShipment, 'crm', 'upsertShipment', watch.shipmentNumber)) missing.push('Salesforce');
  if (watch.storefront === 'unknown') {
    missing.push('storefront (order channel unknown)');
  } else if (watch.storefront) {
    const byOrder = await storage.delivery.find({ key: watch.orderNumber, limit: 100 });
    if (!delivered(byOrder, 'commerce', 'createFulfillment', watch.shipmentNumber)) missing.push('storefront');
  }
  return missing;
}

function minutes(ms: number): string {
  return ms >= 3_600_000 ? `${Math.round(ms / 360_000) / 10} h` : `${Math.max(0, Math.round(ms / 60_000))} min`;
}

/**
 * "Shipments not yet visible in Salesforce or the storefront": parcels handed to a carrier
 * whose write to Salesforce (or, for storefront orders, to the storefront) is still pending or
 * dead after `shipments.notVisibleAfterMinutes`. The flow starts watching a parcel when it ships;
 * the panel stops watching it once every system has it (removing the watch is its only write,
 * and keeps each evaluation small).
 */
export function shipmentsNotVisiblePanel(deps: RetailFlowDependencies): HealthPanel {
  return {
    id: 'shipments-not-visible',
    title: 'Shipments not yet visible in Salesforce or the storefront',
    area: 'shipments',
    async evaluate({ storage, now }) {
      const slaMs = deps.settings.shipments.notVisibleAfterMinutes * 60_000;
      const watches = await storage.records.list<VisibilityWatch>(ShipmentsEntity.visibilityWatch, { limit: SCAN_LIMIT });
      const late: { watch: VisibilityWatch; missing: string[] }[] = [];
      for (const { data: watch } of watches) {
        const missing = await missingSystems(storage, watch);
        if (missing.length === 0) {
          await storage.records.remove(ShipmentsEntity.visibilityWatch, watch.shipmentNumber);
        } else if (now - watch.shippedAt > slaMs) {
          late.push({ watch, missing });
        }
      }
      late.sort((a, b) => a.watch.shippedAt - b.watch.shippedAt);
      const count = late.length;
      const items: HealthPanelItem[] = late.slice(0, ITEMS_SHOWN).map(({ watch, missing }) => ({
        businessKey: watch.shipmentNumber,
        detail: `order ${watch.orderNumber}: shipped ${minutes(now - watch.shippedAt)} ago, not yet in ${missing.join(' or ')}`,
        since: watch.shippedAt,
      }));
      return {
        status: count === 0 ? PanelStatus.ok : count >= 10 ? PanelStatus.critical : PanelStatus.warning,
        value: count,
        ...(watches.length >= SCAN_LIMIT && { atLeast: true }),
        summary: `${count} shipped ${count === 1 ? 'parcel' : 'parcels'} not yet visible in Salesforce or the storefront after ${minutes(slaMs)}`,
        items,
      };
    },
  };
}
