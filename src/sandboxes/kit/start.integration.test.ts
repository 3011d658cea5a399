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
});
