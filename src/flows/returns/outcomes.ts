import type { BusinessContext, DeadLetterStore, EnqueueOutcome } from '../../ports/storage.ts';
import type { SerializedFailure } from '../../runtime/errors.ts';
import type { FlowContext, FlowDelivery } from '../../runtime/flows/definition.ts';
import { raiseAndAwaitOperator, type OperatorResolution } from '../../runtime/flows/operator.ts';
import type { DeliveryOutcomes } from '../module.ts';

/** What became of a command handed to delivery. */
export type Settled = { status: 'delivered'; externalId: string | null } | { status: 'dead'; error: SerializedFailure | null };

/** The first pause between two looks at a pending command; it doubles up to the configured maximum. */
const FIRST_PAUSE_MS = 100;

export interface OutcomeIo {
  deliveries: DeliveryOutcomes;
  /** Optional: lets the flow close the delivery dead letter its own decision supersedes. */
  deadLetters?: Pick<DeadLetterStore, 'list' | 'act'> | undefined;
  maxPauseMs: number;
  clock: () => number;
}

/**
 * Waits durably until a command is delivered or dead: looks at the delivery item in a journaled
 * step and, while it is pending, sleeps (a durable timer) before looking again. Survives restarts:
 * the looks already made replay from the journal.
 */
export async function awaitOutcome(ctx: FlowContext, io: OutcomeIo, name: string, enqueued: EnqueueOutcome): Promise<Settled> {
  // State updates may be coalesced or dropped as stale; only commands are awaited.
  if (enqueued.outcome === 'stale') return { status: 'delivered', externalId: null };
  for (let look = 1; ; look++) {
    const seen = await ctx.step(`${name}/look-${look}`, async (): Promise<Settled | null> => {
      const item = await io.deliveries.get(enqueued.id);
      // Delivered items are pruned after their retention; dead and pending ones never are.
      if (!item) return { status: 'delivered', externalId: null };
      if (item.status === 'delivered') return { status: 'delivered', externalId: item.externalId };
      if (item.status === 'dead') return { status: 'dead', error: item.lastError };
      return null;
    });
    if (seen) return seen;
    await ctx.sleep(`${name}/pause-${look}`, Math.min(FIRST_PAUSE_MS * 2 ** Math.min(look - 1, 20), io.maxPauseMs));
  }
}

/** A command whose success the flow needs before it goes on, with what to tell an operator if it fails. */
export interface ConfirmedCommand<P> {
  /** Step prefix, unique in the flow, e.g. `credit-memo`. */
  name: string;
  /** Exception code when the command goes dead, e.g. CREDIT_MEMO_FAILED. */
  code: string;
  /** What it is, for messages: "the credit memo of RMA-1042". */
  what: string;
  /** The payload, offered to the operator to correct (`fix`). */
  payload: P;
  /** The delivery of round `round` (1 first; later rounds after an operator's retry or fix). */
  delivery(payload: P, round: number): FlowDelivery;
  context: BusinessContext;
}

export type CommandResult<P> =
  | { outcome: 'done'; externalId: string | null; payload: P; round: number }
  /** The operator accepted the failure as done some other way (e.g. booked by hand). */
  | { outcome: 'overridden'; payload: P; reason: string }
  /** The operator gave up on it. */
  | { outcome: 'discarded'; payload: P; reason: string };

/**
 * Delivers a command and waits for its outcome. When it goes dead, raises an exception carrying
 * the failure and waits for an operator: retry (a new round, with a new delivery key so the queue
 * takes it again; the targets are idempotent by the document's own external id or the refund's
 * id), fix (a new round with the corrected payload), override or discard.
 */
export async function deliverConfirmed<P>(ctx: FlowContext, io: OutcomeIo, command: ConfirmedCommand<P>): Promise<CommandResult<P>> {
  let payload = command.payload;
  for (let round = 1; ; round++) {
    const step = `${command.name}-${round}`;
    const enqueued = await ctx.deliver(step, command.delivery(payload, round));
    const settled = await awaitOutcome(ctx, io, step, enqueued);
    if (settled.status === 'delivered') return { outcome: 'done', externalId: settled.externalId, payload, round };
    const resolution = await raiseAndAwaitOperator(ctx, `${step}/failed`, {
      code: command.code,
      message: `${command.what} failed${settled.error ? `: ${settled.error.message}` : ''}`,
      payload,
      context: { ...command.context, round, ...failureContext(settled.error) },
    });
    if (enqueued.outcome !== 'stale') await supersedeDeliveryDeadLetter(ctx, io, step, { itemId: enqueued.id, key: command.delivery(payload, round).key, resolution });
    if (resolution.decision === 'fix') payload = resolution.payload as P;
    if (resolution.decision === 'override') return { outcome: 'overridden', payload, reason: resolution.reason };
    if (resolution.decision === 'discard') return { outcome: 'discarded', payload, reason: resolution.reason };
  }
}

/** The failure's identifying fields for the exception's context (no payloads: they may hold personal data). */
export function failureContext(error: SerializedFailure | null): Record<string, unknown> {
  if (!error) return {};
  return { failure: { ...(error.code !== undefined && { code: error.code }), ...(error.system !== undefined && { system: error.system }), ...(error.field !== undefined && { field: error.field }) } };
}

/**
 * The dead delivery item's own dead letter is superseded by the operator's decision on the flow's
 * exception (the flow retries with a new item, or settles otherwise): resolved with the decision
 * as reason, so the console does not show one problem twice. Without `deadLetters` it is left to
 * the operator.
 */
export async function supersedeDeliveryDeadLetter(
  ctx: FlowContext,
  io: OutcomeIo,
  step: string,
  dead: { itemId: number; key: string; resolution: Pick<OperatorResolution, 'decision' | 'deadLetterId'> },
): Promise<void> {
  const deadLetters = io.deadLetters;
  if (!deadLetters) return;
  await ctx.step(`${step}/supersede`, async () => {
    const open = await deadLetters.list({ kind: 'delivery', key: dead.key, status: 'open', limit: 50 });
    const mine = open.filter((entry) => entry.ref === String(dead.itemId));
    for (const entry of mine) {
      await deadLetters.act(entry.id, 'resolved', {
        actor: `flow:${ctx.flow}`,
        reason: `superseded by the operator's ${dead.resolution.decision} of flow exception #${dead.resolution.deadLetterId} (${ctx.instanceId})`,
        now: io.clock(),
      });
    }
    return mine.map((entry) => entry.id);
  });
}
