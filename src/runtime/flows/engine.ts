import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import { EventEmitter } from 'node:events';
import type { CloudEvent } from '../../canonical/cloudevent.ts';
import type { Bus, LoggedEvent, Subscription } from '../../ports/bus.ts';
import { FlowVersionConflict, type EnqueueOutcome, type FlowInstance, type NewDeliveryItem, type Storage, type WaitCondition } from '../../ports/storage.ts';
import { inSpan, markFailed, type Span } from '../../observability/spans.ts';
import { CrossdockAttribute, FlowOutcome } from '../../observability/trace-attributes.ts';
import { traceparentOfSpan } from '../../observability/traceparent.ts';
import { isRetryable, PermanentError, toSerializedFailure, type SerializedFailure } from '../errors.ts';
import type { FlowDefinition } from './definition.ts';
import { flowRunSpan } from './flow-span.ts';
import { FlowRun, FlowSuspended, lastSeenSeq, TIMER_EVENT_TYPE, type WaitResult } from './run.ts';
import { StatelessRun } from './stateless-run.ts';

export interface FlowEngineOptions {
  bus: Bus;
  storage: Storage;
  /** Where `ctx.deliver` hands items: the delivery engine's `enqueue`. */
  enqueue(items: readonly NewDeliveryItem[]): Promise<EnqueueOutcome[]>;
  flows: readonly FlowDefinition[];
  clock?: () => number;
  /** Durable consumer name on the bus. */
  consumerName?: string;
  batchSize?: number;
  stepAttempts?: number;
  stepRetryDelayMs?: number;
  /** How often parked-then-retried and crash-orphaned instances are looked for. */
  recoveryPollMs?: number;
  timerPollMs?: number;
}

/**
 * What an instance stores about its trigger: the event's position in the log. The event itself
 * stays in the log (a copy per instance would double what every event costs to write).
 */
interface FlowInput {
  seq: number;
}

/**
 * What `events` says about a run of an instance ('started', 'completed', 'waiting', 'failed'),
 * for logs and metrics. `durationMs` is the run's own time, from its start or resume to its
 * outcome; a wait between runs is not in it.
 */
export interface FlowRunReport {
  id: string;
  flow: string;
  key: string;
  correlationId: string;
  durationMs?: number;
}

/** A business exception a run raised for an operator (`ctx.raise`), emitted as 'exception'. */
export interface FlowExceptionReport extends FlowRunReport {
  code: string;
  deadLetterId: number;
}

/**
 * Runs durable flows. It consumes the event log: an event of a type a flow `startsOn` creates
 * an instance (once per instance id) and runs it; an event an instance waits for resumes it.
 * Events of the same business key are handled one after another, different keys in parallel.
 * Timers resume sleeping and timed-out instances; instances interrupted by a crash, or put back
 * by an operator's retry, are resumed by the recovery loop.
 *
 * `events`: 'started', 'completed', 'waiting', 'failed' (a `FlowRunReport`), 'exception' (a
 * `FlowExceptionReport`), 'consumer-error' and 'timer-error'.
 */
export class FlowEngine {
  readonly events = new EventEmitter();
  private readonly definitions = new Map<string, FlowDefinition>();
  private readonly startersByType = new Map<string, FlowDefinition[]>();
  private readonly locks = new Map<string, Promise<void>>();
  private readonly clock: () => number;
  private readonly retryStep: <T>(fn: () => Promise<T> | T) => Promise<T>;
  private subscription: Subscription | undefined;
  private loops: Promise<void>[] = [];
  private running = false;
  /** Settles once the timer claims of a crashed process are freed (or at once: nothing to free). */
  private recovered: Promise<unknown> = Promise.resolve();
  private wakeTimers: (() => void) | undefined;

  constructor(private readonly options: FlowEngineOptions) {
    this.clock = options.clock ?? Date.now;
    this.events.setMaxListeners(0);
    for (const definition of options.flows) {
      if (this.definitions.has(definition.name)) throw new Error(`flow "${definition.name}" is defined twice`);
      this.definitions.set(definition.name, definition);
      for (const type of definition.startsOn) {
        this.startersByType.set(type, [...(this.startersByType.get(type) ?? []), definition]);
      }
    }
    const policy = retry(handleWhen(isRetryable), {
      maxAttempts: (options.stepAttempts ?? 3) - 1,
      backoff: new ExponentialBackoff({ initialDelay: options.stepRetryDelayMs ?? 200, maxDelay: 10_000 }),
    });
    this.retryStep = (fn) => policy.execute(() => fn());
  }

  /**
   * Starts consuming events and firing timers. `recoverTimerClaims` first frees the timers an
   * earlier process had claimed when it died, so they fire now rather than after their lease:
   * only safe when no other worker shares the storage (the embedded mode).
   */
  start(options: { recoverTimerClaims?: boolean } = {}): void {
    if (this.running) return;
    this.running = true;
    if (options.recoverTimerClaims) this.recovered = this.options.storage.timers.recover();
    this.subscription = this.options.bus.consume({
      name: this.options.consumerName ?? 'flows',
      batchSize: this.options.batchSize ?? 500,
      handle: (batch) => this.handleBatch(batch),
      onError: (error) => this.events.emit('consumer-error', error),
    });
    this.loops = [this.timerLoop(), this.recoveryLoop()];
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeTimers?.();
    await this.subscription?.stop();
    await Promise.all(this.loops);
    await Promise.all(this.locks.values());
  }

  /** Runs an instance now if it is `running` (used after an operator's retry, and in tests). */
  resume(id: string): Promise<void> {
    return this.withLock(id, () => this.execute(id));
  }

  private async handleBatch(batch: readonly LoggedEvent[]): Promise<void> {
    const byKey = new Map<string, LoggedEvent[]>();
    for (const entry of batch) {
      const key = entry.event.subject ?? `${entry.event.source}/${entry.event.id}`;
      byKey.set(key, [...(byKey.get(key) ?? []), entry]);
    }
    const waiting = await this.waitingFor(batch);
    await Promise.all(
      [...byKey.values()].map(async (entries) => {
        for (const entry of entries) await this.handleEvent(entry, waiting.get(waitKey(entry.event.type, entry.event.subject)) ?? []);
      }),
    );
  }

  /**
   * Instances waiting for any event of the batch, found with one query per event type rather than
   * one per event. An instance that starts waiting during the batch finds its event in the log
   * by itself (see `FlowRun.waitForEvent`).
   */
  private async waitingFor(batch: readonly LoggedEvent[]): Promise<Map<string, string[]>> {
    const subjectsByType = new Map<string, Set<string>>();
    for (const { event } of batch) {
      if (event.subject === undefined) continue;
      const subjects = subjectsByType.get(event.type) ?? new Set<string>();
      subjects.add(event.subject);
      subjectsByType.set(event.type, subjects);
    }
    const waiting = new Map<string, string[]>();
    for (const [type, subjects] of subjectsByType) {
      for (const instance of await this.options.storage.flows.findWaiting(type, [...subjects])) {
        const key = waitKey(type, instance.waiting!.key);
        waiting.set(key, [...(waiting.get(key) ?? []), instance.id]);
      }
    }
    return waiting;
  }

  private async handleEvent(entry: LoggedEvent, waitingIds: readonly string[]): Promise<void> {
    const { event, seq } = entry;
    for (const definition of this.startersByType.get(event.type) ?? []) {
      const id = definition.instanceId?.(event) ?? `${definition.name}:${event.source}:${event.id}`;
      if (definition.durable === false) {
        await this.runStateless(definition, id, event);
        continue;
      }
      await this.withLock(id, async () => {
        // Started before (a redelivery after a crash, or a second event for the same instance):
        // run what is left of it. Otherwise run a fresh instance, stored with its first state.
        const existing = await this.options.storage.flows.get(id);
        if (existing) return this.execute(id, { known: existing });
        const now = this.clock();
        await this.execute(id, {
          known: {
            id,
            flow: definition.name,
            key: definition.key?.(event) ?? event.subject ?? event.id,
            status: 'running',
            input: { seq } satisfies FlowInput,
            journal: [],
            waiting: null,
            correlationId: typeof event.correlationid === 'string' ? event.correlationid : event.id,
            traceparent: typeof event.traceparent === 'string' ? event.traceparent : null,
            error: null,
            createdAt: now,
            updatedAt: now,
            version: 0,
          },
          persisted: false,
          trigger: event,
        });
      });
    }
    for (const id of waitingIds) {
      await this.withLock(id, () => this.completeWait(id, { seq, event }));
    }
  }

  /** Journals the end of a wait (an event, or null on timeout) and runs the instance on. */
  private async completeWait(id: string, result: WaitResult, step?: string): Promise<void> {
    const { flows, timers } = this.options.storage;
    const instance = await flows.get(id);
    if (!instance || instance.status !== 'waiting' || !instance.waiting) return;
    if (step !== undefined && instance.waiting.step !== step) return;
    if (result.event !== null) {
      if (instance.waiting.eventType !== result.event.type || instance.waiting.key !== result.event.subject) return;
      // Already consumed by an earlier wait of this instance (found in the log by itself).
      if (result.seq !== null && result.seq <= lastSeenSeq(instance)) return;
    }
    const waitStep = instance.waiting.step;
    const now = this.clock();
    const version = await flows.appendJournal(id, { step: waitStep, result, at: now }, instance.version);
    await flows.update(id, { status: 'running', waiting: null }, version, now);
    if (instance.waiting.deadline !== null && result.event !== null) await timers.cancel(timerId(id, waitStep));
    await this.execute(id, { resumedBy: result.event?.traceparent });
  }

  /**
   * Ends a wait just stored with an event already in the log. The run looked into the log before
   * it suspended, but an event logged between that look and the write of the wait found no
   * instance waiting (the consumer matched it while the instance was still running): without a
   * second look the wait would last until its deadline. Called under the instance's lock.
   */
  private async completeWaitFromLog(id: string, waiting: WaitCondition): Promise<void> {
    const instance = await this.options.storage.flows.get(id);
    if (!instance || instance.status !== 'waiting') return;
    const [logged] = await this.options.bus.find({ subject: waiting.key, type: waiting.eventType, afterSeq: lastSeenSeq(instance), limit: 1 });
    if (logged) await this.completeWait(id, { seq: logged.seq, event: logged.event }, waiting.step);
  }

  /**
   * Runs an instance that is `running`, in a `flow <name>` span that continues the instance's
   * trace (and links the trace of the event that resumed it, if one did).
   * @param options.known the instance, when the caller has it; read from storage otherwise.
   * @param options.persisted false for an instance not yet in storage (see `FlowRun`).
   * @param options.trigger the event that started it, when at hand; read from the log otherwise.
   */
  private async execute(
    id: string,
    options: { known?: FlowInstance; persisted?: boolean; trigger?: CloudEvent; resumedBy?: string | undefined } = {},
  ): Promise<void> {
    const instance = options.known ?? (await this.options.storage.flows.get(id));
    if (!instance || instance.status !== 'running') return;
    const definition = this.definitions.get(instance.flow);
    if (!definition) return; // A flow removed from the configuration: left for an operator.
    await inSpan(
      () => flowRunSpan({ instance, eventType: options.trigger?.type, resumedBy: options.resumedBy }),
      async (span) => {
        const startedAt = this.clock();
        this.events.emit('started', { ...runReport(instance), resumed: options.persisted !== false });
        const outcome = await this.runInstance(instance, definition, options.persisted ?? true, options.trigger, span, startedAt);
        span?.setAttribute(CrossdockAttribute.flowOutcome, outcome);
      },
    );
  }

  private async runInstance(
    instance: FlowInstance,
    definition: FlowDefinition,
    persisted: boolean,
    trigger: CloudEvent | undefined,
    span: Span | undefined,
    startedAt: number,
  ): Promise<FlowOutcome> {
    const { id } = instance;
    const run = new FlowRun(
      instance,
      {
        storage: this.options.storage,
        bus: this.options.bus,
        enqueue: this.options.enqueue,
        clock: this.clock,
        retryStep: this.retryStep,
        raised: (raised) => this.events.emit('exception', { ...runReport(instance), ...raised } satisfies FlowExceptionReport),
      },
      persisted,
      // What the run emits and delivers continues the flow span, so the trace goes on from it.
      (span && traceparentOfSpan(span)) ?? instance.traceparent,
    );
    const { timers } = this.options.storage;
    try {
      const event = trigger ?? (await this.triggerOf(instance));
      span?.setAttribute(CrossdockAttribute.eventType, event.type);
      await definition.run(run, event);
      await run.finish({ status: 'completed' });
      this.events.emit('completed', { ...runReport(instance), durationMs: this.clock() - startedAt } satisfies FlowRunReport);
      return FlowOutcome.completed;
    } catch (error) {
      if (error instanceof FlowSuspended) {
        // The timer first: a crash in between leaves a timer that finds nothing waiting (and
        // does nothing), never a wait without its timer.
        if (error.waiting.deadline !== null) {
          await timers.arm({ id: timerId(id, error.waiting.step), flowId: id, step: error.waiting.step, fireAt: error.waiting.deadline });
        }
        await run.finish({ status: 'waiting', waiting: error.waiting });
        if (error.waiting.deadline !== null) this.wakeTimers?.();
        this.events.emit('waiting', { ...runReport(instance), durationMs: this.clock() - startedAt, waiting: error.waiting });
        if (error.waiting.eventType !== TIMER_EVENT_TYPE) await this.completeWaitFromLog(id, error.waiting);
        return FlowOutcome.waiting;
      }
      if (error instanceof FlowVersionConflict) return FlowOutcome.superseded; // another runner moved on
      const failure = await this.fail(instance, run, error, startedAt);
      if (span) markFailed(span, failure.type, error);
      return failure.status;
    }
  }

  private async runStateless(definition: FlowDefinition, id: string, event: CloudEvent): Promise<void> {
    const key = definition.key?.(event) ?? event.subject ?? event.id;
    const correlationId = typeof event.correlationid === 'string' ? event.correlationid : event.id;
    const traceparent = typeof event.traceparent === 'string' ? event.traceparent : null;
    const report: FlowRunReport = { id, flow: definition.name, key, correlationId };
    await inSpan(
      () => flowRunSpan({ instance: { id, flow: definition.name, key, correlationId, traceparent }, eventType: event.type }),
      async (span) => {
        const startedAt = this.clock();
        this.events.emit('started', { ...report, resumed: false });
        const run = new StatelessRun(
          definition.name,
          id,
          key,
          event,
          {
            bus: this.options.bus,
            enqueue: this.options.enqueue,
            clock: this.clock,
            raise: async (exception, origin) => {
              const deadLetterId = await this.recordStatelessFailure(origin, exception.code, exception.message, exception.context ?? {});
              this.events.emit('exception', { ...report, code: exception.code, deadLetterId } satisfies FlowExceptionReport);
            },
          },
          span && traceparentOfSpan(span),
        );
        try {
          await this.retryStep(() => definition.run(run, event));
          this.events.emit('completed', { ...report, durationMs: this.clock() - startedAt } satisfies FlowRunReport);
          span?.setAttribute(CrossdockAttribute.flowOutcome, FlowOutcome.completed);
        } catch (error) {
          const failure = toSerializedFailure(error);
          // Infrastructure trouble: fail the batch so the log hands it over again later.
          if (failure.retryable) throw error;
          // A redelivery would fail the same way: record it for an operator and move on.
          await this.recordStatelessFailure(run, failure.code ?? failure.type, failure.message, { error: failure });
          this.events.emit('failed', { ...report, durationMs: this.clock() - startedAt, error: failure, status: 'failed' });
          if (span) markFailed(span, failure.type, error);
          span?.setAttribute(CrossdockAttribute.flowOutcome, FlowOutcome.failed);
        }
      },
    );
  }

  private async recordStatelessFailure(run: StatelessRun, code: string, message: string, context: Record<string, unknown>): Promise<number> {
    return this.options.storage.deadLetters.add({
      kind: 'flow',
      target: run.flow,
      key: run.key,
      ref: run.instanceId,
      error: { type: 'FlowException', message, code, retryable: false },
      context: { businessKey: run.key, flow: run.flow, stateless: true, ...context },
      correlationId: run.correlationId,
      createdAt: this.clock(),
    });
  }

  /** The event that started an instance, read back from the log by its position. */
  private async triggerOf(instance: FlowInstance): Promise<CloudEvent> {
    const { seq } = instance.input as FlowInput;
    const [entry] = await this.options.bus.find({ afterSeq: seq - 1, limit: 1 });
    if (!entry || entry.seq !== seq) {
      throw new PermanentError(`the event that started flow ${instance.id} (log position ${seq}) is no longer in the event log`, {
        code: 'TRIGGER_EVENT_MISSING',
        field: 'input.seq',
      });
    }
    return entry.event;
  }

  private async fail(
    instance: FlowInstance,
    run: FlowRun,
    error: unknown,
    startedAt: number,
  ): Promise<SerializedFailure & { status: 'failed' | 'compensated' }> {
    const failure = toSerializedFailure(error);
    let status: 'failed' | 'compensated' = 'failed';
    if (!failure.retryable && run.compensations.length > 0) {
      // Undo what was done, newest first; each undo is itself a journaled step.
      for (const compensation of [...run.compensations].reverse()) {
        await run.step(`compensate:${compensation.step}`, async () => {
          await compensation.undo();
          return null;
        });
      }
      status = 'compensated';
    }
    const now = this.clock();
    await run.finish({ status, error: failure });
    await this.options.storage.deadLetters.add({
      kind: 'flow',
      target: instance.flow,
      key: instance.key,
      ref: instance.id,
      error: failure,
      context: { businessKey: instance.key, flow: instance.flow, outcome: status },
      correlationId: instance.correlationId,
      createdAt: now,
    });
    this.events.emit('failed', { ...runReport(instance), durationMs: this.clock() - startedAt, error: failure, status });
    return { ...failure, status };
  }

  private withLock(id: string, work: () => Promise<void>): Promise<void> {
    const previous = this.locks.get(id) ?? Promise.resolve();
    const next = previous.then(work, work);
    // The caller handles `next`'s failure; the lock only orders the work, so its own copy never
    // rejects (an unhandled rejection would take the whole process down).
    const tracked = next
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        if (this.locks.get(id) === tracked) this.locks.delete(id);
      });
    this.locks.set(id, tracked);
    return next;
  }

  private async timerLoop(): Promise<void> {
    const { timers } = this.options.storage;
    await this.recovered;
    while (this.running) {
      const due = await timers.claimDue({ now: this.clock(), limit: 100, leaseMs: 60_000 });
      for (const timer of due) {
        try {
          await this.withLock(timer.flowId, () => this.completeWait(timer.flowId, { seq: null, event: null }, timer.step));
          await timers.done(timer.id);
        } catch (error) {
          // One timer's failure (a storage conflict, a run that threw) must not stop every other
          // timer: it stays claimed and fires again once its lease has run out.
          this.events.emit('timer-error', { timer, error });
        }
      }
      if (due.length > 0) continue;
      const next = await timers.nextFireAt();
      const pollMs = this.options.timerPollMs ?? 1_000;
      await this.pause(next === undefined ? pollMs : Math.min(pollMs, Math.max(0, next - this.clock())));
    }
  }

  private async recoveryLoop(): Promise<void> {
    while (this.running) {
      const orphans = await this.options.storage.flows.unfinished(100);
      for (const instance of orphans) {
        if (!this.locks.has(instance.id)) await this.resume(instance.id);
      }
      await this.pause(this.options.recoveryPollMs ?? 2_000);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const previous = this.wakeTimers;
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeTimers = () => {
        previous?.();
        done();
      };
    });
  }
}

function runReport(instance: FlowInstance): FlowRunReport {
  return { id: instance.id, flow: instance.flow, key: instance.key, correlationId: instance.correlationId ?? instance.id };
}

function waitKey(type: string, subject: string | undefined): string {
  return `${type}\u0000${subject ?? ''}`;
}

function timerId(instanceId: string, step: string): string {
  return `${instanceId}#${step}`;
}
