import type { FastifyInstance } from 'fastify';

/**
 * The shared shape of every sandbox (local emulator of a real system). Implemented in this
 * folder; used by `sandboxes/<system>/`. Each sandbox is a Fastify app on its own port with:
 * - fault injection (this file's `FaultConfig`), settable at start and at runtime through
 *   `PUT /__sandbox/faults`;
 * - `GET /__sandbox/state` (snapshot of its in-memory state), `POST /__sandbox/reset`,
 *   `GET /__sandbox/limits` (the limits in force and their use).
 * Admin routes are never subject to faults or limits.
 */
export interface LatencyDistribution {
  /** Median added latency in ms. */
  p50Ms: number;
  /** 99th percentile added latency in ms (log-normal between the two). */
  p99Ms: number;
}

export interface FaultConfig {
  latency?: LatencyDistribution;
  /** Probability (0..1) per request of answering with each status instead of serving it. */
  errorRates?: Partial<Record<500 | 503 | 429, number>>;
  /** Windows (ms since epoch) during which every request gets 503. */
  downtime?: { from: number; to: number }[];
  /** Probability (0..1) of a response held for `slowResponseMs` (past client timeouts). */
  slowRate?: number;
  slowResponseMs?: number;
  /** Webhook emitter faults. */
  webhooks?: WebhookFaults;
}

export interface WebhookFaults {
  /** Probability (0..1) that a delivery is sent twice. */
  duplicateRate?: number;
  /** Deliveries are shuffled within groups of this size (reordering). */
  reorderWindow?: number;
  /** Extra delay before each delivery, in ms. */
  delayMs?: number;
}

/** How a sandbox renders an injected failure in its own system's error format. */
export type ErrorRenderer = (status: 429 | 500 | 503, reason: 'injected' | 'downtime') => {
  body: unknown;
  headers?: Record<string, string>;
};

export interface SandboxOptions {
  name: string;
  faults?: FaultConfig;
  /** Seed for the fault dice and latency draws, so a test run is repeatable. */
  seed?: number;
  renderError: ErrorRenderer;
  /** Returns the sandbox's state for `GET /__sandbox/state`. */
  snapshot(): unknown;
  /** Clears the sandbox's state for `POST /__sandbox/reset`. */
  reset(): void;
  /** Returns limits and their current use for `GET /__sandbox/limits`. */
  limits?(): unknown;
  /** Clock for downtime windows; default `Date.now` (tests inject a fake one). */
  clock?: () => number;
  /** How injected latency waits; default a timer (tests may record the delay instead). */
  sleep?: (ms: number) => Promise<void>;
}

export interface FaultController {
  get(): FaultConfig;
  set(faults: FaultConfig): void;
}

export interface RunningSandbox {
  name: string;
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  app: FastifyInstance;
  faults: FaultController;
  close(): Promise<void>;
}
