import { eventually } from '../../../../src/ports/conformance/harness.ts';
import type { RunningSandboxes } from '../../../../src/sandboxes/run-all.ts';

/**
 * NetSuite's delta pollers leave rows changed in the last 5 s (`settleSeconds`, by the server's
 * clock, in whole seconds) for a later poll, so a change made at the very end of a burst is read
 * up to ~7 s later. A hub that looks quiet before then has simply not been told yet.
 */
export const ERP_POLLER_SETTLE_MS = 7_000;

/** The newest change in the NetSuite sandbox (any record, item stock per location included), ms since epoch. */
export function latestErpChange(sandboxes: RunningSandboxes): number {
  return sandboxes.netsuite.records.store.lastChangedAt();
}

/**
 * Waits for a quiet hub that has also had the chance to read every ERP change: quiet, then, if
 * the ERP changed within the pollers' settle window, wait for the window to pass and ask again
 * (what the pollers read then may start more work). For a hub in its own process; in process,
 * `world.quiet({ erpSettleMs })` does the same.
 */
export async function quietAfterErpSettles(options: { quiet: () => Promise<void>; sandboxes: RunningSandboxes; timeoutMs: number }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    await options.quiet();
    const settledAt = latestErpChange(options.sandboxes) + ERP_POLLER_SETTLE_MS;
    if (Date.now() >= settledAt) return;
    if (settledAt > deadline) throw new Error('the ERP kept changing until the deadline: the hub cannot have read every change');
    await eventually(() => Date.now() >= settledAt, "the ERP pollers' settle window", settledAt - Date.now() + 1_000);
  }
}
