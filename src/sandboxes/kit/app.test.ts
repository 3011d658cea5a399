import { describe, expect, it } from 'vitest';
import { createSandboxApp } from './app.ts';
import type { FaultConfig, SandboxOptions } from './types.ts';

function sandboxWith(faults: FaultConfig, extra: Partial<SandboxOptions> = {}) {
  let resets = 0;
  const created = createSandboxApp({
    name: 'test',
    seed: 1,
    faults,
    renderError: (status, reason) => ({ body: { error: { status, reason } } }),
    snapshot: () => ({ resets }),
    reset: () => {
      resets++;
    },
    limits: () => ({ perSecond: { limit: 10, used: 0 } }),
    ...extra,
  });
  created.app.post('/echo', async (request) => ({ body: request.body ?? null, raw: request.rawBody ?? null }));
  created.app.get('/ping', async () => ({ pong: true }));
  return created;
}

describe('createSandboxApp fault hook', () => {
  it('serves normally with no faults, and keeps the raw JSON body beside the parsed one', async () => {
    const { app } = sandboxWith({});
    const raw = '{"b": 1,  "a":2}';
    const response = await app.inject({ method: 'POST', url: '/echo', payload: raw, headers: { 'content-type': 'application/json' } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ body: { b: 1, a: 2 }, raw });
  });

  it('parses JSON with a charset and +json vendor types, and answers 400 to malformed JSON', async () => {
    const { app } = sandboxWith({});
    for (const contentType of ['application/json; charset=utf-8', 'application/vnd.oracle.resource+json; type=singular']) {
      const response = await app.inject({ method: 'POST', url: '/echo', payload: '{"a":1}', headers: { 'content-type': contentType } });
      expect(response.json()).toEqual({ body: { a: 1 }, raw: '{"a":1}' });
    }
    const bad = await app.inject({ method: 'POST', url: '/echo', payload: '{"a":', headers: { 'content-type': 'application/json' } });
    expect(bad.statusCode).toBe(400);
  });

  it('parses form bodies into objects and keeps them raw', async () => {
    const { app } = sandboxWith({});
    const raw = 'grant_type=client_credentials&metadata[order]=1';
    const response = await app.inject({
      method: 'POST',
      url: '/echo',
      payload: raw,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.json()).toEqual({ body: { grant_type: 'client_credentials', metadata: { order: '1' } }, raw });
  });

  it('answers every request with the injected status at rate 1, in the sandbox format', async () => {
    const { app } = sandboxWith({ errorRates: { 500: 1 } });
    const response = await app.inject({ method: 'GET', url: '/ping' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: { status: 500, reason: 'injected' } });
  });

  it('adds Retry-After to an injected 429 unless the renderer set one', async () => {
    const { app } = sandboxWith({ errorRates: { 429: 1 } });
    const response = await app.inject({ method: 'GET', url: '/ping' });
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe('1');

    const own = sandboxWith(
      { errorRates: { 429: 1 } },
      { renderError: () => ({ body: { throttled: true }, headers: { 'retry-after': '7' } }) },
    );
    const ownResponse = await own.app.inject({ method: 'GET', url: '/ping' });
    expect(ownResponse.headers['retry-after']).toBe('7');
  });

  it('answers 503 during a downtime window by the injected clock', async () => {
    let now = 5_000;
    const { app } = sandboxWith({ downtime: [{ from: 4_000, to: 6_000 }] }, { clock: () => now });
    const down = await app.inject({ method: 'GET', url: '/ping' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual({ error: { status: 503, reason: 'downtime' } });
    now = 6_000;
    expect((await app.inject({ method: 'GET', url: '/ping' })).statusCode).toBe(200);
  });

  it('holds slow responses and adds latency through the sleep function', async () => {
    const slept: number[] = [];
    const sleep = async (ms: number) => {
      slept.push(ms);
    };
    const { app } = sandboxWith({ slowRate: 1, slowResponseMs: 60_000, latency: { p50Ms: 20, p99Ms: 20 } }, { sleep });
    expect((await app.inject({ method: 'GET', url: '/ping' })).statusCode).toBe(200);
    expect(slept).toHaveLength(1);
    expect(slept[0]).toBeCloseTo(60_020);
  });

  it('never applies faults to admin routes', async () => {
    const { app } = sandboxWith({ errorRates: { 500: 1 }, downtime: [{ from: 0, to: Number.MAX_SAFE_INTEGER }] });
    expect((await app.inject({ method: 'GET', url: '/__sandbox/state' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/__sandbox/limits' })).json()).toEqual({
      perSecond: { limit: 10, used: 0 },
    });
  });
});

describe('admin routes', () => {
  it('reads and replaces faults at runtime, rejecting a bad key with 400 naming it', async () => {
    const { app, faults } = sandboxWith({});
    const put = await app.inject({ method: 'PUT', url: '/__sandbox/faults', payload: { errorRates: { 503: 1 } } });
    expect(put.statusCode).toBe(200);
    expect(faults.get()).toEqual({ errorRates: { 503: 1 } });
    expect((await app.inject({ method: 'GET', url: '/ping' })).statusCode).toBe(503);

    const bad = await app.inject({ method: 'PUT', url: '/__sandbox/faults', payload: { slowRatio: 1 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('/slowRatio');
    expect((await app.inject({ method: 'GET', url: '/__sandbox/faults' })).json()).toEqual({ errorRates: { 503: 1 } });
  });

  it('snapshots and resets state', async () => {
    const { app } = sandboxWith({});
    expect((await app.inject({ method: 'POST', url: '/__sandbox/reset' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/__sandbox/state' })).json()).toEqual({ resets: 1 });
  });
});
