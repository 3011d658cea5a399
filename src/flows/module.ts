import type { DeadLetterStore, DeliveryStore, RecordStore } from '../ports/storage.ts';
import type { FlowDefinition } from '../runtime/flows/definition.ts';
import type { ScheduledJob } from '../runtime/scheduler/scheduler.ts';
import type { HealthPanel } from '../console/health/panels.ts';
import type { Ownership } from './ownership.ts';
import type { FlowSettings } from './settings.ts';

/**
 * What every retail flow module is given. Flows address systems by role (`erp`, `crm`,
 * `commerce`, `wms`, `payments`) and never import a connector.
 */
export interface RetailFlowDependencies {
  /** The hub's read models (products, prices, stock, customers, orders...). */
  records: RecordStore;
  settings: FlowSettings;
  ownership: Ownership;
  /**
   * Role → system name (`erp` → `netsuite`), from the configuration. Canonical entities name
   * the system a change came from (`sourceSystem`); this tells which role that is.
   */
  systems: Readonly<Record<string, string>>;
  clock: () => number;
  /**
   * The exceptions (dead letters) store, for flows that close their own exceptions: an "awaiting
   * ERP booking" resolved when the booking arrives late, a hold closed when the order is
   * cancelled. Optional: a flow without it leaves its exceptions to the operator.
   */
  deadLetters?: Pick<DeadLetterStore, 'list' | 'count' | 'act'>;
  /**
   * What became of the items a flow handed to `ctx.deliver` (by the id `ctx.deliver` answers):
   * delivered with the target's id, or dead. Read-only. For a flow that must act on a command's
   * result, e.g. returns refund only once the credit memo is in the ERP. Optional: flows that
   * do not need it run without.
   */
  deliveries?: DeliveryOutcomes;
}

/** Read access to delivery outcomes (`storage.delivery` satisfies it). */
export type DeliveryOutcomes = Pick<DeliveryStore, 'get'>;

/** One retail workflow's contribution to the hub: flows, scheduled jobs, console panels. */
export interface RetailFlowModule {
  name: string;
  flows: FlowDefinition[];
  jobs?: ScheduledJob[];
  healthPanels?: HealthPanel[];
  /** Business counts for the demo report, e.g. `{ 'orders.captured': 120, 'orders.booked': 118 }`. */
  report?(): Promise<Record<string, number>>;
}

/** The role a system name plays here, e.g. `netsuite` → `erp`; undefined for an unknown system. */
export function roleOfSystem(systems: Readonly<Record<string, string>>, system: string | undefined): string | undefined {
  if (system === undefined) return undefined;
  for (const [role, name] of Object.entries(systems)) if (name === system) return role;
  return undefined;
}
