import { Type, type Static } from '@sinclair/typebox';
import type { Hub, HubOptions } from '../../runtime/hub.ts';
import { systemTitle } from '../exceptions/describe.ts';
import type { CircuitHistory } from './circuits.ts';
import { flowFreshness } from './freshness.ts';
import { PanelStatus, type HealthPanelRegistry } from './panels.ts';
import { QuotaOrigin, QuotaStatus, targetQuota } from './quota.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const HealthSchema = Type.Object(
  {
    at: Type.Number(),
    targets: Type.Array(
      Type.Object({
        target: Type.String(),
        displayName: Type.String(),
        circuit: Type.String({ description: 'closed, open, half-open or isolated' }),
        circuitSince: Nullable(Type.Number({ description: 'When the circuit entered its state; null when it has not changed since this process started.' })),
        quota: Nullable(
          Type.Object(
            {
              name: Type.String({ description: 'e.g. DailyApiRequests, graphqlCostPoints, concurrency, or the budget window ("requests per 24 h")' }),
              used: Type.Number(),
              limit: Type.Number(),
              percent: Nullable(Type.Number()),
              status: Type.Enum(QuotaStatus, { description: 'warning from 80 %, critical from 95 %' }),
              source: Type.String({ description: 'Where the figure came from' }),
              origin: Type.Enum(QuotaOrigin, { description: "connector: the system's own figure; budget: the hub's request window (fallback)" }),
            },
            { description: "The system's quota as its connector reports it, else the delivery budget's request window" },
          ),
        ),
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
    freshness: Type.Object({
      flows: Type.Array(
        Type.Object({
          flow: Type.String(),
          lastHandledAt: Nullable(Type.Number()),
          lastHandledAgeMs: Nullable(Type.Number()),
          lastDeliveredAt: Nullable(Type.Number()),
          lastDeliveredAgeMs: Nullable(Type.Number()),
        }),
      ),
    }),
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

/**
 * What the Health page reads: a `Hub`, or anything with its delivery engine, storage and bus.
 * With the hub's `options`, its connectors' own quota reports and its flows' names are shown too.
 */
export type HealthHub = Pick<Hub, 'delivery' | 'storage' | 'bus'> & { readonly options?: Partial<Pick<HubOptions, 'targets' | 'flows'>> };

/** Business areas in the order the page shows them; panels of other areas follow, by name. */
export const BUSINESS_AREAS = ['orders', 'shipments', 'returns', 'inventory', 'customers'] as const;

function areaRank(area: string): number {
  const index = (BUSINESS_AREAS as readonly string[]).indexOf(area);
  return index === -1 ? BUSINESS_AREAS.length : index;
}

/**
 * The Health page's data: every registered business panel (ordered by business area), data
 * freshness per flow, then per target its circuit (and since when), its quota as the system
 * reports it, concurrency and queue; event-log lag per consumer; open exceptions; waiting and
 * failed flows.
 */
export async function buildHealth(
  hub: HealthHub,
  options: { consumers: readonly string[]; panels: HealthPanelRegistry; now: number; circuits?: CircuitHistory | undefined },
): Promise<Health> {
  const { storage, bus } = hub;
  const { now } = options;
  const configuredFlows = hub.options?.flows?.map((flow) => flow.name);
  const [stats, head, open, waiting, failed, freshFlows] = await Promise.all([
    storage.delivery.stats(),
    bus.head(),
    storage.deadLetters.count({ status: 'open' }),
    storage.flows.count({ status: 'waiting' }),
    storage.flows.count({ status: 'failed' }),
    flowFreshness(storage, { flows: configuredFlows, now }),
  ]);
  const statsByTarget = new Map(stats.map((row) => [row.target, row]));
  const connectors = new Map((hub.options?.targets ?? []).map((target) => [target.name, target]));
  const targets = hub.delivery.status().map((status) => {
    const row = statsByTarget.get(status.target);
    const budget = status.budget;
    const connector = connectors.get(status.target);
    return {
      target: status.target,
      displayName: systemTitle(status.target),
      circuit: status.circuit,
      circuitSince: options.circuits?.since(status.target, status.circuit) ?? null,
      quota: targetQuota({ connector, budget, declared: connector?.budget }),
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
  // Stable: panels of one area keep the order they were registered in.
  const ordered = options.panels.list().sort((a, b) => areaRank(a.area) - areaRank(b.area) || a.area.localeCompare(b.area));
  const panels = await Promise.all(
    ordered.map(async (panel) => {
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
    freshness: { flows: freshFlows },
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
