import type { EventEmitter } from 'node:events';

interface CircuitChange {
  target: string;
  state: string;
}

/**
 * Since when each target's circuit has been in its state, from the delivery engine's
 * `circuit` events. The breaker lives in this process's memory, and so does this record: a
 * circuit that has not changed since the process started has no "since" (null).
 *
 * @example
 * const circuits = new CircuitHistory(hub.delivery.events, Date.now);
 * circuits.since('erp', 'open'); // 1718000000000, or null
 * circuits.stop();
 */
export class CircuitHistory {
  private readonly changes = new Map<string, { state: string; at: number }>();
  private readonly listener = (change: CircuitChange) => {
    this.changes.set(change.target, { state: change.state, at: this.clock() });
  };

  constructor(
    private readonly events: EventEmitter,
    private readonly clock: () => number,
  ) {
    events.on('circuit', this.listener);
  }

  /** When the target's circuit entered `state`, if this process saw it happen; else null. */
  since(target: string, state: string): number | null {
    const change = this.changes.get(target);
    return change && change.state === state ? change.at : null;
  }

  stop(): void {
    this.events.off('circuit', this.listener);
  }
}
