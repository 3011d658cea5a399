import { randomBytes } from 'node:crypto';
import { stringify } from 'yaml';
import { CONSOLE_UI_PREFIX, demoConsoleUsers, type ConsoleUser } from '../console/index.ts';
import type { SandboxDirectory } from '../sandboxes/run-all.ts';
import type { DemoSeed } from '../sandboxes/traffic/demo-data.ts';
import { initialLoadEvents } from './initial-load.ts';
import { subscribeShopify, subscribeWms } from './sandbox-installation.ts';
import { sandboxSystems } from './sandbox-systems.ts';

/**
 * A hub run as its own process (`crossdock start --config <file>`) against sandboxes started
 * elsewhere (`crossdock sandbox up --write-config <file> --hub-url <url>`, or a test): the
 * sandboxes' webhooks subscribed to the hub, the configuration file naming the sandboxes as the
 * installation's systems, and the ERP's day-one state sent to the hub once it answers.
 * `startSandboxInstallation` does the same in one process.
 */

/** A hub URL that cannot be used, named by the option or setting it came from. */
export class InvalidHubUrlError extends Error {
  constructor(
    readonly field: string,
    value: string,
    reason: string,
  ) {
    super(`${field} "${value}" ${reason}: give the hub's base URL, e.g. http://127.0.0.1:8080`);
    this.name = 'InvalidHubUrlError';
  }
}

/** The hub's base URL without a trailing slash; throws `InvalidHubUrlError` naming `field`. */
export function parseHubUrl(value: string, field = 'hubUrl'): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidHubUrlError(field, value, 'is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidHubUrlError(field, value, 'must start with http:// or https://');
  if (url.search || url.hash) throw new InvalidHubUrlError(field, value, 'must not carry a query or a fragment');
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}

const base = (hubUrl: string) => parseHubUrl(hubUrl).href.replace(/\/$/, '');

/**
 * Subscribes the sandboxes' webhooks to the hub: Shopify's order, customer and refund topics to
 * `<hub>/webhooks/commerce`, the WMS milestones, receipts and adjustments to `<hub>/webhooks/wms`.
 * Answers the WMS subscription's signing secret (the wms connector verifies with it).
 */
export async function subscribeSandboxesToHub(directory: SandboxDirectory, hubUrl: string): Promise<{ wmsWebhookSecret: string }> {
  const hub = base(hubUrl);
  await subscribeShopify(directory.shopify, `${hub}/webhooks/commerce`);
  return { wmsWebhookSecret: await subscribeWms(directory.wms, `${hub}/webhooks/wms`) };
}

export interface SandboxHubConfigOptions {
  directory: SandboxDirectory;
  /** The hub's base URL the webhooks were subscribed to; its port becomes `http.port`. */
  hubUrl: string;
  wmsWebhookSecret: string;
  /** The SQLite file of the hub (absolute, so the file works from any folder). */
  databasePath: string;
  /** How often the NetSuite and Salesforce delta pollers run; default 1 s. */
  pollEveryMs?: number;
  /** Environment variable holding the API key of `POST /events`, written as `${env:NAME}`; default none (no authentication). */
  apiKeyEnv?: string;
  /** The `console:` block (see `sandboxConsole`); default none: the hub serves its API only. */
  console?: SandboxConsole;
}

export interface SandboxConsole {
  users: ConsoleUser[];
  cookieSecret: string;
}

/**
 * A console for a hub against the sandboxes: the demo's users (`DEMO_CONSOLE_CREDENTIALS`, one per
 * role, their passwords hashed) and a cookie secret drawn afresh for each written file, so two
 * sandbox installations never accept each other's sessions.
 */
export async function sandboxConsole(): Promise<SandboxConsole> {
  // 32 random bytes: 43 base64url characters, above the console's 32-character minimum.
  return { users: await demoConsoleUsers(), cookieSecret: randomBytes(32).toString('base64url') };
}

/** Where the console of the hub at `hubUrl` is: `<hub>/console/`. */
export function consoleUrlOf(hubUrl: string): string {
  return `${base(hubUrl)}${CONSOLE_UI_PREFIX}`;
}

/**
 * The configuration of a hub running against these sandboxes: SQLite storage, the listening
 * port of the hub URL, the `systems:` block binding every retail role to its sandbox
 * (`sandboxSystems`), and the `console:` block when one is given (`sandboxConsole`). Returned as plain data, so a caller can add settings (delivery, log level)
 * before rendering it with `renderSandboxHubConfig`.
 *
 * @example
 * const { wmsWebhookSecret } = await subscribeSandboxesToHub(sandboxes.directory, 'http://127.0.0.1:8080');
 * const config = sandboxHubConfig({ directory: sandboxes.directory, hubUrl: 'http://127.0.0.1:8080', wmsWebhookSecret, databasePath: '/tmp/hub.sqlite' });
 * writeFileSync('crossdock.yaml', renderSandboxHubConfig(config));
 */
export function sandboxHubConfig(options: SandboxHubConfigOptions): Record<string, unknown> {
  const url = parseHubUrl(options.hubUrl);
  // The hub listens where the webhooks go, unless a proxy stands in between (https, no port).
  const listen = url.protocol === 'http:' && url.port !== '' ? { host: isLoopback(url.hostname) ? '127.0.0.1' : '0.0.0.0', port: Number(url.port) } : undefined;
  return {
    storage: { kind: 'sqlite', path: options.databasePath },
    ...(listen && { http: listen }),
    ...(options.apiKeyEnv && { inbound: { apiKeys: [`\${env:${options.apiKeyEnv}}`] } }),
    systems: sandboxSystems(options.directory, {
      wmsWebhookSecret: options.wmsWebhookSecret,
      ...(options.pollEveryMs !== undefined && { pollEveryMs: options.pollEveryMs }),
    }),
    ...(options.console && {
      console: {
        users: options.console.users.map((user) => ({ name: user.name, role: user.role, passwordHash: user.passwordHash })),
        cookieSecret: options.console.cookieSecret,
      },
    }),
  };
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname.startsWith('127.');
}

/** The configuration as YAML, headed by a comment saying where it came from and what it holds. */
export function renderSandboxHubConfig(config: Record<string, unknown>): string {
  const header = [
    '# Written by `crossdock sandbox up --write-config`: a hub against the local sandboxes.',
    '# The credentials below are the sandboxes\' own (not secrets of a real system), and the console',
    '# users are the demo\'s (`sandbox up` prints their sign-ins): never use them for real data.',
    '# The sandboxes keep their data in memory: with new sandboxes, start from a new database file too.',
    '# Run it with: crossdock start --config <this file>',
  ];
  return `${header.join('\n')}\n${stringify(config)}`;
}

/** Answers true once `GET <hub>/readyz` says ready, false when `signal` aborts first. */
export async function waitForHub(hubUrl: string, options: { signal?: AbortSignal; intervalMs?: number } = {}): Promise<boolean> {
  const readyz = `${base(hubUrl)}/readyz`;
  const intervalMs = options.intervalMs ?? 250;
  for (;;) {
    if (options.signal?.aborted) return false;
    try {
      const response = await fetch(readyz, { ...(options.signal && { signal: options.signal }) });
      await response.arrayBuffer();
      if (response.ok) return true;
    } catch {
      // Not listening yet (or restarting): ask again.
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, intervalMs);
      function done() {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', done);
        resolve();
      }
      options.signal?.addEventListener('abort', done, { once: true });
    });
  }
}

export interface SendInitialLoadOptions {
  hubUrl: string;
  catalogue: DemoSeed;
  /** Sent as `Authorization: Bearer <apiKey>` when the hub requires one. */
  apiKey?: string;
  /**
   * The time the day-one state is stamped with; the same `at` makes a repeated send a no-op
   * (the hub recognises the events by source and id), where a later one would look newer.
   */
  at: string;
}

/**
 * Sends the ERP's day-one state (products, prices, stock, customers: `initialLoadEvents`) to the
 * hub's `POST /events` as one CloudEvents batch, as `startSandboxInstallation` publishes it in
 * process. Answers how many events the hub took and how many it already had.
 */
export async function sendInitialLoad(options: SendInitialLoadOptions): Promise<{ accepted: number; duplicates: number }> {
  const events = initialLoadEvents(options.catalogue, { at: options.at });
  const response = await fetch(`${base(options.hubUrl)}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents-batch+json', ...(options.apiKey && { authorization: `Bearer ${options.apiKey}` }) },
    body: JSON.stringify(events),
  });
  const text = await response.text();
  if (response.status !== 202) throw new Error(`the hub refused the initial load (${events.length} events): ${response.status} ${text.slice(0, 300)}`);
  const accepted = (JSON.parse(text) as { accepted?: { duplicate: boolean }[] }).accepted ?? [];
  return { accepted: accepted.length, duplicates: accepted.filter((entry) => entry.duplicate).length };
}
