import { afterEach, describe, expect, it } from 'vitest';
import { createSandboxApp } from './app.ts';
import { startSandbox } from './start.ts';
import type { RunningSandbox } from './types.ts';

let running: RunningSandbox | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('startSandbox', () => {
  it('listens on an ephemeral port on 127.0.0.1, serves over HTTP, and applies faults there', async () => {
    const { app, faults } = createSandboxApp({
      name: 'test',
      seed: 1,
      renderError: (status) => ({ body: { status } }),
      snapshot: () => ({}),
      reset: () => undefined,
    });
    app.get('/ping', async () => ({ pong: true }));
    running = await startSandbox(app, faults, { name: 'test' });
    expect(running.port).toBeGreaterThan(0);
    expect(running.url).toBe(`http://127.0.0.1:${running.port}`);
    expect(await (await fetch(`${running.url}/ping`)).json()).toEqual({ pong: true });

    const put = await fetch(`${running.url}/__sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errorRates: { 429: 1 } }),
    });
    expect(put.status).toBe(200);
    const throttled = await fetch(`${running.url}/ping`);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('1');
  });

  it('closes at once with a request still being served (its client gets a broken connection, not a 72 s keep-alive wait)', async () => {
    const { app, faults } = createSandboxApp({ name: 'test', seed: 1, renderError: (status) => ({ body: { status } }), snapshot: () => ({}), reset: () => undefined });
    let serving: () => void = () => undefined;
    const entered = new Promise<void>((resolve) => (serving = resolve));
    // A handler that never answers: close() must not wait for it.
    app.get('/slow', async () => {
      serving();
      return new Promise(() => undefined);
    });
    const sandbox = await startSandbox(app, faults, { name: 'test' });
    const call = fetch(`${sandbox.url}/slow`).then(
      () => 'answered',
      () => 'connection closed',
    );
    await entered;
    await sandbox.close();
    expect(await call).toBe('connection closed');
  });
});
