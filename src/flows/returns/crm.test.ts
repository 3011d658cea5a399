import { describe, expect, it } from 'vitest';
import { sampleCase, sampleReturn } from '../../canonical/fixtures.ts';
import { caseStatusOf, caseUpdate, describeCase, TIMELINE_HEADER, timelineOf } from './crm.ts';
import { applyChange, newReturnRecord, ReturnStage } from './record.ts';

const at = (iso: string) => Date.parse(iso);
const requested = () =>
  newReturnRecord(sampleReturn({ rmaNumber: 'RMA-1', status: 'requested', caseNumber: 'CASE-1', returnLocationCode: 'DC-EAST', lines: [{ orderLineNumber: 1, sku: 'SOCK', quantity: 2, reason: 'damaged' }] }), 'service', at('2026-12-01T09:00:00Z'));

describe('the case as the hub shows a return on it', () => {
  it('keeps what the customer wrote and rewrites only the timeline below its header', () => {
    const first = describeCase('Two socks arrived torn.', ['a']);
    expect(first).toBe(`Two socks arrived torn.\n\n${TIMELINE_HEADER}\na`);
    expect(describeCase(first, ['a', 'b'])).toBe(`Two socks arrived torn.\n\n${TIMELINE_HEADER}\na\nb`);
    expect(describeCase(undefined, ['a'])).toBe(`${TIMELINE_HEADER}\na`);
  });

  it('tells each milestone in words, and the case status follows: open, then resolved or closed', () => {
    let record = applyChange(requested(), { status: 'authorized', reached: 'authorized', stage: ReturnStage.awaitingReceipt }, at('2026-12-01T09:05:00Z'));
    expect(timelineOf(record)).toEqual(['2026-12-01 09:00 UTC RMA-1 requested: 2 × SOCK', '2026-12-01 09:05 UTC RMA-1 authorized: send the items to DC-EAST']);
    expect(caseStatusOf(record)).toBe('open');
    record = applyChange(record, { status: 'received', reached: 'received' }, at('2026-12-03T10:00:00Z'));
    record = applyChange(record, { status: 'inspected' }, at('2026-12-03T10:00:00Z'));
    record = applyChange(record, { status: 'credited', reached: 'credited', credit: { amount: '29.00', currency: 'USD' } }, at('2026-12-03T10:01:00Z'));
    record = applyChange(record, { status: 'refunded', reached: 'refunded', stage: ReturnStage.done, refund: { route: 'payments', amount: '29.00', currency: 'USD' } }, at('2026-12-03T10:02:00Z'));
    expect(timelineOf(record).slice(2)).toEqual([
      '2026-12-03 10:00 UTC items received: 2 × SOCK',
      '2026-12-03 10:01 UTC credit memo issued for 29.00 USD',
      '2026-12-03 10:02 UTC refunded to the original payment: 29.00 USD',
    ]);
    expect(caseUpdate(sampleCase({ caseNumber: 'CASE-1', description: 'Two socks arrived torn.' }), record)).toMatchObject({ status: 'resolved', rmaNumber: 'RMA-1', description: expect.stringContaining('refunded to the original payment') });
  });

  it('closes the case of a refused return with the reason', () => {
    const refused = applyChange(requested(), { status: 'rejected', reached: 'rejected', stage: ReturnStage.done, outcome: { code: 'NOT_DELIVERED', message: 'SOCK has not been delivered' } }, at('2026-12-01T09:01:00Z'));
    expect(caseStatusOf(refused)).toBe('closed');
    expect(timelineOf(refused)[1]).toBe('2026-12-01 09:01 UTC return refused: SOCK has not been delivered');
  });
});
