import { describe, expect, it } from 'vitest';
import { sampleReturn } from '../../canonical/fixtures.ts';
import { applyChange, matchKeysOf, newReturnRecord, ReturnStage } from './record.ts';

const record = () => newReturnRecord(sampleReturn({ rmaNumber: 'RMA-1', orderNumber: 'WEB-1', status: 'requested' }), 'service', 1_000);

describe('the return record', () => {
  it('moves the return along its lifecycle, stamping the stage change and each milestone once', () => {
    const authorized = applyChange(record(), { status: 'authorized', reached: 'authorized', stage: ReturnStage.awaitingReceipt }, 2_000);
    expect(authorized).toMatchObject({ revision: 2, stage: 'awaiting-receipt', stageSince: 2_000, reached: { authorized: 2_000 }, return: { status: 'authorized', sourceTimestamp: new Date(2_000).toISOString() } });
    const again = applyChange(authorized, { reached: 'authorized', stage: ReturnStage.awaitingReceipt, expiresAt: 9_000 }, 3_000);
    expect(again).toMatchObject({ revision: 3, stageSince: 2_000, reached: { authorized: 2_000 }, expiresAt: 9_000 });
    expect(matchKeysOf(again)).toEqual(['order:WEB-1', 'stage:awaiting-receipt']);
  });

  it('refuses a move the return lifecycle does not allow, naming it', () => {
    expect(() => applyChange(record(), { status: 'refunded' }, 2_000)).toThrow(/return RMA-1: .*requested.*refunded|cannot become refunded/);
  });
});
