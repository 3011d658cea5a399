import type { CloudEvent } from '../../canonical/cloudevent.ts';
import type { NewDeliveryItem } from '../../ports/storage.ts';
import type { FlowDelivery, FlowEmit } from './definition.ts';

/** Who produces a flow's effects: the same for durable and stateless runs. */
export interface EffectOrigin {
  flow: string;
  instanceId: string;
  correlationId: string;
  traceparent: string | null;
}

/**
 * The delivery item of `ctx.deliver`: its idempotency key defaults to `<instance id>/<step>`,
 * so running the step again never enqueues twice.
 */
export function flowDeliveryItem(origin: EffectOrigin, step: string, item: FlowDelivery): NewDeliveryItem {
  return {
    ...item,
    idempotencyKey: item.idempotencyKey ?? `${origin.instanceId}/${step}`,
    correlationId: origin.correlationId,
    ...(origin.traceparent !== null && { traceparent: origin.traceparent }),
    context: { businessKey: item.key, flow: origin.flow, ...item.context },
  };
}

/**
 * The event of `ctx.emit`: its id is derived from the instance and the step, so a replay
 * publishes a duplicate the log ignores.
 */
export function flowEvent(origin: EffectOrigin, step: string, event: FlowEmit, now: number): CloudEvent {
  return {
    specversion: '1.0',
    id: `${origin.instanceId}/${step}`,
    source: `crossdock://flows/${origin.flow}`,
    type: event.type,
    subject: event.subject,
    time: new Date(now).toISOString(),
    datacontenttype: 'application/json',
    ...(event.dataschema !== undefined && { dataschema: event.dataschema }),
    data: event.data,
    correlationid: origin.correlationId,
    ...(origin.traceparent !== null && { traceparent: origin.traceparent }),
  };
}
