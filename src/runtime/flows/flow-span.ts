import type { FlowInstance } from '../../ports/storage.ts';
import type { SpanStart } from '../../observability/spans.ts';
import { CrossdockAttribute } from '../../observability/trace-attributes.ts';

/**
 * The span of one flow run (`flow order-capture`): a child of the instance's trace (the
 * `traceparent` of the event that started it). A run resumed by another event links that
 * event's trace, so both requests lead to it.
 */
export function flowRunSpan(args: {
  instance: Pick<FlowInstance, 'id' | 'flow' | 'key' | 'correlationId' | 'traceparent'>;
  /** Known up front for a fresh run; a resumed run sets it once it has read its trigger. */
  eventType?: string | undefined;
  resumedBy?: string | null | undefined;
}): SpanStart {
  const { instance } = args;
  return {
    name: `flow ${instance.flow}`,
    parent: instance.traceparent,
    attributes: {
      [CrossdockAttribute.flowName]: instance.flow,
      [CrossdockAttribute.flowInstanceId]: instance.id,
      [CrossdockAttribute.businessKey]: instance.key,
      ...(instance.correlationId !== null && { [CrossdockAttribute.correlationId]: instance.correlationId }),
      ...(args.eventType !== undefined && { [CrossdockAttribute.eventType]: args.eventType }),
    },
    ...(args.resumedBy && { links: [args.resumedBy] }),
  };
}
