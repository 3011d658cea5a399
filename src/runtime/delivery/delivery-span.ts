import { SpanKind, errorType, markFailed, type Span, type SpanStart } from '../../observability/spans.ts';
import { CrossdockAttribute, DeliveryOutcome } from '../../observability/trace-attributes.ts';
import type { DeliveryItem } from '../../ports/storage.ts';

/**
 * The span of one request to a target (`deliver erp bookOrder`). A batch gathers items from
 * many traces: the span is a child of the first item's trace and links the other items', so
 * each order's trace leads to the request that carried it.
 */
export function deliveryBatchSpan(target: string, items: readonly DeliveryItem[]): SpanStart {
  const operation = operationOf(items);
  const first = items.find((item) => item.traceparent !== null);
  return {
    name: `deliver ${target} ${operation}`,
    kind: SpanKind.CLIENT,
    parent: first?.traceparent,
    attributes: {
      [CrossdockAttribute.target]: target,
      [CrossdockAttribute.operation]: operation,
      [CrossdockAttribute.itemCount]: items.length,
      ...(first?.correlationId != null && { [CrossdockAttribute.correlationId]: first.correlationId }),
      ...(items.length === 1 && { [CrossdockAttribute.businessKey]: items[0]!.key }),
    },
    links: items.map((item) => item.traceparent),
  };
}

/** The outcome of a batch the target answered, from how many of its items it accepted. */
export function answeredOutcome(delivered: number, refused: number): DeliveryOutcome {
  if (refused === 0) return DeliveryOutcome.delivered;
  return delivered > 0 ? DeliveryOutcome.partial : DeliveryOutcome.rejected;
}

/** Records a batch's outcome; anything short of `delivered` marks the span failed with the error's type. */
export function recordDeliveryOutcome(span: Span, outcome: DeliveryOutcome, error?: unknown): void {
  span.setAttribute(CrossdockAttribute.deliveryOutcome, outcome);
  if (outcome !== DeliveryOutcome.delivered) markFailed(span, errorType(error), error);
}

function operationOf(items: readonly DeliveryItem[]): string {
  const operation = items[0]?.operation ?? 'unknown';
  return items.every((item) => item.operation === operation) ? operation : 'mixed';
}
