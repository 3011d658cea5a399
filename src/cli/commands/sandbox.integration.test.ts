import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually } from '../../ports/conformance/harness.ts';
import { CommandContext } from '../context.ts';
import { runCli } from '../main.ts';
import { bufferedIo } from '../testing.ts';
import { sandboxUp } from './sandbox.ts';

const urlOf = (output: string, system: string) => new RegExp(`^${system}\\s+(http://\\S+)`, 'm').exec(output)?.[1];

describe('crossdock sandbox up', () => {
  it('prints system, URL, credentials and admin routes, serves until stopped, then stops cleanly', async () => {
    const stop = new AbortController();
    const io = bufferedIo({}, stop.signal);
    const running = runCli(['sandbox', 'up', '--fast', '--seed', '42'], io);

    await eventually(() => io.output().includes('press Ctrl-C to stop'), 'sandboxes up');
    const output = io.output();
    expect(output).toMatch(/^SYSTEM\s+URL\s+CREDENTIALS\s+ADMIN ROUTES$/m);
    for (const system of ['salesforce', 'netsuite', 'shopify', 'wms', 'payments']) expect(urlOf(output, system), system).toBeDefined();
    expect(output).toContain('client_id=crossdock-sandbox');
    expect(output).toContain('X-Shopify-Access-Token: shpat_crossdock_sandbox');
    expect(output).toContain('POST /__sandbox/shopify/orders');

    const shopifyUrl = urlOf(output, 'shopify') ?? '';
    const state = (await (await fetch(`${shopifyUrl}/__sandbox/state`)).json()) as { productVariants: { sku: string }[] };
    expect(state.productVariants.map((variant) => variant.sku)).toContain('TRAIL-RUNNER-42-BLU');

    stop.abort();
    expect(await running).toBe(0);
    expect(io.output().trim().endsWith('stopped')).toBe(true);
    await expect(fetch(`${shopifyUrl}/__sandbox/state`)).rejects.toThrow();
  });

  it('runs as a function with its own context, on free ports, and stops on the signal', async () => {
    const stop = new AbortController();
    const io = bufferedIo({}, stop.signal);
    const context = new CommandContext(io);
    const running = sandboxUp(context, { fast: true });
    await eventually(() => io.output().includes('press Ctrl-C to stop'), 'sandboxes up');
    const urls = ['salesforce', 'netsuite', 'shopify', 'wms', 'payments'].map((system) => urlOf(io.output(), system));
    expect(new Set(urls).size).toBe(5);
    expect(urls.every((url) => url?.startsWith('http://127.0.0.1:'))).toBe(true);
    stop.abort();
    expect(await running).toBe(0);
    context.dispose();
  });

  it('plays a short retail day with --traffic, prints the summary, then waits for Ctrl-C', async () => {
    const stop = new AbortController();
    const io = bufferedIo({}, stop.signal);
    const running = runCli(['sandbox', 'up', '--fast', '--traffic', '--duration', '1', '--rate', '4', '--seed', '9', '--outage', '0.5:0.1'], io);
    await eventually(() => /^traffic \d+ actions/m.test(io.output()), 'traffic summary', 15_000);
    const summary = /^traffic (\d+) actions \(ok (\d+)/m.exec(io.output());
    expect(Number(summary?.[1])).toBeGreaterThan(0);
    expect(io.output()).toContain('outage 1');
    stop.abort();
    expect(await running).toBe(0);
  });

  it('reports a CSV with no good rows, by line and column, before starting anything', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'crossdock-sandbox-'));
    try {
      const file = join(folder, 'orders.csv');
      writeFileSync(file, 'order_id,customer_id,placed_at,items\nW-1,C-1,yesterday,SKU-A:1:10.00\n');
      const io = bufferedIo();
      expect(await runCli(['sandbox', 'up', '--replay', file], io)).toBe(1);
      expect(io.errors()).toContain('line 2, placed_at: "yesterday" is not an ISO 8601 timestamp');
      expect(io.output()).not.toContain('SYSTEM');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('refuses a base port that leaves no room for five sandboxes', async () => {
    const io = bufferedIo();
    expect(await runCli(['sandbox', 'up', '--base-port', '65535'], io)).not.toBe(0);
    expect(io.errors()).toContain('must be between 1 and 65531');
  });
});
