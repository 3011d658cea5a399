import type { CloudEvent } from '../../canonical/cloudevent.ts';
import type { Bus } from '../../ports/bus.ts';
import type { EnqueueOutcome, NewDeliveryItem } from '../../ports/storage.ts';
import { PermanentError } from '../errors.ts';
import type { FlowContext, FlowDelivery, FlowEmit, FlowException, StepOptions } from './definition.ts';
import { flowDeliveryItem, flowEvent } from './effects.ts';

/**
 * The context of a stateless flow (`durable: false`): a one-pass mapping from an event to
 * deliveries and events, such as inventory sync. Nothing is journaled; the event log's
 * redelivery is the retry, and every effect is keyed by the event, so running it twice after a
 * crash enqueues and emits nothing twice. Waiting and sleeping need state, so they are refused.
 */
export class StatelessRun implements FlowContext {
  readonly traceparent: string | null;
  readonly correlationId: string;

  constructor(
    readonly flow: string,
    readonly instanceId: string,
    readonly key: string,
    event: CloudEvent,
    private readonly deps: { bus: Bus; enqueue(items: readonly NewDeliveryItem[]): Promise<EnqueueOutcome[]>; clock: () => number; raise(exception: FlowException, run: StatelessRun): Promise<void> },
    /** The flow run's span when tracing is on: what its effects carry instead of the event's trace. */
    traceparent?: string,
  ) {
    this.correlationId = typeof event.correlationid === 'string' ? event.correlationid : event.id;
    this.traceparent = traceparent ?? (typeof event.traceparent === 'string' ? event.traceparent : null);
  }

  async step<T>(_name: string, fn: () => Promise<T> | T, _options?: StepOptions<T>): Promise<T> {
    return fn();
  }

  async deliver(name: string, item: FlowDelivery): Promise<EnqueueOutcome> {
    const [outcome] = await this.deps.enqueue([flowDeliveryItem(this, name, item)]);
    return outcome!;
  }

  async emit(name: string, event: FlowEmit): Promise<void> {
    await this.deps.bus.publish([flowEvent(this, name, event, this.deps.clock())]);
  }

  waitForEvent(name: string): Promise<CloudEvent | null> {
    return Promise.reject(this.needsState('waitForEvent', name));
  }

  sleep(name: string): Promise<void> {
    return Promise.reject(this.needsState('sleep', name));
  }

  raise(_name: string, exception: FlowException): Promise<void> {
    return this.deps.raise(exception, this);
  }

  private needsState(what: string, name: string): PermanentError {
    return new PermanentError(`flow ${this.flow} is stateless (durable: false) and cannot ${what} ("${name}"); make it durable`, {
      code: 'STATELESS_FLOW',
      field: name,
    });
  }
}
