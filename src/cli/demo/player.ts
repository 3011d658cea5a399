import type { CloudEvent } from '../../canonical/cloudevent.ts';
import type { Bus } from '../../ports/bus.ts';

export interface PlayerCounts {
  /** Events handed to the log, by either path. */
  published: number;
  /** Of which through `POST /events`, as a store's POS would send them. */
  viaHttp: number;
  /** HTTP requests the hub refused (should stay 0; the first reason is kept). */
  httpRefused: number;
  firstHttpError?: string;
}

export interface PlayerOptions {
  bus: Bus;
  /** Base URL of the hub's HTTP server, e.g. `http://127.0.0.1:40123`. */
  baseUrl: string;
  ratePerSecond: number;
  durationMs: number;
  nextEvent(sequence: number): CloudEvent;
  signal: AbortSignal;
  /** Every this-many ticks goes over HTTP instead of straight to the bus. */
  httpEvery?: number;
  /** Updated as events go out, so a progress display can read them while playing. */
  counts: PlayerCounts;
}

const TICK_MS = 100;

/**
 * Plays events at a steady rate: every tick it publishes what the rate owes so far, mostly
 * straight to the bus (as a connector would) and every few ticks as a CloudEvents batch over
 * HTTP (as a store system would). Stops after the duration or when the signal aborts.
 */
export async function playEvents(options: PlayerOptions): Promise<PlayerCounts> {
  const { counts } = options;
  const startedAt = Date.now();
  const httpEvery = options.httpEvery ?? 5;
  let tick = 0;
  let offered = 0;
  while (!options.signal.aborted) {
    const elapsed = Math.min(Date.now() - startedAt, options.durationMs);
    const owed = Math.floor((elapsed / 1000) * options.ratePerSecond) - offered;
    if (owed > 0) {
      const events = Array.from({ length: owed }, (_, index) => options.nextEvent(offered + index));
      offered += owed;
      if (tick % httpEvery === httpEvery - 1) {
        if (await postBatch(options.baseUrl, events, counts, options.signal)) counts.published += owed;
      } else {
        await options.bus.publish(events);
        counts.published += owed;
      }
    }
    if (elapsed >= options.durationMs) break;
    tick++;
    await sleep(TICK_MS, options.signal);
  }
  return counts;
}

/** True when the hub accepted the batch (202: persisted before the answer). */
async function postBatch(baseUrl: string, events: CloudEvent[], counts: PlayerCounts, signal: AbortSignal): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents-batch+json; charset=utf-8' },
      body: JSON.stringify(events),
      signal,
    });
    if (response.status === 202) {
      counts.viaHttp += events.length;
      return true;
    }
    counts.httpRefused++;
    counts.firstHttpError ??= `HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`;
  } catch (error) {
    if (signal.aborted) return false;
    counts.httpRefused++;
    counts.firstHttpError ??= (error as Error).message;
  }
  return false;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
