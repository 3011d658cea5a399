import { PanelStatus, type HealthPanel, type HealthPanelItem } from '../../console/health/panels.ts';
import type { FlowSettings } from '../settings.ts';
import { AWAITING_ERP_BOOKING, CANCELLED_AFTER_SHIPMENT } from './exceptions.ts';
import { ORDER_CAPTURE_FLOW } from './read-models.ts';

const SCAN_LIMIT = 1_000;
const ITEMS_SHOWN = 20;
/** Exceptions of the flow that are not holds before booking. */
const NOT_HOLDS = new Set<string>([AWAITING_ERP_BOOKING, CANCELLED_AFTER_SHIPMENT]);

function minutes(ms: number): string {
  if (ms >= 3_600_000) return `${Math.round(ms / 360_000) / 10} h`;
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.max(0, Math.round(ms / 1_000))} s`;
}

/**
 * Orders sent to the ERP and not booked within the booking SLA: instances still at the first
 * booking wait past the SLA (their timer is due) and instances at the late wait (the SLA
 * exception is raised). Each counts from when it was sent.
 */
export function awaitingErpBookingPanel(settings: FlowSettings): HealthPanel {
  const slaMs = settings.orders.bookingSlaMinutes * 60_000;
  return {
    id: 'orders-awaiting-erp-booking',
    title: 'Orders awaiting ERP booking past SLA',
    area: 'orders',
    async evaluate({ storage, now }) {
      const waiting = await storage.flows.list({ flow: ORDER_CAPTURE_FLOW, status: 'waiting', limit: SCAN_LIMIT });
      const late = waiting
        .flatMap((instance) => {
          const step = instance.waiting?.step;
          // The late wait starts when the SLA ran out: it was sent an SLA before that.
          if (step === 'erp-booked-late') return [{ key: instance.key, sentAt: instance.updatedAt - slaMs }];
          if (step === 'erp-booked' && now - instance.updatedAt > slaMs) return [{ key: instance.key, sentAt: instance.updatedAt }];
          return [];
        })
        .sort((a, b) => a.sentAt - b.sentAt);
      const count = late.length;
      const items: HealthPanelItem[] = late.slice(0, ITEMS_SHOWN).map((order) => ({ businessKey: order.key, detail: `sent to the ERP ${minutes(now - order.sentAt)} ago, not booked`, since: order.sentAt }));
      return {
        status: count === 0 ? PanelStatus.ok : count >= 10 ? PanelStatus.critical : PanelStatus.warning,
        value: count,
        ...(waiting.length >= SCAN_LIMIT && { atLeast: true }),
        summary: `${count} ${count === 1 ? 'order' : 'orders'} waiting for ERP booking longer than ${minutes(slaMs)}`,
        items,
      };
    },
  };
}

/** Orders held before booking, counted by reason (UNKNOWN_SKU, PRICE_MISMATCH, CREDIT_HOLD...). */
export function ordersOnHoldPanel(): HealthPanel {
  return {
    id: 'orders-on-hold',
    title: 'Orders on hold by reason',
    area: 'orders',
    async evaluate({ storage, now }) {
      const groups = (await storage.deadLetters.groups({ status: 'open', kind: 'flow' })).filter((group) => group.target === ORDER_CAPTURE_FLOW && !NOT_HOLDS.has(group.errorCode));
      const count = groups.reduce((sum, group) => sum + group.count, 0);
      const byReason = groups.map((group) => `${group.count} ${group.errorCode}`).join(', ');
      const oldest = await storage.deadLetters.list({ status: 'open', kind: 'flow', target: ORDER_CAPTURE_FLOW, limit: 100 });
      const items = oldest
        .filter((entry) => !NOT_HOLDS.has(entry.error.code ?? ''))
        .slice(0, ITEMS_SHOWN)
        .map((entry) => ({ businessKey: entry.key, detail: `${entry.error.code ?? 'HOLD'}: ${entry.error.message} (${minutes(now - entry.createdAt)})`, since: entry.createdAt }));
      return {
        status: count === 0 ? PanelStatus.ok : PanelStatus.warning,
        value: count,
        summary: count === 0 ? 'no orders on hold' : `${count} ${count === 1 ? 'order' : 'orders'} on hold: ${byReason}`,
        items,
      };
    },
  };
}
