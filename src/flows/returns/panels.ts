import { PanelStatus, type HealthPanel, type HealthPanelItem } from '../../console/health/panels.ts';
import type { StoredRecord } from '../../ports/storage.ts';
import type { FlowSettings } from '../settings.ts';
import { RecordEntity } from '../reference/records.ts';
import { ReturnStage, type ReturnRecord } from './record.ts';

const ITEMS_SHOWN = 20;
const DAY_MS = 86_400_000;

function duration(ms: number): string {
  if (ms >= 2 * DAY_MS) return `${Math.round(ms / DAY_MS)} days`;
  if (ms >= 3_600_000) return `${Math.round(ms / 360_000) / 10} h`;
  return `${Math.max(0, Math.round(ms / 60_000))} min`;
}

function statusOf(count: number, criticalFrom: number): Exclude<PanelStatus, 'unknown'> {
  return count === 0 ? PanelStatus.ok : count >= criticalFrom ? PanelStatus.critical : PanelStatus.warning;
}

/** Returns received (or credited) whose credit memo or refund has been pending longer than `awaitingAlertMinutes`. */
export function awaitingCreditOrRefundPanel(settings: FlowSettings['returns']): HealthPanel {
  const limitMs = settings.awaitingAlertMinutes * 60_000;
  return {
    id: 'returns-awaiting-credit-or-refund',
    title: 'Returns waiting for a credit memo or refund',
    area: 'returns',
    async evaluate({ storage, now }) {
      const waiting = await storage.records.match<ReturnRecord>(RecordEntity.return, [`stage:${ReturnStage.crediting}`, `stage:${ReturnStage.refunding}`]);
      const late = waiting.filter((record) => now - record.data.stageSince > limitMs).sort((a, b) => a.data.stageSince - b.data.stageSince);
      const items: HealthPanelItem[] = late.slice(0, ITEMS_SHOWN).map((record) => ({
        businessKey: record.key,
        detail: `${record.data.stage === ReturnStage.crediting ? 'waiting for the credit memo' : 'waiting for the refund'} for ${duration(now - record.data.stageSince)} (order ${record.data.return.orderNumber})`,
        since: record.data.stageSince,
      }));
      return {
        status: statusOf(late.length, 10),
        value: late.length,
        summary: `${late.length} ${late.length === 1 ? 'return' : 'returns'} waiting for a credit memo or refund longer than ${duration(limitMs)}`,
        items,
      };
    },
  };
}

/** Authorized returns whose RMA expires within `nearExpiryDays` with nothing received yet. */
export function nearExpiryPanel(settings: FlowSettings['returns']): HealthPanel {
  const withinMs = settings.nearExpiryDays * DAY_MS;
  return {
    id: 'returns-rma-near-expiry',
    title: 'RMAs near expiry',
    area: 'returns',
    async evaluate({ storage, now }) {
      const awaiting = await storage.records.match<ReturnRecord>(RecordEntity.return, [`stage:${ReturnStage.awaitingReceipt}`]);
      const near = awaiting
        .filter((record): record is StoredRecord<ReturnRecord> & { data: { expiresAt: number } } => record.data.expiresAt !== undefined && record.data.expiresAt - now <= withinMs)
        .sort((a, b) => a.data.expiresAt - b.data.expiresAt);
      return {
        status: statusOf(near.length, 10),
        value: near.length,
        summary: `${near.length} authorized ${near.length === 1 ? 'return expires' : 'returns expire'} within ${duration(withinMs)} with nothing received`,
        items: near.slice(0, ITEMS_SHOWN).map((record) => ({
          businessKey: record.key,
          detail: record.data.expiresAt > now ? `expires in ${duration(record.data.expiresAt - now)} (order ${record.data.return.orderNumber})` : `expiring now (order ${record.data.return.orderNumber})`,
          since: record.data.reached.authorized ?? record.data.stageSince,
        })),
      };
    },
  };
}
