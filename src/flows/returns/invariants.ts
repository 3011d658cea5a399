import type { InvariantContext, InvariantResult } from '../invariants.ts';
import type { RecordStore } from '../../ports/storage.ts';
import type { RunningSandboxes } from '../../sandboxes/run-all.ts';
import { RecordEntity } from '../reference/records.ts';
import { RefundRoute, type ReturnRecord } from './record.ts';

const SHOWN = 5;
const PAGE = 500;

/** What the systems hold per RMA: credit memos in the ERP, refunds paid by the payment system. */
export interface MoneyByRma {
  memos: ReadonlyMap<string, number>;
  refunds: ReadonlyMap<string, number>;
}

/** The returns the hub settled, and how: the facts the invariant is checked against. */
export interface SettledReturn {
  rmaNumber: string;
  refunded: boolean;
  route: string | undefined;
}

/**
 * `returns.oneMemoOneRefund`: every refunded return has exactly one credit memo in the ERP and,
 * when it was paid back through the payment system, exactly one refund there (storefront and
 * outside refunds: none); and no RMA at all has two memos or two refunds.
 */
export function checkOneMemoOneRefund(returns: readonly SettledReturn[], money: MoneyByRma): InvariantResult {
  const offending: { rmaNumber: string; memos: number; refunds: number; expected: string }[] = [];
  let refunded = 0;
  for (const settled of returns) {
    if (!settled.refunded) continue;
    refunded++;
    const memos = money.memos.get(settled.rmaNumber) ?? 0;
    const refunds = money.refunds.get(settled.rmaNumber) ?? 0;
    const expectedRefunds = settled.route === RefundRoute.payments ? 1 : 0;
    if (memos !== 1 || refunds !== expectedRefunds) offending.push({ rmaNumber: settled.rmaNumber, memos, refunds, expected: `1 memo, ${expectedRefunds} refund${expectedRefunds === 1 ? '' : 's'}` });
  }
  const checked = new Set(offending.map((entry) => entry.rmaNumber));
  for (const rmaNumber of new Set([...money.memos.keys(), ...money.refunds.keys()])) {
    const memos = money.memos.get(rmaNumber) ?? 0;
    const refunds = money.refunds.get(rmaNumber) ?? 0;
    if ((memos > 1 || refunds > 1) && !checked.has(rmaNumber)) offending.push({ rmaNumber, memos, refunds, expected: 'at most 1 memo and 1 refund' });
  }
  return {
    ok: offending.length === 0,
    details: {
      refundedReturns: refunded,
      creditMemos: sum(money.memos),
      paymentRefunds: sum(money.refunds),
      offending: offending.length,
      ...(offending.length > 0 && { examples: offending.slice(0, SHOWN) }),
    },
  };
}

function sum(counts: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const count of counts.values()) total += count;
  return total;
}

/** The returns invariants, checked against the sandboxes' final state once the hub is quiet. */
export async function returnsInvariants(context: InvariantContext): Promise<Record<string, InvariantResult>> {
  const [returns, money] = await Promise.all([settledReturns(context.records), moneyByRma(context.sandboxes)]);
  return { 'returns.oneMemoOneRefund': checkOneMemoOneRefund(returns, money) };
}

export async function settledReturns(records: RecordStore): Promise<SettledReturn[]> {
  const settled: SettledReturn[] = [];
  let afterKey: string | undefined;
  for (;;) {
    const page = await records.list<ReturnRecord>(RecordEntity.return, { limit: PAGE, ...(afterKey !== undefined && { afterKey }) });
    for (const { key, data } of page) settled.push({ rmaNumber: key, refunded: data.reached.refunded !== undefined, route: data.refund?.route });
    if (page.length < PAGE) return settled;
    afterKey = page[page.length - 1]!.key;
  }
}

/**
 * Credit memos per RMA in NetSuite (by the return authorization each was created from) and
 * successful refunds per RMA in the payment system (by their `rma_number` metadata).
 */
export async function moneyByRma(sandboxes: RunningSandboxes): Promise<MoneyByRma> {
  const store = sandboxes.netsuite.records.store;
  const memos = new Map<string, number>();
  for (const memo of store.list('creditMemo')) {
    const from = memo.fields.createdFrom as { id?: string } | undefined;
    const rma = from?.id ? store.get('returnAuthorization', from.id)?.externalId : undefined;
    const key = rma ?? memo.externalId?.replace(/\.CM$/, '') ?? `memo ${memo.id}`;
    memos.set(key, (memos.get(key) ?? 0) + 1);
  }
  const response = await fetch(`${sandboxes.payments.url}/__sandbox/state`);
  if (!response.ok) throw new Error(`reading the payments sandbox state failed: ${response.status}`);
  const state = (await response.json()) as { refunds?: { status: string; metadata?: Record<string, string> }[] };
  const refunds = new Map<string, number>();
  for (const refund of state.refunds ?? []) {
    const rma = refund.metadata?.rma_number;
    if (!rma || refund.status !== 'succeeded') continue;
    refunds.set(rma, (refunds.get(rma) ?? 0) + 1);
  }
  return { memos, refunds };
}
