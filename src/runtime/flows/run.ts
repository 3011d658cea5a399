import type { CloudEvent } from '../../canonical/cloudevent.ts';
import type { Bus } from '../../ports/bus.ts';
import {
  FlowVersionConflict,
  type EnqueueOutcome,
  type FlowInstance,
  type FlowStatus,
  type JournalEntry,
  type NewDeliveryItem,
  type Storage,
  type WaitCondition,
} from '../../ports/storage.ts';
import { PermanentError, type SerializedFailure } from '../errors.ts';
import type { FlowContext, FlowDelivery, FlowEmit, FlowException, StepOptions } from './definition.ts';
import { flowDeliveryItem, flowEvent, type EffectOrigin } from './effects.ts';

/** Thrown inside flow code to stop the run while the instance waits; never seen by flow code. */
export class FlowSuspended {
  constructor(readonly waiting: WaitCondition) {}
}

/** What a journaled wait stores: the event that ended it (or null on timeout) and its position. */
export interface WaitResult {
  seq: number | null;
  event: CloudEvent | null;
}

export const TIMER_EVENT_TYPE = 'crossdock.timer';

export interface FlowRunDependencies {
  storage: Storage;
  bus: Bus;
  enqueue(items: readonly NewDeliveryItem[]): Promise<EnqueueOutcome[]>;
  clock: () => number;
  /** Runs a step body with in-process retries for transient failures (cockatiel policy). */
  retryStep<T>(fn: () => Promise<T> | T): Promise<T>;
  /** Told of each exception raised, once (a replay finds it journaled), for logs. */
  raised?(exception: { code: string; deadLetterId: number }): void;
}

/** One execution (or replay) of a flow instance: the `FlowContext` its code sees. */
export class FlowRun implements FlowContext {
  readonly compensations: { step: string; undo: () => Promise<void> | void }[] = [];
  private readonly journal: Map<string, JournalEntry>;
  private readonly namesThisRun = new Set<string>();
  version: number;

  /**
   * @param persisted false for an instance not yet in storage: it is written with its first
   * durable state (first journaled step, a wait, or its end), so a one-pass flow costs one write.
   * @param traceparent the trace the run's effects (emitted events, delivery items) carry: the
   * flow run's span when tracing is on, otherwise the instance's own.
   */
  constructor(
    readonly instance: FlowInstance,
    private readonly deps: FlowRunDependencies,
    private persisted = true,
    readonly traceparent: string | null = instance.traceparent,
  ) {
    this.journal = new Map(instance.journal.map((entry) => [entry.step, entry]));
    this.version = instance.version;
  }

  get instanceId(): string {
    return this.instance.id;
  }
  get flow(): string {
    return this.instance.flow;
  }
  get key(): string {
    return this.instance.key;
  }
  get correlationId(): string {
    return this.instance.correlationId ?? this.instance.id;
  }
  private get origin(): EffectOrigin {
    return { flow: this.flow, instanceId: this.instanceId, correlationId: this.correlationId, traceparent: this.traceparent };
  }

  async step<T>(name: string, fn: () => Promise<T> | T, options: StepOptions<T> = {}): Promise<T> {
    this.claimName(name);
    const recorded = this.journal.get(name);
    if (recorded) {
      const result = recorded.result as T;
      if (options.compensate) this.compensations.push({ step: name, undo: () => options.compensate!(result) });
      return result;
    }
    const result = await this.deps.retryStep(fn);
    await this.record(name, result);
    if (options.compensate) this.compensations.push({ step: name, undo: () => options.compensate!(result) });
    return result;
  }

  async deliver(name: string, item: FlowDelivery, options: StepOptions<EnqueueOutcome> = {}): Promise<EnqueueOutcome> {
    const enqueue = async () => {
      const [outcome] = await this.deps.enqueue([flowDeliveryItem(this.origin, name, item)]);
      return outcome!;
    };
    if (item.kind !== 'command') return this.step(name, enqueue, options);
    // A command's idempotency key is its journal: enqueuing it again on replay is a no-op that
    // answers `duplicate`. (State updates are journaled: a newer one may have replaced their key.)
    this.claimName(name);
    const outcome = await this.deps.retryStep(enqueue);
    if (options.compensate) this.compensations.push({ step: name, undo: () => options.compensate!(outcome) });
    return outcome;
  }

  async emit(name: string, event: FlowEmit): Promise<void> {
    // Not journaled: the event id is derived from the instance and the step, so publishing it
    // again on replay is a duplicate the log ignores.
    this.claimName(name);
    await this.deps.retryStep(() => this.deps.bus.publish([flowEvent(this.origin, name, event, this.deps.clock())]));
  }

  async waitForEvent(name: string, options: { type: string; key?: string; timeoutMs?: number }): Promise<CloudEvent | null> {
    this.claimName(name);
    const recorded = this.journal.get(name);
    if (recorded) return (recorded.result as WaitResult).event;
    const key = options.key ?? this.instance.key;
    // The event may already be in the log (it arrived while this instance was parked).
    const early = await this.deps.bus.find({ subject: key, type: options.type, afterSeq: lastSeenSeq(this.instance, this.journal.values()), limit: 1 });
    if (early[0]) {
      const result: WaitResult = { seq: early[0].seq, event: early[0].event };
      await this.record(name, result);
      return result.event;
    }
    const deadline = options.timeoutMs === undefined ? null : this.deps.clock() + options.timeoutMs;
    throw new FlowSuspended({ step: name, eventType: options.type, key, deadline });
  }

  async sleep(name: string, ms: number): Promise<void> {
    this.claimName(name);
    if (this.journal.has(name)) return;
    throw new FlowSuspended({ step: name, eventType: TIMER_EVENT_TYPE, key: this.instance.id, deadline: this.deps.clock() + ms });
  }

  async raise(name: string, exception: FlowException): Promise<void> {
    await this.step(name, async () => {
      const id = await this.deps.storage.deadLetters.add({
        kind: 'flow',
        target: this.instance.flow,
        key: this.instance.key,
        ref: this.instance.id,
        error: { type: 'FlowException', message: exception.message, code: exception.code, retryable: false },
        context: { businessKey: this.instance.key, ...exception.context },
        correlationId: this.correlationId,
        createdAt: this.deps.clock(),
      });
      this.deps.raised?.({ code: exception.code, deadLetterId: id });
      return { deadLetterId: id };
    });
  }

  /** Journals a step result; the run's version moves on with it. */
  async record(step: string, result: unknown): Promise<void> {
    const entry: JournalEntry = { step, result: result === undefined ? null : result, at: this.deps.clock() };
    if (this.persisted) {
      this.version = await this.deps.storage.flows.appendJournal(this.instance.id, entry, this.version);
    } else {
      await this.createWith({ status: 'running', journal: [...this.journal.values(), entry] });
    }
    this.journal.set(step, entry);
  }

  /** Records where the run ended up: completed, waiting, failed or compensated. */
  async finish(state: { status: FlowStatus; waiting?: WaitCondition | null; error?: SerializedFailure | null }): Promise<void> {
    if (!this.persisted) {
      await this.createWith({ ...state, journal: [...this.journal.values()] });
      return;
    }
    this.version = await this.deps.storage.flows.update(this.instance.id, state, this.version, this.deps.clock());
  }

  private async createWith(state: Partial<Pick<FlowInstance, 'status' | 'waiting' | 'error' | 'journal'>>): Promise<void> {
    const { id, flow, key, input, correlationId, traceparent, createdAt } = this.instance;
    const created = await this.deps.storage.flows.create({ id, flow, key, input, correlationId, traceparent, createdAt, ...state });
    if (!created) throw new FlowVersionConflict(id, 0);
    this.persisted = true;
    this.version = 1;
  }

  claimName(name: string): void {
    if (this.namesThisRun.has(name)) {
      throw new PermanentError(`flow ${this.instance.flow} uses the step name "${name}" twice; step names must be unique`, {
        code: 'DUPLICATE_STEP_NAME',
        field: name,
      });
    }
    this.namesThisRun.add(name);
  }
}

/**
 * The log position up to which an instance has seen events: its trigger, and every event a
 * wait of it consumed. A wait only takes events after it, so one event never ends two waits.
 */
export function lastSeenSeq(instance: FlowInstance, journal: Iterable<JournalEntry> = instance.journal): number {
  let seq = (instance.input as { seq?: number } | null)?.seq ?? 0;
  for (const entry of journal) {
    const wait = entry.result as Partial<WaitResult> | null;
    if (wait && typeof wait === 'object' && typeof wait.seq === 'number' && wait.seq > seq) seq = wait.seq;
  }
  return seq;
}
