import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../../src/adapters/sqlite/index.ts';
import { freePort } from '../../../src/assembly/free-port.ts';
import { renderSandboxHubConfig, sandboxHubConfig, sendInitialLoad, subscribeSandboxesToHub } from '../../../src/assembly/sandbox-hub-config.ts';
import { parseConfig } from '../../../src/config/load.ts';
import { eventually } from '../../../src/ports/conformance/harness.ts';
import { checkInvariants, retailInvariants } from '../../../src/flows/index.ts';
import { startAllSandboxes, type RunningSandboxes } from '../../../src/sandboxes/run-all.ts';
import { ActionKind, playTraffic, TrafficExecutor } from '../../../src/sandboxes/traffic/index.ts';
import { BURST_CATALOGUE, planRetailBurst, PROOF_RETURNS_SETTINGS } from './support/burst.ts';
import { exactlyOnceEffects, failedChecks } from './support/exactly-once.ts';
import { startHubProcess, type HubProcess } from './support/hub-process.ts';
import { hubActivity, waitForQuietHub } from './support/quiet.ts';
import { loggedSubjects, openExceptions, writeProofReport } from './support/report.ts';
import { quietAfterErpSettles } from './support/settle.ts';

/**
 * Issue 5's crash proof: the hub runs as its own process (`crossdock start --config`, what an
 * operator runs) against the sandboxes, a mixed retail burst plays, and the hub is killed with
 * SIGKILL three times mid-burst — no shutdown hook, no flush — and started again on the same
 * database each time. Once it is quiet, every invariant holds, nothing was booked, credited or
 * refunded twice, and every storefront order Shopify took while the hub was down reached it
 * (Shopify redelivers a webhook that was not answered).
 *
 * `PROOF_CRASH_ORDERS` sizes the burst (default 300). Measurements go to artifacts/proof/crash.json.
 */
const ORDERS = Number(process.env.PROOF_CRASH_ORDERS ?? 300);
const SEED = Number(process.env.PROOF_SEED ?? 11);
const RATE = 60;
const KILLS = 3;

const folder = mkdtempSync(join(tmpdir(), 'crossdock-crash-'));
let sandboxes: RunningSandboxes | undefined;
let hub: HubProcess | undefined;
afterAll(async () => {
  await hub?.kill();
  await sandboxes?.closeAll();
  if (!process.env.PROOF_KEEP) rmSync(folder, { recursive: true, force: true });
});

describe(`the hub killed (SIGKILL) ${KILLS} times during a retail burst of ${ORDERS} orders`, () => {
  it('resumes on the same database each time: every invariant holds and every effect happened exactly once', { timeout: 600_000 }, async () => {
    const startedAt = Date.now();
    // Shopify retries an unanswered webhook on its real schedule, 100 times faster (4 h → 144 s).
    sandboxes = await startAllSandboxes({ seed: SEED, latency: 'fast', webhookTimeScale: 0.01, catalogue: BURST_CATALOGUE, wmsRequestsPerSecond: 200 });
    const hubUrl = `http://127.0.0.1:${await freePort()}`;
    const databasePath = join(folder, 'crossdock.sqlite');
    const configFile = join(folder, 'crossdock.yaml');
    const { wmsWebhookSecret } = await subscribeSandboxesToHub(sandboxes.directory, hubUrl);
    const config = { ...sandboxHubConfig({ directory: sandboxes.directory, hubUrl, wmsWebhookSecret, databasePath, pollEveryMs: 250 }), flows: { returns: PROOF_RETURNS_SETTINGS }, log: { level: 'warn' } };
    writeFileSync(configFile, renderSandboxHubConfig(config));
    const start = () => startHubProcess({ configFile, hubUrl });

    hub = await start();
    await sendInitialLoad({ hubUrl, catalogue: BURST_CATALOGUE, at: new Date(startedAt).toISOString() });
    const quiet = () => quietAfterErpSettles({ quiet: () => waitForQuietHub({ hubUrl, sandboxes: sandboxes!, calmForMs: 1_500, timeoutMs: 240_000 }), sandboxes: sandboxes!, timeoutMs: 300_000 });
    await quiet();
    const ready = Date.now();

    const burst = planRetailBurst({ seed: SEED, orders: ORDERS, rate: RATE });
    let actionsPlayed = 0;
    const executor = new TrafficExecutor({ directory: sandboxes.directory, hub: { url: hubUrl }, runTag: `crash${SEED}`, onResult: () => void actionsPlayed++ });
    const playing = playTraffic({ actions: burst.actions, executor, maxInFlight: 16 });
    const hubOutputs: string[] = [];
    const kills: { atMs: number; actionsPlayed: number; lag: number; queued: number; downMs: number }[] = [];
    for (let kill = 1; kill <= KILLS; kill += 1) {
      // Mid-burst: once a quarter, a half, three quarters of the actions have played.
      const playedBefore = Math.floor((burst.actions.length * kill) / (KILLS + 1));
      await eventually(() => actionsPlayed >= playedBefore, `${playedBefore} actions played before kill ${kill}`, 120_000);
      const activity = await hubActivity(hubUrl);
      const killedAt = Date.now();
      await hub.kill();
      hubOutputs.push(hub.output());
      hub = await start();
      kills.push({ atMs: killedAt - ready, actionsPlayed, lag: activity.lag, queued: activity.queued, downMs: Date.now() - killedAt });
    }
    const traffic = await playing;
    const played = Date.now();
    await quiet();
    const settled = Date.now();

    // Judge from the hub's own database once it has stopped, and from the systems themselves.
    const last = hub;
    hub = undefined;
    expect(await last.stop()).toBe(0);
    hubOutputs.push(last.output());
    // What each run of the hub logged (warnings and errors): where to look when a check fails.
    writeProofReport('crash-hub.log', hubOutputs.map((output, run) => `=== run ${run + 1} ===\n${output}`).join('\n'));
    const settings = parseConfig({ text: renderSandboxHubConfig(config), file: configFile, env: {} }).flows;
    const adapters = await openSqlite({ path: databasePath });
    try {
      const { storage, bus } = adapters;
      const invariants = await checkInvariants(retailInvariants, { sandboxes, records: storage.records, storage, settings });
      const effects = await exactlyOnceEffects(sandboxes);
      const accepted = (kind: ActionKind) => traffic.byKind[kind]?.ok ?? 0;
      const ordersAccepted = { storefront: accepted(ActionKind.storefrontOrder), store: accepted(ActionKind.storeOrder), b2b: accepted(ActionKind.b2bOrder) };
      const ordersInHub = (await loggedSubjects(bus, 'retail.order.placed.v1')).size;
      const exceptions = await openExceptions(storage.deadLetters);
      writeProofReport('crash.json', {
        orders: { planned: burst.orders, acceptedBySource: ordersAccepted, reachedHub: ordersInHub },
        traffic: { actions: burst.actions.length, planDurationMs: burst.durationMs, outcomes: traffic.outcomes, byKind: traffic.byKind },
        kills,
        hub: {
          events: await bus.head(),
          openExceptions: exceptions.byReason,
          exceptionExamples: exceptions.examples,
          flowsWaiting: await storage.flows.count({ status: 'waiting' }),
          flowsFailed: await storage.flows.count({ status: 'failed' }),
          delivery: await storage.delivery.stats(),
        },
        durationsMs: { startAndLoad: ready - startedAt, playTraffic: played - ready, untilQuiet: settled - played, total: Date.now() - startedAt },
        invariants,
        effects,
      });

      expect(kills).toHaveLength(KILLS);
      // Storefront orders taken by Shopify while the hub was down were redelivered; POS orders
      // refused by the dead hub were not accepted by their source (the till keeps them).
      expect(ordersInHub).toBeGreaterThanOrEqual(ordersAccepted.storefront + ordersAccepted.store);
      expect(ordersInHub).toBeLessThanOrEqual(ordersAccepted.storefront + ordersAccepted.store + ordersAccepted.b2b);
      expect(await storage.flows.count({ status: 'failed' })).toBe(0);
      expect(failedChecks(invariants)).toEqual([]);
      expect(failedChecks(effects)).toEqual([]);
      expect(Object.keys(invariants).length).toBeGreaterThan(0);
    } finally {
      await adapters.close();
    }
  });
});
