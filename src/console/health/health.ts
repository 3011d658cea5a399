import { Type, type Static } from '@sinclair/typebox';
import type { Hub } from '../../runtime/hub.ts';
import { systemTitle } from '../exceptions/describe.ts';
import { PanelStatus, type HealthPanelRegistry } from './panels.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const HealthSchema = Type.Object(
  {
    at: Type.Number(),
    targets: Type.Array(
      Type.Object({
        target: Type.String(),
        displayName: Type.String(),
        circuit: Type.String({ description: 'closed, open, half-open or isolated' }),
        quota: Nullable(Type.Object({ used: Type.Number(), limit: Type.Number() })),
        costPoints: Nullable(Type.Object({ available: Type.Number(), capacity: Type.Number() })),
        concurrency: Type.Object({ inFlight: Type.Number(), effective: Type.Number(), limit: Type.Number() }),
        pausedUntil: Nullable(Type.Number()),
        throttledResponses: Type.Number(),
        queue: Type.Object({ pending: Type.Number(), inFlight: Type.Number(), dead: Type.Number(), oldestPendingAgeMs: Nullable(Type.Number()) }),
      }),
    ),
    eventLog: Type.Object({ head: Type.Number(), consumers: Type.Array(Type.Object({ name: Type.String(), position: Type.Number(), lag: Type.Number() })) }),
    exceptions: Type.Object({ open: Type.Number() }),
    flows: Type.Object({ waiting: Type.Number(), failed: Type.Number(), atLeast: Type.Boolean({ description: 'True when counting stopped at its limit.' }) }),
    panels: Type.Array(
      Type.Object({
        id: Type.String(),
        title: Type.String(),
        area: Type.String(),
        status: Type.Enum(PanelStatus),
        value: Nullable(Type.Number()),
        atLeast: Type.Boolean(),
        summary: Type.String(),
        items: Type.Array(Type.Object({ businessKey: Type.String(), detail: Type.String(), since: Nullable(Type.Number()) })),
      }),
    ),
  },
  { $id: 'ConsoleHealth' },
);
export type Health = Static<typeof HealthSchema>;

/** A panel that has not answered by then is shown as unknown rather than holding the page. */
const PANEL_TIMEOUT_MS = 3_000;

export type HealthHub = Pick<Hub, 'delivery' | 'storage' | 'bus'>;

/**
 * The Health page's data: per target circuit, quota, concurrency and queue; event-log lag per
 * consumer; open exceptions; waiting and failed flows; then every registered business panel.
 */
export async function buildHealth(hub: HealthHub, options: { consumers: readonly string[]; panels: HealthPanelRegistry; now: number }): Promise<Health> {
  const { storage, bus } = hub;
  const { now } = options;
  const [stats, head, open, waiting, failed] = await Promise.all([
    storage.delivery.stats(),
    bus.head(),
    storage.deadLetters.count({ status: 'open' }),
    storage.flows.count({ status: 'waiting' }),
    storage.flows.count({ status: 'failed' }),
  ]);
  const statsByTarget = new Map(stats.map((row) => [row.target, row]));
  const targets = hub.delivery.status().map((status) => {
    const row = statsByTarget.get(status.target);
    const budget = status.budget;
    return {
      target: status.target,
      displayName: systemTitle(status.target),
      circuit: status.circuit,
      quota: budget.requestsUsed !== null && budget.requestsLimit !== null ? { used: budget.requestsUsed, limit: budget.requestsLimit } : null,
      costPoints: budget.costAvailable !== null && budget.costCapacity !== null ? { available: budget.costAvailable, capacity: budget.costCapacity } : null,
      concurrency: { inFlight: budget.inFlight, effective: budget.effectiveConcurrency, limit: budget.concurrencyLimit },
      pausedUntil: budget.pausedUntil !== null && budget.pausedUntil > now ? budget.pausedUntil : null,
      throttledResponses: budget.throttledResponses,
      queue: {
        pending: row?.pending ?? 0,
        inFlight: row?.inFlight ?? 0,
        dead: row?.dead ?? 0,
        oldestPendingAgeMs: row?.oldestPendingAt != null ? Math.max(0, now - row.oldestPendingAt) : null,
      },
    };
  });
  const consumers = await Promise.all(
    options.consumers.map(async (name) => {
      const position = await bus.position(name);
      return { name, position, lag: Math.max(0, head - position) };
    }),
  );
  const panels = await Promise.all(
    options.panels.list().map(async (panel) => {
      try {
        const result = await withTimeout(panel.evaluate({ storage, bus, now }), PANEL_TIMEOUT_MS);
        return { id: panel.id, title: panel.title, area: panel.area, status: result.status, value: result.value, atLeast: result.atLeast ?? false, summary: result.summary, items: (result.items ?? []).slice(0, 20) };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return { id: panel.id, title: panel.title, area: panel.area, status: PanelStatus.unknown, value: null, atLeast: false, summary: `could not be evaluated: ${reason}`, items: [] };
      }
    }),
  );
  return {
    at: now,
    targets,
    eventLog: { head, consumers },
    exceptions: { open },
    flows: { waiting, failed, atLeast: false },
    panels,
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
