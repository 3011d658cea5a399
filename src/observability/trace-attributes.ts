/**
 * The names of the span attributes Crossdock sets, in one place so dashboards, tests and
 * docs/observability.md agree. Standard attributes (`http.route`, `error.type`) come from
 * `@opentelemetry/semantic-conventions`; these are Crossdock's own, under `crossdock.`.
 */
export const CrossdockAttribute = {
  /** The correlation id carried from the first webhook to the last write. */
  correlationId: 'crossdock.correlation_id',
  /** The business key: order number, `sku@location`, customer id. */
  businessKey: 'crossdock.business_key',
  /** The CloudEvents type that started (or resumed) a flow run. */
  eventType: 'crossdock.event.type',
  /** How many events an inbound request appended to the log. */
  eventCount: 'crossdock.event.count',
  /** The system role a webhook came from (`wms`, `commerce`). */
  webhookRole: 'crossdock.webhook.role',
  flowName: 'crossdock.flow.name',
  flowInstanceId: 'crossdock.flow.instance_id',
  /** `completed`, `waiting`, `failed`, `compensated`, or `superseded` (another runner moved on). */
  flowOutcome: 'crossdock.flow.outcome',
  /** The delivery target: the system role (`erp`, `crm`). */
  target: 'crossdock.delivery.target',
  /** The operation of the batch (`bookOrder`); `mixed` when its items differ. */
  operation: 'crossdock.delivery.operation',
  itemCount: 'crossdock.delivery.item_count',
  /** See `DeliveryOutcome`. */
  deliveryOutcome: 'crossdock.delivery.outcome',
} as const;

/** What happened to one delivery batch call. */
export const DeliveryOutcome = {
  /** Every item accepted. */
  delivered: 'delivered',
  /** The call answered, some items were refused (each retried or dead-lettered on its own). */
  partial: 'partial',
  /** The call answered, every item was refused. */
  rejected: 'rejected',
  /** The whole call failed (network, 5xx, auth): items retried or dead-lettered. */
  failed: 'failed',
  /** The target said slow down: items handed back untouched for later. */
  throttled: 'throttled',
  /** The circuit was open: no request was made, items handed back. */
  circuitOpen: 'circuit_open',
} as const;
export type DeliveryOutcome = (typeof DeliveryOutcome)[keyof typeof DeliveryOutcome];

/** What a flow run ended as. */
export const FlowOutcome = {
  completed: 'completed',
  waiting: 'waiting',
  failed: 'failed',
  compensated: 'compensated',
  superseded: 'superseded',
} as const;
export type FlowOutcome = (typeof FlowOutcome)[keyof typeof FlowOutcome];
