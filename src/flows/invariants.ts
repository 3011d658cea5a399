import type { RecordStore, Storage } from '../ports/storage.ts';
import type { RunningSandboxes } from '../sandboxes/run-all.ts';
import type { FlowSettings } from './settings.ts';

/** What an invariant check may look at once the hub is quiet: the systems and the hub's own state. */
export interface InvariantContext {
  sandboxes: RunningSandboxes;
  records: RecordStore;
  storage: Storage;
  settings: FlowSettings;
}

/** One invariant's verdict, with small readable details (counts and a few offending keys). */
export interface InvariantResult {
  ok: boolean;
  details: unknown;
}

/** A flow module's invariants, by name (e.g. `orders.noneBookedTwice`). */
export type InvariantCheck = (context: InvariantContext) => Promise<Record<string, InvariantResult>>;

/** Runs every check; a check that throws is a failed invariant with the error as its details. */
export async function checkInvariants(checks: Readonly<Record<string, InvariantCheck>>, context: InvariantContext): Promise<Record<string, InvariantResult>> {
  const results: Record<string, InvariantResult> = {};
  for (const [module, check] of Object.entries(checks)) {
    try {
      Object.assign(results, await check(context));
    } catch (error) {
      results[`${module}.check`] = { ok: false, details: { error: error instanceof Error ? error.message : String(error) } };
    }
  }
  return results;
}
