import { afterEach, describe, expect, it } from 'vitest';
import type { RunningShopifySandbox } from '../../sandboxes/shopify/index.ts';
import { manualClock } from '../../sandboxes/shopify/test-support.ts';
import { AuthExpiredError, PermanentError, RateLimitedError } from '../../runtime/errors.ts';
import { deliveryItem, recordingContext } from '../conformance/harness.ts';
import { ShopifyOperation } from './outbound.ts';
import { catalogue, connectedSandbox } from './testing.ts';

let sandbox: RunningShopifySandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const LOCATIONS = ['MAIN-WAREHOUSE', 'DOWNTOWN-STORE'];

function level(sku: string, locationCode: string, available: number, extra: Record<string, unknown> = {}) {
  return deliveryItem({
    target: 'commerce',
    kind: 'state',
    key: `${sku}@${locationCode}`,
    operation: ShopifyOperation.setInventoryLevel,
    payload: { sku, locationCode, available, ...extra },
    idempotencyKey: `${sku}@${locationCode}#${available}`,
  });
}

function availableIn(s: RunningShopifySandbox, sku: string, locationCode: string): number | undefined {
  const variant = s.store.variantBySku(sku);
  const location = [...s.store.locations.values()].find((candidate) => candidate.name.toUpperCase().replace(/[^A-Z0-9]+/g, '-') === locationCode);
  if (!variant || !location) return undefined;
  return s.store.inventoryLevels.get(s.store.levelKey(variant.inventoryItemId, location.id))?.quantities.available;
}

describe('Shopify connector: inventory', () => {
  it('sets 300 levels with two inventorySetQuantities calls (250 + 50)', async () => {
    const connected = await connectedSandbox({ seed: { catalog: catalogue(150) } });
    sandbox = connected.sandbox;
    const items = catalogue(150).flatMap((entry, index) => LOCATIONS.map((code) => level(entry.sku, code, index)));
    expect(items).toHaveLength(300);
    const size = connected.connector.budget.maxBatchSize;
    expect(size).toBe(250);
    const context = recordingContext();
    const outcomes = [];
    for (let from = 0; from < items.length; from += size) outcomes.push(...(await connected.connector.deliver(items.slice(from, from + size), context)));
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(connected.connector.calls.mutation).toBe(2);
    expect(availableIn(sandbox, 'SKU-0150', 'DOWNTOWN-STORE')).toBe(149);
    // Every answer's throttleStatus went back to the budget.
    expect(context.quota.length).toBe(connected.connector.calls.mutation + connected.connector.calls.query);
  });

  it('turns THROTTLED into RateLimitedError with the time the bucket needs, and reports throttleStatus', async () => {
    const clock = manualClock();
    // A tiny bucket that does not refill while the clock stands still: 20 points, 2 per second.
    const connected = await connectedSandbox({ clock: clock.now, bucket: { capacity: 20, restorePerSecond: 2 } }, { locations: { 'MAIN-WAREHOUSE': 'gid://shopify/Location/1' } });
    sandbox = connected.sandbox;
    const variant = sandbox.store.variantBySku('TEE-BLK-M')!;
    const location = [...sandbox.store.locations.values()][0]!;
    const ids = { inventoryItemId: `gid://shopify/InventoryItem/${variant.inventoryItemId}`, locationId: `gid://shopify/Location/${location.id}` };
    const context = recordingContext();
    for (const available of [1, 2]) {
      const [outcome] = await connected.connector.deliver([level('TEE-BLK-M', 'MAIN-WAREHOUSE', available, ids)], context);
      expect(outcome!.ok).toBe(true);
    }
    const throttled = await connected.connector.deliver([level('TEE-BLK-M', 'MAIN-WAREHOUSE', 3, ids)], context).catch((error: unknown) => error);
    expect(throttled).toBeInstanceOf(RateLimitedError);
    expect((throttled as RateLimitedError).code).toBe('THROTTLED');
    // 10 points missing at 2 points/s.
    expect((throttled as RateLimitedError).retryAfterMs).toBe(5_000);
    expect(context.quota.at(-1)).toEqual({ kind: 'cost', currentlyAvailable: 0, maximumAvailable: 20, restorePerSecond: 2 });
    expect(connected.connector.quota?.()).toMatchObject({ used: 20, limit: 20, source: 'extensions.cost.throttleStatus' });
    expect(connected.connector.cost?.([level('TEE-BLK-M', 'MAIN-WAREHOUSE', 3, ids)])).toBe(10);
  });

  it('reports a stale compare-and-swap row as its own failure and lands the other rows', async () => {
    const connected = await connectedSandbox();
    sandbox = connected.sandbox;
    const before = availableIn(sandbox, 'TEE-WHT-L', 'MAIN-WAREHOUSE')!;
    const outcomes = await connected.connector.deliver(
      [
        level('TEE-BLK-M', 'MAIN-WAREHOUSE', 40),
        level('TEE-WHT-L', 'MAIN-WAREHOUSE', 41, { expectedAvailable: before + 7 }),
        level('CAP-NVY', 'MAIN-WAREHOUSE', 42, { expectedAvailable: availableIn(sandbox, 'CAP-NVY', 'MAIN-WAREHOUSE') }),
      ],
      recordingContext(),
    );
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, false, true]);
    const error = (outcomes[1] as { error: PermanentError }).error;
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.code).toBe('CHANGE_FROM_QUANTITY_STALE');
    expect(error.field).toBe('input.quantities.1.changeFromQuantity');
    expect(availableIn(sandbox, 'TEE-BLK-M', 'MAIN-WAREHOUSE')).toBe(40);
    expect(availableIn(sandbox, 'CAP-NVY', 'MAIN-WAREHOUSE')).toBe(42);
    expect(availableIn(sandbox, 'TEE-WHT-L', 'MAIN-WAREHOUSE')).toBe(before);
    // The all-or-nothing mutation was sent again without the refused row.
    expect(connected.connector.calls.mutation).toBe(2);
  });

  it('reports a refused access token (HTTP 401) as AuthExpiredError for the whole batch', async () => {
    const connected = await connectedSandbox({}, { credentials: { accessToken: 'shpat_revoked', clientSecret: 'secret' } });
    sandbox = connected.sandbox;
    await expect(connected.connector.deliver([level('CAP-NVY', 'MAIN-WAREHOUSE', 5)], recordingContext())).rejects.toBeInstanceOf(AuthExpiredError);
  });

  it('refuses an unknown SKU before calling Shopify', async () => {
    const connected = await connectedSandbox();
    sandbox = connected.sandbox;
    const [unknown, known] = await connected.connector.deliver([level('NO-SUCH-SKU', 'MAIN-WAREHOUSE', 1), level('CAP-NVY', 'MAIN-WAREHOUSE', 5)], recordingContext());
    expect((unknown as { error: PermanentError }).error.code).toBe('UNKNOWN_SKU');
    expect(known!.ok).toBe(true);
  });

  it('adjusts once per idempotency key', async () => {
    const connected = await connectedSandbox();
    sandbox = connected.sandbox;
    const before = availableIn(sandbox, 'SOCK-3PK', 'DOWNTOWN-STORE')!;
    const adjustment = deliveryItem({
      target: 'commerce',
      kind: 'command',
      key: 'SOCK-3PK@DOWNTOWN-STORE',
      operation: ShopifyOperation.adjustInventory,
      payload: { sku: 'SOCK-3PK', locationCode: 'DOWNTOWN-STORE', delta: -3, reason: 'damaged' },
      idempotencyKey: 'adjust-1',
    });
    const [first] = await connected.connector.deliver([adjustment], recordingContext());
    const [again] = await connected.connector.deliver([adjustment], recordingContext());
    expect(first).toMatchObject({ ok: true });
    expect(again).toEqual(first);
    expect(availableIn(sandbox, 'SOCK-3PK', 'DOWNTOWN-STORE')).toBe(before - 3);
  });
});

describe('Shopify connector: orders and customers', () => {
  it('issues one refund for the same idempotency key sent twice', async () => {
    const connected = await connectedSandbox();
    sandbox = connected.sandbox;
    const placed = sandbox.placeOrder({ email: 'buyer@example.com', lineItems: [{ sku: 'HOOD-GRY-M', quantity: 1 }] });
    if (!placed.ok) throw new Error('order refused');
    const refund = deliveryItem({
      target: 'commerce',
      kind: 'command',
      key: 'RMA-1',
      operation: ShopifyOperation.issueRefund,
      payload: { orderId: String(placed.value.id), amount: '68.00', lines: [{ sku: 'HOOD-GRY-M', quantity: 1, restock: true }] },
      idempotencyKey: 'refund:RMA-1',
    });
    const [first] = await connected.connector.deliver([refund], recordingContext());
    const [second] = await connected.connector.deliver([refund], recordingContext());
    expect(first).toMatchObject({ ok: true, externalId: expect.stringMatching(/^gid:\/\/shopify\/Refund\//) });
    expect(second).toEqual(first);
    expect(sandbox.store.refunds.size).toBe(1);
  });

  it('fulfils the order with tracking, and a redelivery returns the same fulfilment', async () => {
    const connected = await connectedSandbox();
    sandbox = connected.sandbox;
    const placed = sandbox.placeOrder({ email: 'buyer@example.com', lineItems: [{ sku: 'CAP-NVY', quantity: 2 }] });
    if (!placed.ok) throw new Error('order refused');
    const shipment = deliveryItem({
      target: 'commerce',
      kind: 'command',
      key: 'SHP-1',
      operation: ShopifyOperation.createFulfillment,
      payload: { orderId: String(placed.value.id), tracking: { company: 'UPS', number: '1Z999AA10123456784', url: 'https://www.ups.com/track?tracknum=1Z999AA10123456784' } },
      idempotencyKey: 'ship:SHP-1',
    });
    const [first] = await connected.connector.deliver([shipment], recordingContext());
    const [again] = await connected.connector.deliver([shipment], recordingContext());
    expect(first).toMatchObject({ ok: true, externalId: expect.stringMatching(/Fulfillment\//) });
    expect(again).toEqual(first);
    const fulfillments = [...sandbox.store.fulfillments.values()];
    expect(fulfillments).toHaveLength(1);
    expect(fulfillments[0]!.trackingInfo[0]).toMatchObject({ company: 'UPS', number: '1Z999AA10123456784' });
  });

  it('upserts a customer by email: created once, then updated', async () => {
    const connected = await connectedSandbox();
    sandbox = connected.sandbox;
    const customer = (family: string) =>
      deliveryItem({
        target: 'commerce',
        kind: 'state',
        key: 'C-1',
        operation: ShopifyOperation.upsertCustomer,
        payload: { name: { given: 'Mary', family, full: `Mary ${family}` }, emails: [{ address: 'mary@example.com', use: 'personal', primary: true }], phones: [] },
        idempotencyKey: `C-1#${family}`,
      });
    const [created] = await connected.connector.deliver([customer('Jackson')], recordingContext());
    const [updated] = await connected.connector.deliver([customer('Jackson-Smith')], recordingContext());
    expect(created!.ok).toBe(true);
    expect(updated).toEqual(created);
    const stored = [...sandbox.store.customers.values()].filter((entry) => entry.email === 'mary@example.com');
    expect(stored).toHaveLength(1);
    expect(stored[0]!.lastName).toBe('Jackson-Smith');
  });
});
