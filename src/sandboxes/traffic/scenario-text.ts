import { ActionKind } from './actions.ts';
import type { TrafficCountersSnapshot } from './counters.ts';
import { InvalidScenarioError } from './planner.ts';
import type { BurstWindow, OutageWindow } from './planner.ts';

/**
 * Scenario options as typed on a command line, and the counters as one line of text: shared by
 * `crossdock sandbox up --traffic` and the demo.
 */

/** `0.55:0.1:4` (at, length, multiplier) or `none`. */
export function parseBurst(text: string): BurstWindow | false {
  if (text.trim().toLowerCase() === 'none') return false;
  const [at, length, multiplier, ...rest] = text.split(':').map(Number);
  if (rest.length > 0 || ![at, length, multiplier].every((n) => n !== undefined && Number.isFinite(n))) {
    throw new InvalidScenarioError('burst', `"${text}" is not at:length:multiplier (fractions of the day and a factor), e.g. 0.55:0.1:4, or none`);
  }
  return { at: at as number, length: length as number, multiplier: multiplier as number };
}

/** `0.3:0.05` (at, length) or `none`. */
export function parseOutage(text: string): OutageWindow | false {
  if (text.trim().toLowerCase() === 'none') return false;
  const [at, length, ...rest] = text.split(':').map(Number);
  if (rest.length > 0 || ![at, length].every((n) => n !== undefined && Number.isFinite(n))) {
    throw new InvalidScenarioError('outage', `"${text}" is not at:length (fractions of the day), e.g. 0.3:0.05, or none`);
  }
  return { at: at as number, length: length as number };
}

const SHORT_NAMES: Record<ActionKind, string> = {
  [ActionKind.storefrontOrder]: 'web',
  [ActionKind.storeOrder]: 'pos',
  [ActionKind.b2bOrder]: 'b2b',
  [ActionKind.paymentCapture]: 'pay',
  [ActionKind.stockReceipt]: 'rcpt',
  [ActionKind.stockMovement]: 'move',
  [ActionKind.shipmentMilestone]: 'ship',
  [ActionKind.backorderShipment]: 'backorder',
  [ActionKind.storeStockOut]: 'soldout',
  [ActionKind.orderCancel]: 'cancel',
  [ActionKind.storefrontReturn]: 'refund',
  [ActionKind.serviceReturnCase]: 'case',
  [ActionKind.returnParcel]: 'parcel',
  [ActionKind.customerEdit]: 'cust',
  [ActionKind.customerSignup]: 'signup',
  [ActionKind.erpOutage]: 'outage',
};

/** e.g. `traffic 120 actions (ok 101, rejected 9, failed 6, skipped 4) web 40 pos 18 …` */
export function formatTrafficSummary(snapshot: TrafficCountersSnapshot): string {
  const { outcomes } = snapshot;
  const perKind = (Object.keys(SHORT_NAMES) as ActionKind[])
    .map((kind) => {
      const counts = snapshot.byKind[kind];
      const total = counts.ok + counts.rejected + counts.failed + counts.skipped;
      return total > 0 ? `${SHORT_NAMES[kind]} ${total}` : '';
    })
    .filter(Boolean)
    .join(' ');
  return `traffic ${snapshot.total} actions (ok ${outcomes.ok}, rejected ${outcomes.rejected}, failed ${outcomes.failed}, skipped ${outcomes.skipped}; bad data ${snapshot.badData}) ${perKind}`.trimEnd();
}
