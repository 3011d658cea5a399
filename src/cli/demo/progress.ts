import type { Bus } from '../../ports/bus.ts';
import type { Storage } from '../../ports/storage.ts';

export interface DemoSnapshot {
  elapsedMs: number;
  /** Highest position in the event log. */
  head: number;
  /** Events logged but not yet handled by the flows (log head − flow consumer position). */
  lag: number;
  /** Items waiting for or in delivery. */
  queued: number;
  delivered: number;
  deadLettersOpen: number;
}

/** The flow engine's durable consumer name (FlowEngine's default). */
const FLOW_CONSUMER = 'flows';

export async function snapshot(ports: { bus: Bus; storage: Storage }, delivered: number, startedAt: number): Promise<DemoSnapshot> {
  const [head, position, stats, deadLettersOpen] = await Promise.all([
    ports.bus.head(),
    ports.bus.position(FLOW_CONSUMER),
    ports.storage.delivery.stats(),
    ports.storage.deadLetters.count({ status: 'open' }),
  ]);
  return {
    elapsedMs: Date.now() - startedAt,
    head,
    lag: Math.max(0, head - position),
    queued: stats.reduce((sum, target) => sum + target.pending + target.inFlight, 0),
    delivered,
    deadLettersOpen,
  };
}

/** The live line: what a viewer needs to see the hub keep up (or not). */
export function progressLine(now: DemoSnapshot, previous: DemoSnapshot | undefined, extra: { published: number; viaHttp: number; coalesced: number }): string {
  const seconds = Math.round(now.elapsedMs / 1000);
  const perSecond = previous ? Math.round(((now.head - previous.head) * 1000) / Math.max(1, now.elapsedMs - previous.elapsedMs)) : now.head;
  return `[${String(seconds).padStart(3)}s] ${[
    `${perSecond} events/s`,
    `published ${extra.published} (${extra.viaHttp} via HTTP)`,
    `delivered ${now.delivered}`,
    `coalesced ${extra.coalesced}`,
    `lag ${now.lag}`,
    `queued ${now.queued}`,
    `dead letters ${now.deadLettersOpen}`,
  ].join(' · ')}`;
}
