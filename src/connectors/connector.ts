import type { CloudEvent } from '../canonical/cloudevent.ts';
import type { DeliveryTarget } from '../runtime/delivery/target.ts';

/**
 * The interface every system connector implements (`connectors/<system>/`). Flows never see a
 * connector: they address a role (`erp`, `crm`, `commerce`, `wms`, `payments`) and the
 * configuration binds the role to a connector, which is the delivery target of that role.
 */
export interface Connector extends DeliveryTarget {
  /** The system it speaks to: `netsuite`, `salesforce`, `shopify`, ... */
  readonly system: string;
  /** The delivery operations it accepts (`bookOrder`, `setInventoryLevel`, ...). */
  readonly operations: readonly string[];
  /** Push from the system: mounted by the hub at `POST /webhooks/<role>`. */
  readonly webhook?: WebhookReceiver;
  /** Pull from the system: each runs as a scheduled job with a durable watermark. */
  readonly pollers?: readonly DeltaPoller[];
  /** Full reads of canonical records for initial loads and backfills (`crossdock backfill`). */
  readonly source?: RecordSource;
  /** Live quota as the system reports it, for the console. */
  quota?(): QuotaReport;
  close?(): Promise<void>;
}

export interface QuotaReport {
  /** e.g. `DailyApiRequests`, `concurrency`, `graphqlCostPoints` */
  name: string;
  used: number;
  limit: number;
  /** Where the figure came from: a response header, a limits endpoint, local counting. */
  source: string;
}

export interface InboundRequest {
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

export interface WebhookReceiver {
  /** True when the request really comes from the system (signature over the raw body). */
  verify(request: InboundRequest): boolean;
  /** The system's own delivery id: the same delivery sent twice maps to the same events. */
  deliveryId(request: InboundRequest): string;
  /** Canonical events for the payload, with ids derived from the delivery id. */
  toEvents(request: InboundRequest): Promise<CloudEvent[]>;
}

export interface PollResult {
  events: CloudEvent[];
  /** The watermark after these events; unchanged when nothing new was found. */
  watermark: string;
  /** True when more changes are waiting beyond this page. */
  more: boolean;
}

export interface DeltaPoller {
  /** Unique per installation, e.g. `salesforce.Account`; names the watermark and the job. */
  name: string;
  everyMs: number;
  /** Starting point when no watermark is stored yet (e.g. "now" or an initial-load date). */
  initialWatermark(): string;
  /**
   * Reads changes strictly after `watermark`. Event ids must be derived from the record and
   * its change stamp, so a page read twice produces duplicates the log ignores.
   */
  poll(options: { watermark: string; signal: AbortSignal }): Promise<PollResult>;
}

/** A record read from a system that does not fit the canonical model: reported, skipped, never retried. */
export interface RecordRejection {
  /** The record as the source names it, e.g. `netsuite customer 4711`. */
  key: string;
  /** What is wrong, in words an integration engineer can act on. */
  reason: string;
  /** The offending canonical field (`emails[0].address`), when one is to blame. */
  field?: string;
}

/** One page of a full read: canonical records (already validated) and the ones refused. */
export interface RecordPage<T = unknown> {
  records: T[];
  rejected: RecordRejection[];
  /** Where the next page starts; undefined when this page was the last. */
  nextCursor: string | undefined;
  /**
   * How many records the source still holds from this page on (this page included), when it
   * can tell cheaply (SuiteQL's `totalResults`). The runner adds what it already did to estimate
   * the total; a source that cannot tell leaves it out.
   */
  remainingEstimate?: number;
}

/**
 * Full, resumable reads of one system's records as canonical entities, in a stable order (by the
 * system's own id), so `crossdock backfill` can stop after any page and go on from its cursor.
 * Unlike a DeltaPoller it reads everything there is, not what changed.
 */
export interface RecordSource {
  /** Canonical entities it can read, e.g. `['product', 'price', 'customer', 'order']`. */
  readonly entities: readonly string[];
  /**
   * Reads up to `limit` records after `cursor` (from the start when undefined). Reading the same
   * cursor twice answers the same records (as far as the system has not changed them meanwhile).
   */
  read(entity: string, options: { cursor: string | undefined; limit: number; signal: AbortSignal }): Promise<RecordPage>;
}
