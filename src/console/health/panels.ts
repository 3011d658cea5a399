import type { Bus } from '../../ports/bus.ts';
import type { Storage } from '../../ports/storage.ts';

export const PanelStatus = { ok: 'ok', warning: 'warning', critical: 'critical', unknown: 'unknown' } as const;
export type PanelStatus = (typeof PanelStatus)[keyof typeof PanelStatus];

export interface HealthPanelContext {
  storage: Storage;
  bus: Bus;
  now: number;
}

/** A business object a panel points at; the console links it to the Trace page. */
export interface HealthPanelItem {
  businessKey: string;
  detail: string;
  /** Since when it has been in this state (ms since epoch). */
  since: number | null;
}

export interface HealthPanelResult {
  status: Exclude<PanelStatus, 'unknown'>;
  /** The headline number: orders past SLA, shipments missing... */
  value: number;
  /** True when `value` is a lower bound (the panel stopped counting). */
  atLeast?: boolean;
  /** One sentence: "3 orders waiting for ERP booking longer than 15 min". */
  summary: string;
  /** The first few objects concerned, oldest first (at most 20 are shown). */
  items?: HealthPanelItem[];
}

/**
 * A business-health panel: the extension point through which flows put their own questions on
 * the Health page (orders awaiting ERP booking past SLA, shipments not visible in Salesforce,
 * returns waiting for a credit memo). A panel reads storage and the event log only; it must be
 * cheap, because the Health page asks every few seconds.
 *
 * @example
 * panels.register(waitingPastSlaPanel({ id: 'orders-awaiting-erp-booking', title: 'Orders awaiting ERP booking',
 *   flow: 'order-capture', step: 'booked', slaMs: 15 * 60_000, noun: ['order', 'orders'], waitingFor: 'ERP booking' }));
 */
export interface HealthPanel {
  /** Stable id, e.g. `orders-awaiting-erp-booking`. */
  id: string;
  title: string;
  /** Business area the page groups panels by: orders, shipments, returns, inventory, customers. */
  area: string;
  evaluate(context: HealthPanelContext): Promise<HealthPanelResult>;
}

/** The panels a console shows; flows register theirs when they are configured. */
export class HealthPanelRegistry {
  private readonly panels = new Map<string, HealthPanel>();

  constructor(initial: readonly HealthPanel[] = []) {
    for (const panel of initial) this.register(panel);
  }

  /** Adds a panel; returns a function that removes it. Registering an id twice is an error. */
  register(panel: HealthPanel): () => void {
    if (this.panels.has(panel.id)) throw new Error(`health panel "${panel.id}" is registered twice`);
    this.panels.set(panel.id, panel);
    return () => this.panels.delete(panel.id);
  }

  list(): HealthPanel[] {
    return [...this.panels.values()];
  }
}

/** Waiting instances looked at per evaluation; beyond, the count is reported as "at least". */
const WAITING_SCAN_LIMIT = 1_000;
const ITEMS_SHOWN = 20;

function minutes(ms: number): string {
  return ms >= 3_600_000 ? `${Math.round(ms / 360_000) / 10} h` : `${Math.round(ms / 60_000)} min`;
}

/**
 * A panel counting flow instances parked at a wait step for longer than an SLA: the shape of
 * "orders awaiting ERP booking", "shipments not yet visible in Salesforce" and "returns waiting
 * for a credit memo", each a flow waiting for the confirming event.
 */
export function waitingPastSlaPanel(options: {
  id: string;
  title: string;
  area: string;
  flow: string;
  step: string;
  slaMs: number;
  /** Singular and plural, e.g. ['order', 'orders']. */
  noun: readonly [string, string];
  /** What they wait for, e.g. 'ERP booking'. */
  waitingFor: string;
  /** Critical from this many; warning from one. Default 10. */
  criticalFrom?: number;
}): HealthPanel {
  return {
    id: options.id,
    title: options.title,
    area: options.area,
    async evaluate({ storage, now }) {
      const waiting = await storage.flows.list({ flow: options.flow, status: 'waiting', limit: WAITING_SCAN_LIMIT });
      const late = waiting
        .filter((instance) => instance.waiting?.step === options.step && now - instance.updatedAt > options.slaMs)
        .sort((a, b) => a.updatedAt - b.updatedAt);
      const count = late.length;
      const [one, many] = options.noun;
      return {
        status: count === 0 ? PanelStatus.ok : count >= (options.criticalFrom ?? 10) ? PanelStatus.critical : PanelStatus.warning,
        value: count,
        ...(waiting.length >= WAITING_SCAN_LIMIT && { atLeast: true }),
        summary: `${count} ${count === 1 ? one : many} waiting for ${options.waitingFor} longer than ${minutes(options.slaMs)}`,
        items: late.slice(0, ITEMS_SHOWN).map((instance) => ({ businessKey: instance.key, detail: `waiting for ${options.waitingFor} for ${minutes(now - instance.updatedAt)}`, since: instance.updatedAt })),
      };
    },
  };
}
