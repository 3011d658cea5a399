import { eventually } from '../../../../src/ports/conformance/harness.ts';
import { FLOW_TIMER_HORIZON_MS } from '../../../../src/assembly/sandbox-installation.ts';
import type { RunningSandboxes } from '../../../../src/sandboxes/run-all.ts';

/** What the hub's `GET /metrics` says about work left and work done. */
export interface HubActivity {
  /** Events logged but not yet read by the flows. */
  lag: number;
  /** Delivery items waiting (a retry later included) or in flight. */
  queued: number;
  /** Changes whenever a flow ran or a delivery finished, retried or died. */
  progress: string;
  /** When each poller (`poll:*` scheduled job) last finished a run, ms since epoch. */
  pollersFinishedAt: Record<string, number>;
  /** When the next flow timer fires, ms since epoch; undefined when none is armed. */
  nextFlowTimerAt: number | undefined;
}

/** Sum of the samples of one metric whose labels contain every given `label="value"`. */
export function sumMetric(text: string, name: string, labels: readonly string[] = []): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!labels.every((label) => line.includes(label))) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) sum += value;
  }
  return sum;
}

export async function hubActivity(hubUrl: string): Promise<HubActivity> {
  const response = await fetch(`${hubUrl}/metrics`);
  if (!response.ok) throw new Error(`GET ${hubUrl}/metrics answered ${response.status}`);
  const text = await response.text();
  const nextTimer = /^crossdock_flow_timer_next_fire_timestamp_seconds (\S+)$/m.exec(text);
  return {
    lag: sumMetric(text, 'crossdock_event_log_lag_events', ['consumer="flows"']),
    queued: sumMetric(text, 'crossdock_delivery_queue_depth', ['status="pending"']) + sumMetric(text, 'crossdock_delivery_queue_depth', ['status="in_flight"']),
    progress: [sumMetric(text, 'crossdock_flow_runs_total'), sumMetric(text, 'crossdock_delivery_items_total')].join('/'),
    nextFlowTimerAt: nextTimer && Number(nextTimer[1]) > 0 ? Number(nextTimer[1]) * 1000 : undefined,
    pollersFinishedAt: Object.fromEntries(
      [...text.matchAll(/^crossdock_scheduled_job_last_finished_timestamp_seconds\{job="(poll:[^"]+)"\} (\S+)$/gm)].map(([, job, seconds]) => [job!, Number(seconds) * 1000]),
    ),
  };
}

/** Longest wait per round for the sandboxes' webhook deliveries. */
const WEBHOOK_DRAIN_MS = 1_000;

/**
 * Waits until a hub running in another process has nothing left to do, judged from outside as
 * an operator would: for `calmForMs` (longer than a poller interval, so the pollers looked at
 * least once more) every sandbox webhook is delivered (retries included) and the hub's metrics
 * show no lag, no queued delivery, and no flow run or delivery outcome; and every poller finished
 * a run within that time (a poller that stopped — e.g. its run held by a killed process — is not
 * quiet, it is stuck). Throws on timeout with the last reading.
 */
export async function waitForQuietHub(options: { hubUrl: string; sandboxes: RunningSandboxes; calmForMs: number; timeoutMs: number }): Promise<void> {
  let calmSince: number | undefined;
  let previous: HubActivity | undefined;
  let lastReading = 'no reading yet';
  const quietNow = async (): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    // A webhook retry scheduled for later (the hub was down when it was sent) is work to come.
    const drained = await Promise.race([
      Promise.all([options.sandboxes.shopify.webhooks.emitter.drain(), options.sandboxes.wms.webhooks.drain()]).then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), WEBHOOK_DRAIN_MS))),
    ]);
    clearTimeout(timer);
    const now = await hubActivity(options.hubUrl);
    // A flow timer due soon (a flow re-checking a command, looking again for an order) is work to come.
    const timerSoon = now.nextFlowTimerAt !== undefined && now.nextFlowTimerAt < Date.now() + FLOW_TIMER_HORIZON_MS;
    const calm = drained && now.lag === 0 && now.queued === 0 && !timerSoon && now.progress === previous?.progress;
    previous = now;
    calmSince = calm ? (calmSince ?? Date.now()) : undefined;
    const behind = Object.entries(now.pollersFinishedAt).filter(([, at]) => calmSince === undefined || at < calmSince).map(([job]) => job);
    lastReading =
      `lag ${now.lag}, ${now.queued} deliveries queued or in flight, webhooks ${drained ? 'delivered' : 'still pending'}` +
      (behind.length > 0 ? `, pollers not run lately: ${behind.join(', ')}` : '') +
      (timerSoon ? `, a flow timer due at ${new Date(now.nextFlowTimerAt!).toISOString()}` : '');
    return calmSince !== undefined && Date.now() - calmSince >= options.calmForMs && behind.length === 0;
  };
  try {
    await eventually(quietNow, 'the hub to go quiet', options.timeoutMs);
  } catch {
    throw new Error(`the hub did not go quiet within ${options.timeoutMs} ms: ${lastReading}`);
  }
}
