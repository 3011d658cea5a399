import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from './random.ts';
import { exponentialRetryDelays, SHOPIFY_RETRY_DELAYS_MS, WebhookEmitter } from './webhooks.ts';

interface Received {
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

const servers: Server[] = [];
const emitters: WebhookEmitter[] = [];
afterEach(async () => {
  for (const emitter of emitters.splice(0)) emitter.close();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A receiver that answers with the given statuses in turn (the last one repeats). */
async function receiver(statuses: number[] = [200], holdMs = 0): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ body, headers: request.headers });
      const status = statuses[Math.min(received.length - 1, statuses.length - 1)] ?? 200;
      setTimeout(() => response.writeHead(status).end(), holdMs);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received };
}

function emitterWith(options: ConstructorParameters<typeof WebhookEmitter>[0]): WebhookEmitter {
  const emitter = new WebhookEmitter({ random: seededRandom(9), ...options });
  emitters.push(emitter);
  return emitter;
}

describe('exponentialRetryDelays', () => {
  it("matches Shopify's 8 retries over 4 hours, each delay double the previous", () => {
    expect(SHOPIFY_RETRY_DELAYS_MS).toHaveLength(8);
    const total = SHOPIFY_RETRY_DELAYS_MS.reduce((sum, delay) => sum + delay, 0);
    expect(Math.abs(total - 4 * 3_600_000)).toBeLessThan(10);
    expect(exponentialRetryDelays({ retries: 3, totalMs: 700 })).toEqual([100, 200, 400]);
  });
});

describe('WebhookEmitter', () => {
  it('delivers to subscribers of the topic only, with the signer headers over the exact body', async () => {
    const { url, received } = await receiver();
    const emitter = emitterWith({});
    emitter.subscribe({
      address: url,
      topics: ['orders/create'],
      headers: ({ body, deliveryId, attempt }) => ({ 'X-Sig': `len=${body.length}`, 'X-Id': deliveryId, 'X-Try': String(attempt) }),
    });
    const [delivery] = emitter.emit('orders/create', { id: 1 });
    emitter.emit('orders/cancelled', { id: 1 });
    await emitter.drain();
    expect(received).toHaveLength(1);
    expect(received[0]?.body).toBe('{"id":1}');
    expect(received[0]?.headers['x-sig']).toBe('len=8');
    expect(received[0]?.headers['x-id']).toBe(delivery?.id);
    expect(received[0]?.headers['content-type']).toBe('application/json');
    expect(emitter.deliveries.find((d) => d.id === delivery?.id)?.state).toBe('delivered');
  });

  it('retries a receiver that fails twice, on the compressed schedule, recording every attempt', async () => {
    const { url, received } = await receiver([500, 503, 200]);
    const emitter = emitterWith({ retryDelaysMs: [1_000, 2_000, 4_000], timeScale: 0.001 });
    emitter.subscribe({ address: url, topics: ['*'], headers: ({ attempt }) => ({ 'X-Try': String(attempt) }) });
    const [delivery] = emitter.emit('shipment/created', { tracking: '1Z' });
    await emitter.drain();
    expect(received.map((r) => r.headers['x-try'])).toEqual(['1', '2', '3']);
    expect(emitter.attempts.map((a) => [a.attempt, a.status, a.outcome])).toEqual([
      [1, 500, 'rejected'],
      [2, 503, 'rejected'],
      [3, 200, 'delivered'],
    ]);
    expect(new Set(emitter.attempts.map((a) => a.deliveryId))).toEqual(new Set([delivery?.id]));
    expect(emitter.deliveries[0]).toMatchObject({ state: 'delivered', attempts: 3 });
  });

  it('gives up after the last retry and marks the delivery failed', async () => {
    const { url, received } = await receiver([500]);
    const emitter = emitterWith({ retryDelaysMs: [1, 1], timeScale: 1 });
    emitter.subscribe({ address: url, topics: ['*'], headers: () => ({}) });
    emitter.emit('x', {});
    await emitter.drain();
    expect(received).toHaveLength(3);
    expect(emitter.attempts).toHaveLength(3);
    expect(emitter.deliveries[0]?.state).toBe('failed');
  });

  it('counts a receiver slower than the timeout as failed, and an unreachable address as a network error', async () => {
    const slow = await receiver([200], 500);
    const emitter = emitterWith({ retryDelaysMs: [], timeoutMs: 50 });
    emitter.subscribe({ address: slow.url, topics: ['*'], headers: () => ({}) });
    emitter.subscribe({ address: 'http://127.0.0.1:1/hooks', topics: ['*'], headers: () => ({}) });
    emitter.emit('x', {});
    await emitter.drain();
    const outcomes = emitter.attempts.map((a) => a.outcome).sort();
    expect(outcomes).toEqual(['network_error', 'timeout']);
    expect(emitter.deliveries.every((d) => d.state === 'failed')).toBe(true);
  });

  it('sends a duplicate with the same delivery id at duplicate rate 1', async () => {
    const { url, received } = await receiver();
    const emitter = emitterWith({ faults: () => ({ duplicateRate: 1 }) });
    emitter.subscribe({ address: url, topics: ['*'], headers: ({ deliveryId }) => ({ 'X-Id': deliveryId }) });
    emitter.emit('x', { n: 1 });
    await emitter.drain();
    expect(received).toHaveLength(2);
    expect(received[0]?.headers['x-id']).toBe(received[1]?.headers['x-id']);
    expect(emitter.attempts.filter((a) => a.duplicate)).toHaveLength(1);
  });

  it('reorders deliveries within the window, repeatably for a seed, losing none', async () => {
    const sendOrder = async (seed: number) => {
      const { url, received } = await receiver();
      const emitter = emitterWith({ random: seededRandom(seed), faults: () => ({ reorderWindow: 8 }) });
      const sent: number[] = [];
      // The signer runs as each attempt is sent, so it sees the send order (arrival may vary).
      emitter.subscribe({
        address: url,
        topics: ['*'],
        headers: ({ body }) => {
          sent.push((JSON.parse(body) as { n: number }).n);
          return {};
        },
      });
      for (let n = 0; n < 8; n++) emitter.emit('x', { n });
      await emitter.drain();
      expect(received).toHaveLength(8);
      return sent;
    };
    const first = await sendOrder(4);
    expect([...first].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(first).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(await sendOrder(4)).toEqual(first);
  });

  it('idle resolves at once with nothing pending, and close abandons scheduled retries', async () => {
    const emitter = emitterWith({ retryDelaysMs: [60_000] });
    await emitter.idle();
    emitter.subscribe({ address: (await receiver([500])).url, topics: ['*'], headers: () => ({}) });
    emitter.emit('x', {});
    const idle = emitter.idle();
    // Wait for the first attempt to be recorded, then stop: idle must resolve without the retry.
    while (emitter.attempts.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    emitter.close();
    await idle;
    expect(emitter.attempts).toHaveLength(1);
    expect(emitter.emit('x', {})).toEqual([]);
    await emitter.idle();
  });
});
