/**
 * An explicit state machine: a table of allowed moves, checked on every change. A status
 * absent from the table's keys is unknown; a status whose row is empty is terminal.
 */
export type TransitionTable<S extends string> = { readonly [From in S]: readonly S[] };

export type TransitionCheck<S extends string> =
  | { allowed: true; from: S; to: S; /** Same status again: a redelivery, nothing to do. */ unchanged: boolean }
  | {
      allowed: false;
      from: string;
      to: string;
      reason: 'unknown-status' | 'terminal-status' | 'not-allowed';
      /** Plain words for logs and the console. */
      message: string;
      /** What `from` may move to, empty when `from` is terminal or unknown. */
      allowedNext: readonly S[];
    };

export interface Lifecycle<S extends string> {
  /** e.g. 'order' — used in messages. */
  readonly entity: string;
  readonly allowedTransitions: TransitionTable<S>;
  readonly statuses: readonly S[];
  isStatus(value: string): value is S;
  isTerminal(status: S): boolean;
  /**
   * Whether moving from one status to another is allowed, and if not, why. Moving to the same
   * status is allowed with `unchanged: true` so redelivered updates are harmless.
   */
  checkTransition(from: string, to: string): TransitionCheck<S>;
}

/**
 * Builds a lifecycle from a transition table: a status with an empty row is terminal, moving to
 * the same status is an unchanged no-op, and every refusal comes back as a value with a reason
 * and a message. The order and return lifecycles are built with it; so can any other state
 * machine that must be explicit (a delivery attempt, a reconciliation run).
 *
 * @example
 * const attempt = defineLifecycle('delivery attempt', { queued: ['sent'], sent: ['done'], done: [] });
 * attempt.checkTransition('queued', 'done').allowed // false
 */
export function defineLifecycle<S extends string>(entity: string, allowedTransitions: TransitionTable<S>): Lifecycle<S> {
  const statuses = Object.keys(allowedTransitions) as S[];
  const isStatus = (value: string): value is S => Object.hasOwn(allowedTransitions, value);
  const isTerminal = (status: S) => allowedTransitions[status].length === 0;
  const anEntity = `${/^[aeiou]/i.test(entity) ? 'an' : 'a'} ${entity}`;

  function checkTransition(from: string, to: string): TransitionCheck<S> {
    for (const status of [from, to]) {
      if (!isStatus(status)) {
        return {
          allowed: false,
          from,
          to,
          reason: 'unknown-status',
          message: `"${status}" is not ${anEntity} status; known statuses are ${statuses.join(', ')}`,
          allowedNext: isStatus(from) ? allowedTransitions[from] : [],
        };
      }
    }
    const source = from as S;
    const target = to as S;
    if (source === target) return { allowed: true, from: source, to: target, unchanged: true };
    const next = allowedTransitions[source];
    if (next.includes(target)) return { allowed: true, from: source, to: target, unchanged: false };
    if (next.length === 0) {
      return {
        allowed: false,
        from,
        to,
        reason: 'terminal-status',
        message: `${anEntity} that is ${source} is final and cannot become ${target}`,
        allowedNext: next,
      };
    }
    return {
      allowed: false,
      from,
      to,
      reason: 'not-allowed',
      message: `${anEntity} cannot go from ${source} to ${target}; from ${source} it may go to ${next.join(', ')}`,
      allowedNext: next,
    };
  }

  return { entity, allowedTransitions, statuses, isStatus, isTerminal, checkTransition };
}
