import type { CloudEvent } from '../../canonical/cloudevent.ts';
import type { DeadLetter } from '../../ports/storage.ts';
import type { FlowContext, FlowException } from './definition.ts';

/**
 * How an operator's decision on a flow exception reaches the flow that raised it: the console
 * publishes this event with the flow instance id as subject, and the flow, waiting durably for
 * it, carries on (retry as is, resume with a corrected payload, or give up).
 */
export const OPERATOR_RESOLUTION_EVENT = 'crossdock.exception.resolved.v1';

export const OperatorDecision = {
  /** Try again with the same data (the cause was outside: a sku since created, stock since received). */
  retry: 'retry',
  /** Try again with the payload the operator corrected. */
  fix: 'fix',
  /** Accept the exception as final: the flow ends without doing the work (e.g. order cancelled). */
  discard: 'discard',
  /** Let the flow proceed despite the exception (e.g. a price mismatch the business accepts). */
  override: 'override',
} as const;
export type OperatorDecision = (typeof OperatorDecision)[keyof typeof OperatorDecision];

export interface OperatorResolution {
  deadLetterId: number;
  decision: OperatorDecision;
  /** The corrected payload, for `fix`. */
  payload?: unknown;
  actor: string;
  reason: string;
}

/** A flow exception an operator can fix: the payload they may correct rides in its context. */
export interface FixableException extends FlowException {
  /** What the operator sees and may edit (e.g. the order as received). */
  payload?: unknown;
}

/**
 * Raises an exception and waits (durably, for as long as it takes) for an operator's decision.
 * Name it per attempt (`validate-1`, `validate-2`...) so each round is its own journaled wait.
 *
 * @example
 * const resolution = await raiseAndAwaitOperator(ctx, `validation-${round}`, { code: 'UNKNOWN_SKU', message, payload: order });
 * if (resolution.decision === 'fix') order = resolution.payload as Order;
 */
export async function raiseAndAwaitOperator(ctx: FlowContext, name: string, exception: FixableException): Promise<OperatorResolution> {
  const { payload, ...rest } = exception;
  await ctx.raise(name, { ...rest, context: { ...rest.context, ...(payload !== undefined && { payload }), awaitsOperator: true } });
  const event = await ctx.waitForEvent(`${name}/operator`, { type: OPERATOR_RESOLUTION_EVENT, key: ctx.instanceId });
  return event!.data as OperatorResolution;
}

/** The event the console publishes when an operator decides on a flow dead letter. */
export function operatorResolutionEvent(deadLetter: Pick<DeadLetter, 'id' | 'ref'>, resolution: Omit<OperatorResolution, 'deadLetterId'>, now: number): CloudEvent {
  return {
    specversion: '1.0',
    id: `dead-letter-${deadLetter.id}/${resolution.decision}`,
    source: 'crossdock://console',
    type: OPERATOR_RESOLUTION_EVENT,
    subject: deadLetter.ref,
    time: new Date(now).toISOString(),
    datacontenttype: 'application/json',
    data: { deadLetterId: deadLetter.id, ...resolution },
  };
}

/** True when a flow dead letter's flow is waiting for an operator decision (not just informed). */
export function awaitsOperator(deadLetter: Pick<DeadLetter, 'kind' | 'context'>): boolean {
  return deadLetter.kind === 'flow' && deadLetter.context.awaitsOperator === true;
}
