import type { DeliveryItem, NewDeliveryItem } from '../../ports/storage.ts';
import type { QuotaSignal } from '../../runtime/delivery/budget.ts';
import type { DeliveryContext } from '../../runtime/delivery/target.ts';
import type { FaultController } from '../../sandboxes/kit/types.ts';
import type { Connector, InboundRequest } from '../connector.ts';

/** What the connector conformance suite needs from one connector and its sandbox. */
export interface ConnectorHarness {
  /** A fresh sandbox and a connector configured against it (as a user would: URL + credentials). */
  open(): Promise<ConnectorUnderTest>;
}

export interface ConnectorUnderTest {
  connector: Connector;
  /** The sandbox's fault switch. */
  faults: FaultController;
  /** `count` valid items of one operation, each for a new business key. */
  validItems(count: number): DeliveryItem[];
  /** An item the system refuses for a reason that will not go away (validation). */
  invalidItem(): DeliveryItem;
  /** The system's record for an item, read back through the sandbox, or undefined. */
  read(item: DeliveryItem): Promise<unknown>;
  /** Records of this kind the system holds. */
  count(): Promise<number>;
  /** A webhook request the system would really send (signed), when the connector has webhooks. */
  signedWebhook?(): Promise<InboundRequest>;
  close(): Promise<void>;
}

let nextId = 1;

/** A delivery item as the engine would hand it over, for connector tests. */
export function deliveryItem(item: NewDeliveryItem): DeliveryItem {
  const now = Date.now();
  return {
    id: nextId++,
    target: item.target,
    kind: item.kind,
    key: item.key,
    operation: item.operation,
    payload: item.payload,
    idempotencyKey: item.idempotencyKey,
    version: item.version ?? null,
    context: item.context ?? { businessKey: item.key },
    correlationId: item.correlationId ?? null,
    traceparent: item.traceparent ?? null,
    status: 'in_flight',
    attempts: 1,
    enqueuedAt: now,
    availableAt: now,
    lastError: null,
    deliveredAt: null,
    externalId: null,
  };
}

/** A delivery context that records the quota figures the connector reports. */
export function recordingContext(): DeliveryContext & { quota: QuotaSignal[] } {
  const quota: QuotaSignal[] = [];
  return { signal: new AbortController().signal, reportQuota: (signal) => quota.push(signal), quota };
}
