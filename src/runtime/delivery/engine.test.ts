import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../../adapters/sqlite/index.ts';
import { eventually } from '../../ports/conformance/harness.ts';
import type { NewDeliveryItem } from '../../ports/storage.ts';
import { PermanentError, RateLimitedError, TransientError } from '../errors.ts';
import { RecordingTarget } from '../testing/recording-target.ts';
import { DeliveryEngine, type DeliveryEngineOptions } from './engine.ts';

const command = (key: string, index = 0): NewDeliveryItem => ({
  target: 'erp',
  kind: 'command',
  key,
  operation: 'bookOrder',
  payload: { orderNumber: key, index },
  idempotencyKey: `book:${key}:${index}`,
  context: { entity: 'order', businessKey: key, customer: 'C-1' },
});

describe('DeliveryEngine', () => {
  let adapters: EmbeddedAdapters;
  let engine: DeliveryEngine;

  async function setup(target: RecordingTarget, options: Partial<DeliveryEngineOptions> = {}) {
    adapters = await openSqlite({ path: ':memory:' });
    engine = new DeliveryEngine({
      storage: adapters.storage,
      targets: [target],
      retry: { initialDelayMs: 1, maxDelayMs: 5, maxAttempts: 3 },
      circuit: { consecutiveFailures: 3, halfOpenAfterMs: 50 },
      idlePollMs: 20,
      defaultThrottleMs: 20,
      ...options,
    });
    await engine.start();
  }

  afterEach(async () => {
    await engine?.stop();
    await adapters?.close();
  });

  it('batches up to the target batch size and delivers every item once', async () => {
    const target = new RecordingTarget('erp', { maxBatchSize: 200, concurrency: 2 });
    await setup(target);
    await engine.enqueue(Array.from({ length: 450 }, (_, index) => command(`SO-${index}`)));
    await eventually(() => target.effects.size === 450, '450 effects');
    expect(Math.max(...target.requests.map((batch) => batch.length))).toBe(200);
    expect(target.itemsReceived).toBe(450);
    expect(target.requests.length).toBe(3);
    expect(target.maxInFlight).toBeLessThanOrEqual(2);
    // The target has the effects before the hub records the outcome: wait for the bookkeeping.
    await eventually(async () => (await adapters.storage.delivery.stats('erp'))[0]?.delivered === 450, 'outcomes recorded');
    expect((await adapters.storage.delivery.stats('erp'))[0]).toMatchObject({ pending: 0, inFlight: 0, dead: 0 });
  });

  it('dead-letters permanently failed items individually with their business context; the rest land', async () => {
    const target = new RecordingTarget('erp', { maxBatchSize: 10, concurrency: 1 }, (batch) =>
      batch.map((item) =>
        item.key === 'SO-2'
          ? { ok: false, error: new PermanentError('Required fields are missing: [Name]', { code: 'REQUIRED_FIELD_MISSING', field: 'Name', system: 'salesforce' }) }
          : { ok: true, externalId: `ext-${item.key}` },
      ),
    );
    await setup(target);
    await engine.enqueue(['SO-1', 'SO-2', 'SO-3'].map((key) => command(key)));
    await eventually(async () => (await adapters.storage.deadLetters.count({ status: 'open' })) === 1, 'a dead letter');
    await eventually(() => target.effects.size === 2, 'two effects');
    const [dead] = await adapters.storage.deadLetters.list({ status: 'open' });
    expect(dead).toMatchObject({
      target: 'erp',
      key: 'SO-2',
      context: { entity: 'order', businessKey: 'SO-2', customer: 'C-1' },
      error: { code: 'REQUIRED_FIELD_MISSING', field: 'Name', system: 'salesforce', retryable: false },
    });
    const delivered = await adapters.storage.delivery.find({ key: 'SO-3' });
    expect(delivered[0]).toMatchObject({ status: 'delivered', externalId: 'ext-SO-3' });
  });

  it('retries transient failures with backoff, then dead-letters when attempts run out', async () => {
    let failuresLeft = 2;
    const target = new RecordingTarget('erp', { maxBatchSize: 1, concurrency: 1 }, (batch) => {
      if (batch[0]!.key === 'SO-flaky' && failuresLeft-- > 0) throw new TransientError('503 Service Unavailable');
      if (batch[0]!.key === 'SO-down') throw new TransientError('ECONNRESET');
    });
    await setup(target, { circuit: { consecutiveFailures: 100, halfOpenAfterMs: 50 } });
    await engine.enqueue([command('SO-flaky'), command('SO-down')]);
    await eventually(async () => (await adapters.storage.deadLetters.count({})) === 1 && target.effects.size === 1, 'outcomes');
    const [flaky] = await adapters.storage.delivery.find({ key: 'SO-flaky' });
    expect(flaky).toMatchObject({ status: 'delivered', attempts: 3 });
    const [down] = await adapters.storage.deadLetters.list({});
    expect(down).toMatchObject({ key: 'SO-down', error: { message: 'ECONNRESET', retryable: true, details: { attempts: 3 } } });
  });

  it('honours Retry-After without spending an attempt, and keeps the key order', async () => {
    let throttles = 1;
    const target = new RecordingTarget('erp', { maxBatchSize: 5, concurrency: 1 }, () => {
      if (throttles-- > 0) throw new RateLimitedError('429 Too Many Requests', { retryAfterMs: 30 });
    });
    const throttled: unknown[] = [];
    await setup(target);
    engine.events.on('throttled', (event) => throttled.push(event));
    await engine.enqueue([command('SO-1', 1), command('SO-1', 2), command('SO-1', 3)]);
    await eventually(() => target.effects.size === 3, 'three effects');
    expect(throttled).toEqual([{ target: 'erp', retryAfterMs: 30 }]);
    expect(target.appliedByKey.get('SO-1')).toEqual([1, 2, 3].map((index) => ({ orderNumber: 'SO-1', index })));
    const items = await adapters.storage.delivery.find({ key: 'SO-1' });
    expect(items.map((item) => item.attempts)).toEqual([1, 1, 1]);
  });

  it('postpones the rest of a claim the target throttled part-way without spending attempts, however long the storm', async () => {
    // Each request lands its first command and is throttled on the rest, as Shopify answers
    // THROTTLED mid-claim once its cost bucket runs dry: far more throttles than maxAttempts (3).
    const target = new RecordingTarget('erp', { maxBatchSize: 5, concurrency: 1 }, (batch) =>
      batch.map((item, index) =>
        index === 0 ? { ok: true } : { ok: false, error: new RateLimitedError('Throttled', { code: 'THROTTLED', retryAfterMs: 1 }) },
      ),
    );
    const throttled: unknown[] = [];
    await setup(target);
    engine.events.on('throttled', (event) => throttled.push(event));
    await engine.enqueue(Array.from({ length: 8 }, (_, index) => command(`SO-${index}`)));
    await eventually(async () => (await adapters.storage.delivery.stats('erp'))[0]?.delivered === 8, 'all eight delivered');
    expect(await adapters.storage.deadLetters.count({})).toBe(0);
    expect(target.effects.size).toBe(8);
    expect(throttled.length).toBeGreaterThanOrEqual(7);
    const items = await adapters.storage.delivery.find({ key: 'SO-7' });
    expect(items[0]).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('holds a request until its cost points are really there, however often its wait is cut short', async () => {
    // A Shopify-like bucket of 100 points restoring 100 a second, requests of 60 points: the
    // second request must wait ~200 ms for its points, far longer than the 20 ms idle poll.
    const bucket = { available: 100, at: Date.now() };
    const pointsShort: number[] = [];
    const target = new RecordingTarget('erp', { maxBatchSize: 1, concurrency: 1, costPoints: { capacity: 100, restorePerSecond: 100 } }, () => {
      const now = Date.now();
      bucket.available = Math.min(100, bucket.available + ((now - bucket.at) / 1000) * 100);
      bucket.at = now;
      // A few points of slack for the time between the hub's check and the target's count.
      if (bucket.available < 60 - 5) pointsShort.push(Math.round(bucket.available));
      bucket.available -= 60;
    });
    (target as { cost?: (batch: readonly unknown[]) => number }).cost = (batch) => batch.length * 60;
    await setup(target);
    await engine.enqueue(['SO-1', 'SO-2', 'SO-3'].map((key) => command(key)));
    await eventually(() => target.effects.size === 3, 'three effects');
    expect(pointsShort).toEqual([]);
  });

  it('keeps an item claimed just as a throttle halves the concurrency, and delivers it once a slot frees', async () => {
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    let throttleNow!: () => void;
    const throttleArmed = new Promise<void>((resolve) => (throttleNow = resolve));
    let throttledOnce = false;
    const target = new RecordingTarget('erp', { maxBatchSize: 1, concurrency: 5 }, async (batch) => {
      const key = batch[0]!.key;
      if (key.startsWith('SO-slow')) await gate;
      if (key === 'SO-throttled' && !throttledOnce) {
        throttledOnce = true;
        await throttleArmed;
        throw new RateLimitedError('429 Too Many Requests', { retryAfterMs: 10 });
      }
    });
    adapters = await openSqlite({ path: ':memory:' });
    // SO-late is claimed while SO-throttled is answered with 429: with three slow
    // requests in flight, the halved concurrency (2) leaves no slot for the item just claimed.
    const delivery = adapters.storage.delivery;
    let lateHandedOver = false;
    let engineThrottled!: () => void;
    const throttled = new Promise<void>((resolve) => (engineThrottled = resolve));
    const claim: typeof delivery.claim = async (name, options) => {
      const items = await delivery.claim(name, options);
      if (items.some((item) => item.key === 'SO-late')) {
        throttleNow();
        await throttled;
        // The throttle has been counted: the concurrency is halved with three requests in flight.
        await eventually(() => engine.status()[0]!.budget.throttledResponses === 1, 'the throttle counted');
        lateHandedOver = true;
      }
      return items;
    };
    const storage = new Proxy(adapters.storage, {
      get: (real, property) =>
        property === 'delivery' ? new Proxy(delivery, { get: (store, name) => (name === 'claim' ? claim : (Reflect.get(store, name) as () => unknown).bind(store)) }) : Reflect.get(real, property),
    });
    engine = new DeliveryEngine({ storage, targets: [target], retry: { initialDelayMs: 1, maxDelayMs: 5, maxAttempts: 3 }, idlePollMs: 20, defaultThrottleMs: 20 });
    engine.events.on('throttled', () => engineThrottled());
    await engine.start();
    await engine.enqueue(['SO-slow-1', 'SO-slow-2', 'SO-slow-3', 'SO-throttled', 'SO-late'].map((key) => command(key)));
    await eventually(() => lateHandedOver, 'SO-late claimed with no slot left');
    openGate();
    await eventually(async () => (await adapters.storage.delivery.stats('erp'))[0]?.delivered === 5, 'all five delivered, SO-late too');
    expect(target.effects.size).toBe(5);
  });

  it('opens the circuit when the target is down and closes it when it recovers', async () => {
    let down = true;
    const target = new RecordingTarget('erp', { maxBatchSize: 1, concurrency: 1 }, () => {
      if (down) throw new TransientError('503 SERVER_UNAVAILABLE');
    });
    const states: string[] = [];
    await setup(target, { retry: { maxAttempts: 50, initialDelayMs: 1, maxDelayMs: 2 } });
    engine.events.on('circuit', (event: { state: string }) => states.push(event.state));
    await engine.enqueue([command('SO-1'), command('SO-2')]);
    await eventually(() => states.includes('open'), 'circuit open');
    expect(engine.status()[0]!.circuit).toBe('open');
    const callsWhileOpen = target.requests.length;
    down = false;
    await eventually(() => target.effects.size === 2, 'both delivered');
    expect(states).toContain('closed');
    expect(callsWhileOpen).toBeGreaterThanOrEqual(3);
  });

  it('coalesces state updates queued while the target is busy: only the newest reaches it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const target = new RecordingTarget('commerce', { maxBatchSize: 250, concurrency: 1 }, async (_batch, call) => {
      if (call === 0) await gate;
    });
    await setup(target);
    const level = (version: number) => ({
      target: 'commerce',
      kind: 'state' as const,
      key: 'SKU-1@STORE-1',
      operation: 'setInventoryLevel',
      payload: { available: version * 10 },
      idempotencyKey: `SKU-1@STORE-1#${version}`,
      version,
    });
    await engine.enqueue([level(1)]);
    await eventually(() => target.requests.length === 1, 'first request');
    for (let version = 2; version <= 50; version++) await engine.enqueue([level(version)]);
    await engine.enqueue([level(7)]);
    release();
    await eventually(() => target.requests.length === 2, 'second request');
    expect(target.appliedByKey.get('SKU-1@STORE-1')).toEqual([{ available: 10 }, { available: 500 }]);
  });

  it('refuses items for an unknown target', async () => {
    await setup(new RecordingTarget('erp', { maxBatchSize: 1, concurrency: 1 }));
    await expect(engine.enqueue([{ ...command('SO-1'), target: 'wms' }])).rejects.toThrow(/no delivery target named "wms"/);
  });
});
