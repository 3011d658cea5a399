import { afterEach, describe, expect, it } from 'vitest';
import { sampleReturn } from '../../canonical/fixtures.ts';
import { AuthExpiredError, PermanentError, RateLimitedError, TransientError } from '../../runtime/errors.ts';
import { deliveryItem, recordingContext } from '../conformance/harness.ts';
import type { ItemOutcome } from '../../runtime/delivery/target.ts';
import { createWmsConnector } from './index.ts';
import { newOrder, releaseItem, startWmsFixture, type WmsFixture } from './testing.ts';

let fixture: WmsFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

function failureOf(outcome: ItemOutcome | undefined): PermanentError {
  expect(outcome?.ok).toBe(false);
  const error = (outcome as { error: unknown }).error;
  expect(error).toBeInstanceOf(PermanentError);
  return error as PermanentError;
}

describe('WMS connector: releasing fulfilment orders', () => {
  it('replays a release with the same content as success with the same WMS id', async () => {
    fixture = await startWmsFixture();
    const item = releaseItem(newOrder());
    const [first] = await fixture.connector.deliver([item], recordingContext());
    const [again] = await fixture.connector.deliver([item], recordingContext());
    expect(first).toMatchObject({ ok: true, externalId: expect.stringMatching(/^fo_/) });
    expect(again).toEqual(first);
    const listed = await fixture.warehouse('GET', `/v1/fulfillment-orders?externalOrderId=${item.key}`);
    expect(listed.body.data).toHaveLength(1);
  });

  it('maps the canonical order: ship-to, warehouse, units still to ship', async () => {
    fixture = await startWmsFixture();
    const order = newOrder();
    order.lines[1]!.quantityCancelled = 1;
    const [outcome] = await fixture.connector.deliver([releaseItem(order)], recordingContext());
    const stored = await fixture.warehouse('GET', `/v1/fulfillment-orders/${(outcome as { externalId: string }).externalId}`);
    expect(stored.body).toMatchObject({
      externalOrderId: order.orderNumber,
      warehouseId: 'DC-EAST',
      shippingMethod: 'next-day',
      shipTo: { name: 'Jane Doe', address1: '12 Acacia Avenue', city: 'Manchester', postalCode: 'M1 4BT', country: 'GB' },
      lines: [
        { sku: 'TRAIL-RUNNER-42-BLU', quantity: 1 },
        { sku: 'MERINO-SOCK-M-GRY', quantity: 1 },
      ],
    });
  });

  it('refuses the same order number with other content as external_order_id_conflict', async () => {
    fixture = await startWmsFixture();
    const order = newOrder();
    await fixture.connector.deliver([releaseItem(order)], recordingContext());
    const changed = { ...order, lines: [order.lines[0]!] };
    const [outcome] = await fixture.connector.deliver([releaseItem(changed)], recordingContext());
    const error = failureOf(outcome);
    expect(error).toMatchObject({ code: 'external_order_id_conflict', field: 'externalOrderId', system: 'wms' });
  });

  it("reports a validation refusal with the WMS's code and field", async () => {
    fixture = await startWmsFixture();
    const order = newOrder();
    delete order.fulfilment.shippingAddress?.postalCode;
    const [outcome] = await fixture.connector.deliver([releaseItem(order)], recordingContext());
    expect(failureOf(outcome)).toMatchObject({ code: 'validation_error', field: 'shipTo.postalCode', system: 'wms' });
  });

  it('applies a mapping override: an installation field reaches the WMS', async () => {
    fixture = await startWmsFixture({
      connector: { mappingOverrides: { fulfillmentOrder: { fields: { shippingMethod: "$uppercase(fulfilment.carrierService) & '-DPD'" }, remove: ['warehouseId'] } } },
    });
    const [outcome] = await fixture.connector.deliver([releaseItem(newOrder())], recordingContext());
    const stored = await fixture.warehouse('GET', `/v1/fulfillment-orders/${(outcome as { externalId: string }).externalId}`);
    expect(stored.body).toMatchObject({ shippingMethod: 'NEXT-DAY-DPD', warehouseId: 'WH-1' });
  });

  it('refuses an unknown mapping override at start, naming it', () => {
    expect(() => createWmsConnector({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k', mappingOverrides: { order: {} } as never })).toThrow(
      /mappingOverrides.order: the WMS connector has no such mapping/,
    );
  });
});

describe('WMS connector: expected returns', () => {
  it('announces an RMA once, idempotent by RMA number', async () => {
    fixture = await startWmsFixture();
    const rma = sampleReturn();
    const item = deliveryItem({ target: 'wms', kind: 'command', key: rma.rmaNumber, operation: 'expectReturnReceipt', payload: rma, idempotencyKey: `expect:${rma.rmaNumber}` });
    const [first] = await fixture.connector.deliver([item], recordingContext());
    const [again] = await fixture.connector.deliver([item], recordingContext());
    expect(first).toMatchObject({ ok: true, externalId: expect.stringMatching(/^rr_/) });
    expect(again).toEqual(first);
    const receipts = await fixture.warehouse('GET', '/v1/return-receipts');
    expect(receipts.body.data).toEqual([
      expect.objectContaining({ rmaNumber: 'RMA-20931', externalOrderId: 'WEB-100234', lines: [expect.objectContaining({ sku: 'TRAIL-RUNNER-42-BLU', quantityExpected: 1 })] }),
    ]);
  });

  it('refuses an operation it does not know as a permanent failure', async () => {
    fixture = await startWmsFixture();
    const item = deliveryItem({ target: 'wms', kind: 'command', key: 'SKU-1', operation: 'adjustStock', payload: {}, idempotencyKey: 'adjust:1' });
    const [outcome] = await fixture.connector.deliver([item], recordingContext());
    expect(failureOf(outcome)).toMatchObject({ code: 'unknown_operation' });
  });
});

describe('WMS connector: failures of the request', () => {
  it('reads the rate limit from the WMS headers, and turns its 429 into RateLimitedError with Retry-After', async () => {
    fixture = await startWmsFixture({ sandbox: { requestsPerSecond: 1 } });
    const context = recordingContext();
    let throttled: unknown;
    // One request per second per key: a few back-to-back releases meet the WMS's own limiter.
    for (let attempt = 0; attempt < 20 && !throttled; attempt++) {
      throttled = await fixture.connector.deliver([releaseItem(newOrder())], context).then(() => undefined, (error: unknown) => error);
    }
    expect(throttled).toBeInstanceOf(RateLimitedError);
    expect(throttled).toMatchObject({ code: 'rate_limited', system: 'wms', retryAfterMs: 1_000 });
    // The figures come from X-RateLimit-* on every answer, the 429 included.
    expect(context.quota.length).toBeGreaterThan(0);
    expect(context.quota.at(-1)).toEqual({ kind: 'requests', used: 1, limit: 1 });
    expect(fixture.connector.quota?.()).toMatchObject({ name: 'requestsPerSecond', used: 1, limit: 1, source: expect.stringContaining('X-RateLimit') });
  });

  it('turns a revoked API key into AuthExpiredError', async () => {
    fixture = await startWmsFixture();
    const connector = createWmsConnector({ baseUrl: fixture.wms.url, apiKey: 'wms_revoked_key' });
    const failure = await connector.deliver([releaseItem(newOrder())], recordingContext()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AuthExpiredError);
    expect(failure).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('not refreshed') });
  });

  it('turns a request that outlives its timeout into a TransientError', async () => {
    fixture = await startWmsFixture({ sandbox: { faults: { slowRate: 1, slowResponseMs: 2_000 } } });
    const connector = createWmsConnector({ baseUrl: fixture.wms.url, apiKey: fixture.wms.apiKey, timeoutMs: 100 });
    const failure = await connector.deliver([releaseItem(newOrder())], recordingContext()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TransientError);
    expect(failure).toMatchObject({ code: 'timeout', system: 'wms' });
  });

  it('turns a connection refused into a TransientError', async () => {
    const connector = createWmsConnector({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k' });
    const failure = await connector.deliver([releaseItem(newOrder())], recordingContext()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TransientError);
    expect(failure).toMatchObject({ code: 'network_error' });
  });
});
