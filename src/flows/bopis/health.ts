import { PanelStatus, type HealthPanel } from '../../console/health/panels.ts';
import type { RecordStore } from '../../ports/storage.ts';
import { BOPIS_REROUTE_FLOW, NO_PICKUP_LOCATION } from './flow.ts';
import { isRerouted, reroutes } from './records.ts';

const ITEMS_SHOWN = 20;

/** Midnight UTC of the day `now` falls in. */
function startOfDay(now: number): number {
  const day = new Date(now);
  return Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate());
}

/** "Pickup orders rerouted today" (UTC day): where they went and why. Informational. */
export function reroutesTodayPanel(records: RecordStore): HealthPanel {
  return {
    id: 'bopis-reroutes-today',
    title: 'Pickup orders rerouted today',
    area: 'orders',
    async evaluate({ now }) {
      const since = startOfDay(now);
      const today = [];
      for await (const record of reroutes(records)) if (isRerouted(record) && record.decidedAt >= since) today.push(record);
      today.sort((a, b) => a.decidedAt - b.decidedAt);
      return {
        status: PanelStatus.ok,
        value: today.length,
        summary: `${today.length} pickup ${today.length === 1 ? 'order' : 'orders'} rerouted today`,
        items: today.slice(-ITEMS_SHOWN).map((record) => ({ businessKey: record.orderNumber, detail: `${record.from} → ${record.to} (${record.status}): ${record.reason}`, since: record.decidedAt })),
      };
    },
  };
}

/** "Failed reroutes": open NO_PICKUP_LOCATION exceptions, pickup orders no location could take. */
export function failedReroutesPanel(): HealthPanel {
  return {
    id: 'bopis-failed-reroutes',
    title: 'Pickup orders no location can fulfil',
    area: 'orders',
    async evaluate({ storage }) {
      const query = { status: 'open' as const, kind: 'flow' as const, target: BOPIS_REROUTE_FLOW, errorCode: NO_PICKUP_LOCATION };
      const count = await storage.deadLetters.count(query);
      const oldest = await storage.deadLetters.list({ ...query, limit: ITEMS_SHOWN });
      return {
        status: count === 0 ? PanelStatus.ok : PanelStatus.warning,
        value: count,
        summary: `${count} pickup ${count === 1 ? 'order' : 'orders'} no location can fulfil (held in order capture)`,
        items: oldest.map((entry) => ({ businessKey: entry.key, detail: entry.error.message, since: entry.createdAt })),
      };
    },
  };
}
