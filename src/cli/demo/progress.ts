import type { Bus } from '../../ports/bus.ts';
import type { Storage } from '../../ports/storage.ts';

export interface DemoSnapshot {
  at: number;
  /** Highest position in the event log. */
  head: number;
  /** Events logged but not yet handled by the flows (log head − flow consumer position). */
  lag: number;
  /** Items waiting for or in delivery. */
  queued: number;
  delivered: number;
  exceptionsOpen: number;
}

/** The flow engine's durable consumer name (FlowEngine's default). */
const FLOW_CONSUMER = 'flows';

export async function snapshot(ports: { bus: Bus; storage: Storage }): Promise<DemoSnapshot> {
  const [head, position, stats, exceptionsOpen] = await Promise.all([
    ports.bus.head(),
    ports.bus.position(FLOW_CONSUMER),
    ports.storage.delivery.stats(),
    ports.storage.deadLetters.count({ status: 'open' }),
  ]);
  return {
    at: Date.now(),
    head,
    lag: Math.max(0, head - position),
    queued: stats.reduce((sum, target) => sum + target.pending + target.inFlight, 0),
    delivered: stats.reduce((sum, target) => sum + target.delivered, 0),
    exceptionsOpen,
  };
}

/** The live line: what a viewer needs to see the hub keep up (or not). */
export function progressLine(now: DemoSnapshot, previous: DemoSnapshot | undefined, extra: { elapsedMs: number; actions: number }): string {
  const seconds = Math.round(extra.elapsedMs / 1000);
  const elapsed = previous ? Math.max(1, now.at - previous.at) : 1000;
  const eventsPerSecond = previous ? Math.round(((now.head - previous.head) * 1000) / elapsed) : 0;
  const deliveredPerSecond = previous ? Math.round(((now.delivered - previous.delivered) * 1000) / elapsed) : 0;
  return `[${String(seconds).padStart(4)}s] ${[
    `${extra.actions} actions`,
    `${eventsPerSecond} events/s`,
    `${deliveredPerSecond} writes/s`,
    `lag ${now.lag}`,
    `queued ${now.queued}`,
    `open exceptions ${now.exceptionsOpen}`,
  ].join(' · ')}`;
}
