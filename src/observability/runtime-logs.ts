import type { FastifyBaseLogger } from 'fastify';
import { levels } from 'pino';
import type { DeliveryItem, WaitCondition } from '../ports/storage.ts';
import type { SerializedFailure } from '../runtime/errors.ts';
import type { FlowExceptionReport, FlowRunReport } from '../runtime/flows/engine.ts';
import type { Hub } from '../runtime/hub.ts';

/**
 * Logs what the runtime does with each change, from the flow and delivery engines' events: one
 * grep of a correlation id shows the flow runs it started and each delivery's outcome. Every
 * line about a change carries its `correlationId` with the flow or target, the operation and the
 * business key, never a payload (it holds personal data; the logger masks what it is given).
 *
 * Levels: a delivery that went through is `debug` (the hot path: one line per item would
 * double the log volume of a busy hub), a flow run that started is `debug` too; a completed or
 * waiting run and a throttle are `info`; a retry, a business exception raised and an opening
 * circuit `warn`; a dead letter, a failed run and an error the runtime survives `error`.
 *
 * @example
 * const stop = logHubActivity(hub, createLogger({ level: 'info' }));
 */
export function logHubActivity(hub: Pick<Hub, 'flows' | 'delivery'>, logger: FastifyBaseLogger): () => void {
  const debug = () => levelEnabled(logger, 'debug');
  // The correlation fields go into each line's own object rather than a child logger's bindings:
  // the same line, at half the cost (one masking pass, no child to build per line).
  const flowFields = (run: FlowRunReport) => ({ correlationId: run.correlationId, flow: run.flow, flowInstanceId: run.id, businessKey: run.key });
  const itemFields = (target: string, item: DeliveryItem) => ({
    ...(item.correlationId !== null && { correlationId: item.correlationId }),
    target,
    operation: item.operation,
    businessKey: item.key,
    deliveryItemId: item.id,
  });

  const listeners = {
    flows: {
      started: (run: FlowRunReport & { resumed: boolean }) => {
        if (debug()) logger.debug({ ...flowFields(run), resumed: run.resumed }, 'flow run started');
      },
      completed: (run: FlowRunReport) => logger.info({ ...flowFields(run), durationMs: run.durationMs }, 'flow run completed'),
      waiting: (run: FlowRunReport & { waiting: WaitCondition }) =>
        logger.info(
          {
            ...flowFields(run),
            durationMs: run.durationMs,
            step: run.waiting.step,
            waitingFor: run.waiting.eventType,
            ...(run.waiting.deadline !== null && { until: new Date(run.waiting.deadline).toISOString() }),
          },
          'flow run waiting',
        ),
      failed: (run: FlowRunReport & { error: SerializedFailure; status: string }) =>
        logger.error({ ...flowFields(run), durationMs: run.durationMs, outcome: run.status, failure: failureFields(run.error) }, 'flow run failed'),
      exception: (raised: FlowExceptionReport) => logger.warn({ ...flowFields(raised), code: raised.code, deadLetterId: raised.deadLetterId }, 'flow raised an exception'),
      'consumer-error': (error: unknown) => logger.error({ err: error }, 'the flows could not handle a batch of events; retrying'),
      'timer-error': ({ timer, error }: { timer: { flowId: string; step: string }; error: unknown }) =>
        logger.error({ err: error, flowInstanceId: timer.flowId, step: timer.step }, 'a flow timer could not be fired; it fires again after its lease'),
    },
    delivery: {
      delivered: (event: { target: string; items: DeliveryItem[]; latencyMs: number }) => {
        if (!debug()) return;
        for (const item of event.items) logger.debug({ ...itemFields(event.target, item), attempts: item.attempts, latencyMs: event.latencyMs }, 'delivered');
      },
      retried: (event: { target: string; item: DeliveryItem; error: SerializedFailure; delayMs: number }) =>
        logger.warn(
          { ...itemFields(event.target, event.item), attempts: event.item.attempts, retryInMs: event.delayMs, failure: failureFields(event.error) },
          'delivery failed; retrying',
        ),
      'dead-lettered': (event: { target: string; item: DeliveryItem; error: SerializedFailure; deadLetterId: number }) =>
        logger.error(
          { ...itemFields(event.target, event.item), attempts: event.item.attempts, deadLetterId: event.deadLetterId, failure: failureFields(event.error) },
          'delivery dead-lettered',
        ),
      // A throttle is the target's answer to a whole request: no one change to name.
      throttled: (event: { target: string; retryAfterMs: number }) => logger.info({ target: event.target, retryAfterMs: event.retryAfterMs }, 'target throttled; pausing'),
      circuit: (event: { target: string; state: string }) => {
        const line = { target: event.target, circuit: event.state };
        if (event.state === 'open' || event.state === 'isolated') logger.warn(line, 'circuit opened: requests to the target stop');
        else logger.info(line, `circuit ${event.state}`);
      },
    },
  };

  for (const [name, listener] of Object.entries(listeners.flows)) hub.flows.events.on(name, listener);
  for (const [name, listener] of Object.entries(listeners.delivery)) hub.delivery.events.on(name, listener);
  return () => {
    for (const [name, listener] of Object.entries(listeners.flows)) hub.flows.events.off(name, listener);
    for (const [name, listener] of Object.entries(listeners.delivery)) hub.delivery.events.off(name, listener);
  };
}

/** What a failure says, without `details` (a system's answer, which may echo the payload). */
function failureFields(failure: SerializedFailure): Record<string, unknown> {
  return {
    type: failure.type,
    message: failure.message,
    retryable: failure.retryable,
    ...(failure.code !== undefined && { code: failure.code }),
    ...(failure.field !== undefined && { field: failure.field }),
    ...(failure.system !== undefined && { system: failure.system }),
  };
}

/** Fastify's logger type has no `isLevelEnabled`; its `level` name is compared instead. */
function levelEnabled(logger: FastifyBaseLogger, level: 'debug'): boolean {
  const current = levels.values[logger.level];
  return current !== undefined && current <= levels.values[level]!;
}
