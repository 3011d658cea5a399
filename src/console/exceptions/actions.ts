import type { Bus } from '../../ports/bus.ts';
import type { DeadLetter, Storage } from '../../ports/storage.ts';
import { awaitsOperator, operatorResolutionEvent, OperatorDecision } from '../../runtime/flows/operator.ts';
import { checkCorrectedPayload, editabilityOf, type PayloadProblem } from './payload.ts';
import { ACTION_STATUS, type ActionResult, type ExceptionAction } from './schemas.ts';

/** The decision a flow waiting for an operator receives for each console action. */
export const ACTION_DECISION = { retry: OperatorDecision.retry, resolve: OperatorDecision.override, discard: OperatorDecision.discard } as const satisfies Record<
  ExceptionAction,
  OperatorDecision
>;

export type FixOutcome =
  | { outcome: 'done' | 'not-open' | 'not-found' | 'undelivered'; result: ActionResult }
  /** Nothing to edit on this exception (a failed flow, an item no longer dead). */
  | { outcome: 'not-editable'; message: string }
  | { outcome: 'invalid'; problem: PayloadProblem };

export interface OperatorDecisions {
  /** Retry, resolve or discard; a flow waiting for an operator is told the matching decision. */
  act(id: number, action: ExceptionAction, actor: string, reason: string): Promise<ActionResult>;
  /** Retries with a corrected payload ("fix and resume"), after checking it. */
  fix(id: number, payload: unknown, actor: string, reason: string): Promise<FixOutcome>;
}

/**
 * Applies an operator's decisions on exceptions. Each one is first recorded in storage, with its
 * audit entry in the same transaction (`deadLetters.act` / `retryWithPayload`), which also makes
 * sure only one operator's decision wins. Only then is a flow waiting for the decision told,
 * through the event log (`operatorResolutionEvent`): the reverse order could hand a flow a
 * decision that was never recorded, and a second one would be left in the log for its next wait.
 * If the log refuses the event, the result says `undelivered`: recorded, but the flow still waits.
 */
export function createOperatorDecisions(options: { storage: Storage; bus: Bus; clock: () => number; onUndelivered(entry: DeadLetter, error: unknown): void }): OperatorDecisions {
  const { storage, bus, clock } = options;

  /** Tells the flow; false when the event log did not take the event. */
  async function tellFlow(entry: DeadLetter, resolution: { decision: OperatorDecision; payload?: unknown; actor: string; reason: string }, now: number): Promise<boolean> {
    if (!awaitsOperator(entry)) return true;
    try {
      await bus.publish([operatorResolutionEvent(entry, resolution, now)]);
      return true;
    } catch (error) {
      options.onUndelivered(entry, error);
      return false;
    }
  }

  function undelivered(entry: DeadLetter, status: ActionResult['status']): ActionResult {
    return {
      id: entry.id,
      outcome: 'undelivered',
      status,
      message: `#${entry.id} is recorded as ${status}, but flow ${entry.target} could not be told (the event log refused the event): the flow still waits; see the hub log`,
    };
  }

  async function notOpen(entry: DeadLetter): Promise<ActionResult> {
    const current = (await storage.deadLetters.get(entry.id)) ?? entry;
    return { id: entry.id, outcome: 'not-open', status: current.status, message: `#${entry.id} is not open any more (it is ${current.status}); nothing done` };
  }

  return {
    async act(id, action, actor, reason) {
      const status = ACTION_STATUS[action];
      const entry = await storage.deadLetters.get(id);
      if (!entry) return { id, outcome: 'not-found', status: null, message: `there is no exception #${id}` };
      const now = clock();
      const trimmed = reason.trim();
      if (!(await storage.deadLetters.act(id, status, { actor, reason: trimmed, now }))) return notOpen(entry);
      if (!(await tellFlow(entry, { decision: ACTION_DECISION[action], actor, reason: trimmed }, now))) return undelivered(entry, status);
      return { id, outcome: 'done', status, message: `#${id} ${status} by ${actor}` };
    },

    async fix(id, payload, actor, reason) {
      const entry = await storage.deadLetters.get(id);
      if (!entry) return { outcome: 'not-found', result: { id, outcome: 'not-found', status: null, message: `there is no exception #${id}` } };
      if (entry.status !== 'open') return { outcome: 'not-open', result: await notOpen(entry) };
      const item = entry.kind === 'delivery' ? await storage.delivery.get(Number(entry.ref)) : undefined;
      const editability = editabilityOf(entry, item);
      if (!editability.editable) return { outcome: 'not-editable', message: editability.why };
      const problem = checkCorrectedPayload(editability.value, entry, payload);
      if (problem) return { outcome: 'invalid', problem };

      const now = clock();
      const trimmed = reason.trim();
      let recorded: boolean;
      try {
        recorded = await storage.deadLetters.retryWithPayload(id, payload, { actor, reason: trimmed, now });
      } catch (error) {
        // The item left the dead state between our read and the write (nothing was changed).
        const current = item && (await storage.delivery.get(item.id));
        if (current && current.status !== 'dead') return { outcome: 'not-editable', message: `the delivery item of #${id} is ${current.status} now, not waiting for an operator; nothing done` };
        throw error;
      }
      if (!recorded) return { outcome: 'not-open', result: await notOpen(entry) };
      if (!(await tellFlow(entry, { decision: OperatorDecision.fix, payload, actor, reason: trimmed }, now))) return { outcome: 'undelivered', result: undelivered(entry, 'retried') };
      return { outcome: 'done', result: { id, outcome: 'done', status: 'retried', message: `#${id} retried with the corrected payload by ${actor}` } };
    },
  };
}
