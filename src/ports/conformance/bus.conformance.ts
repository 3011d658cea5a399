import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../canonical/cloudevent.ts';
import type { LoggedEvent } from '../bus.ts';
import { eventually, type AdapterFactory, type AdapterPair } from './harness.ts';

function event(id: string, overrides: Partial<CloudEvent> = {}): CloudEvent {
  return {
    specversion: '1.0',
    id,
    source: 'crossdock://test',
    type: 'retail.inventory.level-changed.v1',
    subject: 'SKU-1@STORE-1',
    correlationid: `corr-${id}`,
    data: { available: Number(id.replace(/\D/g, '')) || 0 },
    ...overrides,
  };
}

/** The behaviour every Bus adapter must have. Call it from the adapter's own test file. */
export function busConformance(adapter: string, factory: AdapterFactory): void {
  describe(`Bus conformance: ${adapter}`, () => {
    let pair: AdapterPair & { reopen(): Promise<AdapterPair> };
    const opened: AdapterPair[] = [];

    beforeEach(async () => {
      pair = await factory.open();
      opened.push(pair);
    });
    afterEach(async () => {
      for (const adapters of opened.splice(0)) await adapters.close();
    });

    it('assigns increasing positions and finds events by subject and correlation id', async () => {
      const results = await pair.bus.publish([event('e1'), event('e2', { subject: 'SKU-2@STORE-1' }), event('e3')]);
      expect(results.map((result) => result.duplicate)).toEqual([false, false, false]);
      expect(results[0]!.seq).toBeLessThan(results[1]!.seq);
      expect(results[1]!.seq).toBeLessThan(results[2]!.seq);
      expect(await pair.bus.head()).toBe(results[2]!.seq);
      const bySubject = await pair.bus.find({ subject: 'SKU-1@STORE-1' });
      expect(bySubject.map((entry) => entry.event.id)).toEqual(['e1', 'e3']);
      const byCorrelation = await pair.bus.find({ correlationId: 'corr-e2' });
      expect(byCorrelation.map((entry) => entry.event.id)).toEqual(['e2']);
    });

    it('finds events by subject prefix (every location of a sku), in log order', async () => {
      const subjects = ['SKU-1@STORE-1', 'SKU-10@STORE-1', 'SKU-1@DC-1', 'SKU-1', 'SKU_1@DC-1', 'SKU-1@STORE-1'];
      await pair.bus.publish(subjects.map((subject, index) => event(`p${index}`, { subject })));
      expect((await pair.bus.find({ subjectPrefix: 'SKU-1@' })).map((entry) => entry.event.id)).toEqual(['p0', 'p2', 'p5']);
      expect((await pair.bus.find({ subjectPrefix: 'SKU-1@', limit: 2 })).map((entry) => entry.event.id)).toEqual(['p0', 'p2']);
      // `_` and `%` are characters of the sku, not wildcards.
      expect((await pair.bus.find({ subjectPrefix: 'SKU_1@' })).map((entry) => entry.event.id)).toEqual(['p4']);
      expect(await pair.bus.find({ subjectPrefix: 'SKU-3@' })).toEqual([]);
    });

    it('accepts a duplicate (same source and id) once and reports it without a second entry', async () => {
      const [first] = await pair.bus.publish([event('dup')]);
      const [again] = await pair.bus.publish([event('dup', { data: { changed: true } })]);
      expect(again).toEqual({ seq: first!.seq, duplicate: true });
      expect(await pair.bus.find({ subject: 'SKU-1@STORE-1' })).toHaveLength(1);
      // Same id from another source is a different event.
      const [other] = await pair.bus.publish([event('dup', { source: 'crossdock://elsewhere' })]);
      expect(other!.duplicate).toBe(false);
    });

    it('keeps events across a restart', async () => {
      await pair.bus.publish([event('kept')]);
      await pair.close();
      const reopened = await pair.reopen();
      opened.push(reopened);
      const found = await reopened.bus.find({ subject: 'SKU-1@STORE-1' });
      expect(found.map((entry) => entry.event.id)).toEqual(['kept']);
      expect(found[0]!.event.data).toEqual({ available: 0 });
    });

    it('hands every event to a consumer once, in log order, and resumes from its position', async () => {
      await pair.bus.publish(Array.from({ length: 25 }, (_, index) => event(`a${index}`)));
      const seen: string[] = [];
      const first = pair.bus.consume({
        name: 'projector',
        batchSize: 7,
        handle: async (batch) => {
          seen.push(...batch.map((entry) => entry.event.id));
        },
      });
      await eventually(() => seen.length === 25, '25 events');
      await first.stop();
      expect(seen).toEqual(Array.from({ length: 25 }, (_, index) => `a${index}`));
      expect(await pair.bus.position('projector')).toBe(await pair.bus.head());

      await pair.bus.publish([event('b1'), event('b2')]);
      const later: string[] = [];
      const second = pair.bus.consume({
        name: 'projector',
        handle: async (batch) => {
          later.push(...batch.map((entry) => entry.event.id));
        },
      });
      await eventually(() => later.length === 2, 'the two new events');
      await second.stop();
      expect(later).toEqual(['b1', 'b2']);
    });

    it('delivers a batch again when the handler fails (at-least-once), skipping nothing', async () => {
      await pair.bus.publish([event('r1'), event('r2'), event('r3')]);
      const attempts: string[][] = [];
      const errors: unknown[] = [];
      let failOnce = true;
      const subscription = pair.bus.consume({
        name: 'flaky',
        batchSize: 2,
        handle: async (batch) => {
          attempts.push(batch.map((entry) => entry.event.id));
          if (failOnce) {
            failOnce = false;
            throw new Error('target hiccup');
          }
        },
        onError: (error) => errors.push(error),
      });
      await eventually(() => attempts.flat().includes('r3'), 'r3');
      await subscription.stop();
      expect(attempts).toEqual([['r1', 'r2'], ['r1', 'r2'], ['r3']]);
      expect(errors).toHaveLength(1);
    });

    it('filters by type but moves its position past other types', async () => {
      await pair.bus.publish([
        event('t1', { type: 'retail.order.placed.v1' }),
        event('t2'),
        event('t3', { type: 'retail.order.placed.v1' }),
      ]);
      const seen: LoggedEvent[] = [];
      const subscription = pair.bus.consume({
        name: 'orders-only',
        types: ['retail.order.placed.v1'],
        handle: async (batch) => {
          seen.push(...batch);
        },
      });
      await eventually(async () => (await pair.bus.position('orders-only')) === (await pair.bus.head()), 'position at head');
      await subscription.stop();
      expect(seen.map((entry) => entry.event.id)).toEqual(['t1', 't3']);
    });

    it('wakes a waiting consumer promptly when events arrive', async () => {
      const seen: string[] = [];
      const subscription = pair.bus.consume({
        name: 'live',
        handle: async (batch) => {
          seen.push(...batch.map((entry) => entry.event.id));
        },
      });
      // Once the first event is handled the consumer has caught up and waits for the next one.
      await pair.bus.publish([event('live-0')]);
      await eventually(() => seen.includes('live-0'), 'live-0');
      await pair.bus.publish([event('live-1')]);
      await eventually(() => seen.includes('live-1'), 'live-1');
      await subscription.stop();
      expect(seen).toEqual(['live-0', 'live-1']);
    });
  });
}
