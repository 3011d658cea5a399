import type { CloudEvent } from '../canonical/cloudevent.ts';

/**
 * The Bus port: Crossdock's durable event log.
 *
 * Embedded adapter: SQLite tables in the hub's own database. Distributed adapter: a NATS
 * JetStream stream. The runtime only ever sees this interface; the conformance suite in
 * `conformance/bus.ts` states the behaviour every adapter must have.
 */
export interface LoggedEvent {
  /** Position in the log, assigned on publish, strictly increasing (not necessarily consecutive). */
  seq: number;
  event: CloudEvent;
  /** When the hub persisted it (ms since epoch); used for lag and freshness. */
  loggedAt: number;
}

export interface PublishResult {
  seq: number;
  /** True when an event with the same (source, id) was already in the log: no second effect. */
  duplicate: boolean;
}

export interface ConsumeOptions {
  /** Durable consumer name: its position survives restarts. */
  name: string;
  /** Only events of these types are handed to `handle`; the position still moves past others. */
  types?: readonly string[];
  /** Upper bound on events handed to one `handle` call. */
  batchSize?: number;
  /**
   * Receives events in log order. When the promise resolves the whole batch is acknowledged;
   * when it rejects, the batch is delivered again (at-least-once).
   */
  handle(batch: readonly LoggedEvent[]): Promise<void>;
  /** Told about a rejected batch before it is retried. */
  onError?(error: unknown, batch: readonly LoggedEvent[]): void;
}

export interface Subscription {
  /** Stops after the batch in progress has been acknowledged or abandoned. */
  stop(): Promise<void>;
}

export interface EventQuery {
  subject?: string;
  /** Subjects starting with this (`SKU-1@`: every location of a sku); an index range, never a scan of the log. */
  subjectPrefix?: string;
  correlationId?: string;
  type?: string;
  afterSeq?: number;
  limit?: number;
}

export interface Bus {
  /**
   * Appends events durably; resolves only once they would survive a process crash.
   * An event whose (source, id) is already in the log is not appended again.
   */
  publish(events: readonly CloudEvent[]): Promise<PublishResult[]>;
  consume(options: ConsumeOptions): Subscription;
  /** The highest seq in the log (0 when empty). */
  head(): Promise<number>;
  /** The last seq acknowledged by a consumer (0 when it has never acknowledged). */
  position(consumer: string): Promise<number>;
  /** Events by business key or correlation id, in log order: the trace view reads this. */
  find(query: EventQuery): Promise<LoggedEvent[]>;
  close(): Promise<void>;
}
