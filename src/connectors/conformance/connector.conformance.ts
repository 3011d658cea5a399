import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, RateLimitedError, TransientError } from '../../runtime/errors.ts';
import type { ItemOutcome } from '../../runtime/delivery/target.ts';
import { recordingContext, type ConnectorHarness, type ConnectorUnderTest } from './harness.ts';

/**
 * The behaviour every connector must have, run against its sandbox. A new connector is done
 * when it passes this (see docs/connectors/writing-a-connector.md).
 */
export function connectorConformance(name: string, harness: ConnectorHarness): void {
  describe(`Connector conformance: ${name}`, () => {
    let subject: ConnectorUnderTest;

    beforeEach(async () => {
      subject = await harness.open();
    });
    afterEach(async () => {
      await subject.close();
    });

    async function deliverAll(items: ReturnType<ConnectorUnderTest['validItems']>): Promise<ItemOutcome[]> {
      const outcomes: ItemOutcome[] = [];
      const size = subject.connector.budget.maxBatchSize;
      for (let from = 0; from < items.length; from += size) {
        outcomes.push(...(await subject.connector.deliver(items.slice(from, from + size), recordingContext())));
      }
      return outcomes;
    }

    it('declares a budget and the operations it accepts', () => {
      const { budget, operations } = subject.connector;
      expect(budget.maxBatchSize).toBeGreaterThanOrEqual(1);
      expect(budget.concurrency).toBeGreaterThanOrEqual(1);
      expect(operations.length).toBeGreaterThan(0);
      for (const item of subject.validItems(2)) expect(operations).toContain(item.operation);
    });

    it('writes a batch and answers one outcome per item, in order', async () => {
      const items = subject.validItems(Math.min(3, subject.connector.budget.maxBatchSize) + 1);
      const outcomes = await deliverAll(items);
      expect(outcomes).toHaveLength(items.length);
      expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
      for (const item of items) expect(await subject.read(item)).toBeDefined();
      expect(await subject.count()).toBe(items.length);
    });

    it('is idempotent: the same items again create nothing new', async () => {
      const items = subject.validItems(2);
      const first = await deliverAll(items);
      const again = await deliverAll(items);
      expect(again.every((outcome) => outcome.ok)).toBe(true);
      expect(await subject.count()).toBe(items.length);
      const ids = (outcomes: ItemOutcome[]) => outcomes.map((outcome) => (outcome.ok ? outcome.externalId : undefined));
      expect(ids(again)).toEqual(ids(first));
    });

    it('reports a refused record as a permanent failure with the system code, and keeps the good ones', async () => {
      const [good] = subject.validItems(1);
      const bad = subject.invalidItem();
      if (subject.connector.budget.maxBatchSize > 1) {
        const [goodOutcome, badOutcome] = await subject.connector.deliver([good!, bad], recordingContext());
        expect(goodOutcome!.ok).toBe(true);
        expect(badOutcome!.ok).toBe(false);
        const error = (badOutcome as { ok: false; error: unknown }).error;
        expect(error).toBeInstanceOf(PermanentError);
        expect((error as PermanentError).code).toBeTruthy();
      } else {
        const attempt = subject.connector.deliver([bad], recordingContext());
        const outcome = await attempt.catch((error: unknown) => [{ ok: false as const, error }]);
        expect(outcome[0]!.ok).toBe(false);
        const error = (outcome[0] as { ok: false; error: unknown }).error;
        expect(error).toBeInstanceOf(PermanentError);
        expect((error as PermanentError).code).toBeTruthy();
        expect((await subject.connector.deliver([good!], recordingContext()))[0]!.ok).toBe(true);
      }
      expect(await subject.read(bad)).toBeUndefined();
    });

    it('classifies a server error as transient and a throttle as rate limited with the hint', async () => {
      const [item] = subject.validItems(1);
      subject.faults.set({ errorRates: { 503: 1 } });
      await expect(subject.connector.deliver([item!], recordingContext())).rejects.toBeInstanceOf(TransientError);
      subject.faults.set({ errorRates: { 429: 1 } });
      const throttled = await subject.connector.deliver([item!], recordingContext()).catch((error: unknown) => error);
      expect(throttled).toBeInstanceOf(RateLimitedError);
      expect((throttled as RateLimitedError).retryAfterMs).toBeGreaterThan(0);
      subject.faults.set({});
      expect((await subject.connector.deliver([item!], recordingContext()))[0]!.ok).toBe(true);
    });

    it('refuses a webhook whose signature does not match its body', async () => {
      if (!subject.signedWebhook || !subject.connector.webhook) return expect(subject.connector.webhook).toBeUndefined();
      const request = await subject.signedWebhook();
      expect(subject.connector.webhook.verify(request)).toBe(true);
      // One byte more: the same JSON to a parser, a different body to the signature.
      const forged = { ...request, rawBody: Buffer.concat([request.rawBody, Buffer.from(' ')]) };
      expect(subject.connector.webhook.verify(forged)).toBe(false);
    });
  });
}
