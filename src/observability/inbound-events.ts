/** What became of events a caller sent to the hub, as counted by `crossdock_inbound_events_total`. */
export const InboundOutcome = {
  /** Stored in the event log. */
  accepted: 'accepted',
  /** Already in the log (same source + id): a sender's retry. */
  duplicate: 'duplicate',
  /** The request was refused (401, 400, 413, ...): its events were not read, so it counts once. */
  refused: 'refused',
  /** Read but never valid (a webhook payload no mapping accepts): recorded as an open exception. */
  exception: 'exception',
  /** Valid, but the log could not store them (503 / 500): the sender retries. */
  failed: 'failed',
} as const;
export type InboundOutcome = (typeof InboundOutcome)[keyof typeof InboundOutcome];

/** The `type` of a count whose events were not read (a refused request). */
export const UNKNOWN_EVENT_TYPE = 'unknown';

export interface InboundEventsCount {
  /**
   * The inbound route: `events` (`POST /events`) or `webhook:<role>`. Not the CloudEvent
   * `source`, which names each till (`/pos/store-0042/till-3`) and would make a series per till.
   */
  source: string;
  /** The CloudEvent type, or `unknown` when the events were not read. */
  type: string;
  outcome: InboundOutcome;
  count: number;
}

/**
 * The channel from the inbound routes to the hub's metrics: the routes `report` what they
 * accepted or refused, `createHubMetrics` subscribes. One per hub server; the routes work
 * without one (nothing is counted).
 *
 * @example
 * const inbound = new InboundEventsChannel();
 * const app = createHubServer({ bus, inboundEvents: inbound });
 * registerOperationsRoutes(app, hub, { inboundEvents: inbound });
 */
export class InboundEventsChannel {
  private readonly listeners = new Set<(count: InboundEventsCount) => void>();

  subscribe(listener: (count: InboundEventsCount) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  report(count: InboundEventsCount): void {
    if (count.count <= 0) return;
    for (const listener of this.listeners) listener(count);
  }

  /** Counts events by their type: one report per type. */
  reportEvents(source: string, outcome: InboundOutcome, events: readonly { type: string }[]): void {
    if (this.listeners.size === 0) return;
    const byType = new Map<string, number>();
    for (const event of events) byType.set(event.type, (byType.get(event.type) ?? 0) + 1);
    for (const [type, count] of byType) this.report({ source, type, outcome, count });
  }
}
