import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../../adapters/sqlite/index.ts';
import { sampleReturn } from '../../canonical/fixtures.ts';
import { flowSettings } from '../settings.ts';
import { awaitingCreditOrRefundPanel, nearExpiryPanel } from './panels.ts';
import { applyChange, newReturnRecord, ReturnStage, saveReturnRecord, type ReturnChange } from './record.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
const settings = flowSettings({ returns: { awaitingAlertMinutes: 30, nearExpiryDays: 2 } }).returns;
let adapters: EmbeddedAdapters | undefined;
afterEach(async () => {
  await adapters?.close();
  adapters = undefined;
});

async function stored(rmaNumber: string, at: number, change: ReturnChange): Promise<void> {
  const record = applyChange(newReturnRecord(sampleReturn({ rmaNumber, orderNumber: `WEB-${rmaNumber}`, status: 'requested' }), 'service', at), change, at);
  await saveReturnRecord(adapters!.storage.records, record, at);
}

describe('returns health panels', () => {
  it('lists the returns waiting for their credit memo or refund longer than the alert time, oldest first', async () => {
    adapters = await openSqlite({ path: ':memory:' });
    const now = 10 * DAY;
    await stored('RMA-OLD', now - 90 * MINUTE, { stage: ReturnStage.refunding });
    await stored('RMA-MID', now - 45 * MINUTE, { stage: ReturnStage.crediting });
    await stored('RMA-NEW', now - 5 * MINUTE, { stage: ReturnStage.crediting });
    await stored('RMA-WAIT', now - 90 * MINUTE, { stage: ReturnStage.awaitingReceipt });
    const result = await awaitingCreditOrRefundPanel(settings).evaluate({ storage: adapters.storage, bus: adapters.bus, now });
    expect(result).toMatchObject({ status: 'warning', value: 2, summary: '2 returns waiting for a credit memo or refund longer than 30 min' });
    expect(result.items).toEqual([
      { businessKey: 'RMA-OLD', detail: 'waiting for the refund for 1.5 h (order WEB-RMA-OLD)', since: now - 90 * MINUTE },
      { businessKey: 'RMA-MID', detail: 'waiting for the credit memo for 45 min (order WEB-RMA-MID)', since: now - 45 * MINUTE },
    ]);
  });

  it('lists authorized returns whose RMA expires soon, soonest first', async () => {
    adapters = await openSqlite({ path: ':memory:' });
    const now = 10 * DAY;
    await stored('RMA-SOON', now - DAY, { stage: ReturnStage.awaitingReceipt, expiresAt: now + DAY });
    await stored('RMA-LATER', now - DAY, { stage: ReturnStage.awaitingReceipt, expiresAt: now + 10 * DAY });
    await stored('RMA-DONE', now - DAY, { stage: ReturnStage.done, expiresAt: now + DAY });
    const result = await nearExpiryPanel(settings).evaluate({ storage: adapters.storage, bus: adapters.bus, now });
    expect(result).toMatchObject({ status: 'warning', value: 1, items: [{ businessKey: 'RMA-SOON', detail: 'expires in 24 h (order WEB-RMA-SOON)' }] });
    expect((await nearExpiryPanel(settings).evaluate({ storage: adapters.storage, bus: adapters.bus, now: now - 9 * DAY })).value).toBe(0);
  });
});
