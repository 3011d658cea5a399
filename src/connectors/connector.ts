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
