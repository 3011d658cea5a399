import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ActionKind } from './actions.ts';
import { readOrderHistory } from './order-history.ts';
import { replayOrderHistory } from './replay.ts';

const HEADER = 'order_id,customer_id,channel,placed_at,paid_at,shipped_at,delivered_at,returned_at,items,payments,return_reason';
const csv = (...rows: string[]) => [HEADER, ...rows].join('\n');

describe('readOrderHistory', () => {
  it('reads the shipped sample without problems', () => {
    const text = readFileSync(new URL('./samples/order-history.csv', import.meta.url), 'utf8');
    const { rows, problems } = readOrderHistory(text);
    expect(problems).toEqual([]);
    expect(rows.map((row) => row.orderId)).toEqual(['WEB-210001', 'WEB-210002', 'POS-310001', 'B2B-410001', 'WEB-210003', 'POS-310002', 'WEB-210004']);
    expect(rows[0]).toMatchObject({
      line: 2, customerId: 'CUST-0001', channel: 'web', placedAt: Date.parse('2026-11-20T08:05:00Z'),
      items: [{ sku: 'TRAIL-RUNNER-42-BLU', quantity: 1, unitPrice: '119.99' }, { sku: 'MERINO-SOCK-M-GRY', quantity: 2, unitPrice: '14.50' }],
      payments: [{ method: 'card', amountMinor: 14899 }], carrier: 'UPS',
    });
    expect(rows[2]?.payments).toEqual([{ method: 'card', amountMinor: 4750 }, { method: 'gift_card', amountMinor: 2000 }]);
  });

  it('keeps good rows and reports each bad one with its line and column', () => {
    const { rows, problems } = readOrderHistory(
      csv(
        'W-1,C-1,web,2026-11-20T08:00:00Z,,,,,SKU-A:1:10.00,card:10.00,',
        'W-2,C-1,web,yesterday,,,,,SKU-A:1:10.00,,',
        'W-3,,web,2026-11-20T08:00:00Z,,,,,SKU-A:0:10.00,,',
        'W-4,C-2,mail,2026-11-20T08:00:00Z,,,,,SKU-A:1:10.00,bitcoin:3,',
        'W-5,C-2,web,2026-11-20T08:00:00Z,,2026-11-20T07:00:00Z,2026-11-21T08:00:00Z,,SKU-A:1:ten,,',
        'W-6,C-3,web,2026-11-20T08:00:00Z,,,2026-11-21T08:00:00Z,,SKU-A:1:10.00,,lost',
        'W-1,C-1,web,2026-11-20T09:00:00Z,,,,,SKU-B:1:5.00,,',
        'W-7,C-3,store,2026-11-20T10:00:00,,,,,SKU-A:1:10.00,,',
        'W-8,C-3,b2b,2026-11-20T10:00:00+01:00,,,,,SKU-A:2:10;SKU-B:1:3.5,,',
      ),
    );
    expect(rows.map((row) => row.orderId)).toEqual(['W-1', 'W-8']);
    expect(rows[1]?.items).toEqual([{ sku: 'SKU-A', quantity: 2, unitPrice: '10.00' }, { sku: 'SKU-B', quantity: 1, unitPrice: '3.50' }]);
    const where = problems.map((p) => `${p.line}:${p.column}`);
    expect(where).toEqual([
      '3:placed_at',
      '4:customer_id', '4:items',
      '5:channel', '5:payments',
      '6:shipped_at', '6:items',
      '7:delivered_at', '7:return_reason',
      '8:order_id',
      '9:placed_at',
    ]);
    expect(problems.find((p) => p.line === 8)?.message).toBe('order W-1 appears again (first on line 2)');
    expect(problems.find((p) => p.line === 6 && p.column === 'shipped_at')?.message).toBe('is before placed_at');
    expect(problems.find((p) => p.line === 3)?.message).toContain('"yesterday" is not an ISO 8601 timestamp');
  });

  it('reports a row that is not valid CSV and goes on with the next', () => {
    const { rows, problems } = readOrderHistory(csv('W-1,C-1,web,2026-11-20T08:00:00Z,,,,,SKU-A:1:10.00,,', 'W-2,C-1,web,2026-11-20T08:00:00Z,,,,,SKU-A:1:10.00,,,extra,columns', 'W-3,C-1,web,2026-11-20T09:00:00Z,,,,,SKU-A:1:10.00,,'));
    expect(rows.map((row) => row.orderId)).toEqual(['W-1', 'W-3']);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.line).toBe(3);
    expect(problems[0]?.message).toMatch(/not valid CSV/);
  });

  it('refuses a file without the required columns, naming them', () => {
    const { rows, problems } = readOrderHistory('order,customer\nW-1,C-1\n');
    expect(rows).toEqual([]);
    expect(problems).toEqual([{ line: 1, message: expect.stringContaining('order_id, customer_id, placed_at, items') }]);
  });
});

describe('replayOrderHistory', () => {
  it('turns each lifecycle stage into timed actions, scaled into the duration', () => {
    const { rows } = readOrderHistory(
      csv(
        'W-1,C-1,web,2026-11-20T08:00:00Z,2026-11-20T08:00:00Z,2026-11-20T10:00:00Z,2026-11-20T12:00:00Z,2026-11-20T18:00:00Z,SKU-A:1:10.00,card:10.00,damaged',
        'S-1,C-2,store,2026-11-20T09:00:00Z,,,,,SKU-A:1:10.00,,',
        'B-1,C-3,b2b,2026-11-20T10:00:00Z,,,,2026-11-20T11:00:00Z,SKU-A:1:10.00,,',
      ),
    );
    const actions = replayOrderHistory(rows, { durationMs: 10_000 });
    const summary = actions.map((a) => `${a.atMs} ${a.kind}${'milestone' in a && a.milestone ? `:${a.milestone}` : ''} ${'orderRef' in a ? a.orderRef : ''}`);
    // 10 hours of history in 10 s: one hour per second.
    expect(summary).toEqual([
      '0 storefront-order W-1',
      '0 payment-capture W-1',
      '1000 store-order S-1',
      '2000 shipment-milestone:picked W-1',
      '2000 shipment-milestone:packed W-1',
      '2000 shipment-milestone:shipped W-1',
      '2000 b2b-order B-1',
      '3000 service-return-case B-1',
      '4000 shipment-milestone:delivered W-1',
      '10000 storefront-return W-1',
    ]);
    expect(actions.map((a) => a.sequence)).toEqual(actions.map((_, index) => index));
    const refund = actions.find((a) => a.kind === ActionKind.storefrontReturn);
    expect(refund).toMatchObject({ reason: 'damaged', customerNumber: 'C-1' });
    expect(replayOrderHistory(rows, { timeScale: 1 / 3600 }).at(-1)?.atMs).toBe(10_000);
  });
});
