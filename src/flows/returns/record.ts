import { returnLifecycle } from '../../canonical/lifecycles.ts';
import type { Return, ReturnStatus } from '../../canonical/return.ts';
import type { RecordStore } from '../../ports/storage.ts';
import { PermanentError } from '../../runtime/errors.ts';
import type { FlowContext } from '../../runtime/flows/definition.ts';
import { RecordEntity } from '../reference/records.ts';
import { orderMatchKey } from './names.ts';

/** Where a return stands in the hub's process; the health panels look returns up by it. */
export const ReturnStage = {
  /** Checked, authorizing in the ERP and announcing to the warehouse. */
  authorizing: 'authorizing',
  /** Authorized; waiting for the goods (until the RMA expires). */
  awaitingReceipt: 'awaiting-receipt',
  /** Received; booking the receipt and the credit memo in the ERP. */
  crediting: 'crediting',
  /** Credited; paying the money back. */
  refunding: 'refunding',
  /** Nothing left to do (refunded, credited on account, rejected, expired, discarded). */
  done: 'done',
} as const;
export type ReturnStage = (typeof ReturnStage)[keyof typeof ReturnStage];

/** How the money goes back (see docs/flows/returns.md, "Refund routes"). */
export const RefundRoute = {
  /** Through the payment system (`payments` role), against the order's captured card payment. */
  payments: 'payments',
  /** The storefront already paid it back: the hub only books it in the ERP. */
  storefront: 'storefront',
  /** Through the storefront that took the money at checkout (`commerce` role), asked by the hub. */
  commerce: 'commerce',
  /** Not paid out: the credit memo stays as credit on the customer's account. */
  account: 'account',
  /** An operator said the money was paid back outside the hub (override). */
  outside: 'outside',
} as const;
export type RefundRoute = (typeof RefundRoute)[keyof typeof RefundRoute];

export type Milestone = 'authorized' | 'received' | 'credited' | 'refunded' | 'rejected' | 'expired';

/** The returns read model (`RecordEntity.return`, key: RMA number). */
export interface ReturnRecord {
  return: Return;
  /**
   * `service`: a case in the CRM; `storefront`: a refund the storefront already paid;
   * `storefront-request`: a customer's return request in the storefront, awaiting its approval.
   */
  origin: 'service' | 'storefront' | 'storefront-request';
  stage: ReturnStage;
  /** When the return entered its stage (ms), for "waiting longer than N minutes". */
  stageSince: number;
  /** When the request was first recorded: of two requests for the same units, the earlier counts. */
  claimedAt: number;
  /** When an authorized RMA expires without a receipt (ms). */
  expiresAt?: number;
  /** When each milestone was reached (ms), for the report and the case timeline. */
  reached: Partial<Record<Milestone, number>>;
  /** Why the return was refused, expired or given up. */
  outcome?: { code: string; message: string };
  /** The receipt event the return was credited on: any later one brought more goods (see late-receipts.ts). */
  receiptEventId?: string;
  /** What the credit memo credits, once issued. */
  credit?: { amount: string; currency: string };
  refund?: { route: RefundRoute; amount: string; currency: string; refundId?: string; processorRefundId?: string };
  /** Bumped on every write: the record's version, and the version of the CRM updates it causes. */
  revision: number;
}

/** What a change of the record may set; status moves are checked against the return lifecycle. */
export type ReturnChange = {
  status?: ReturnStatus;
  stage?: ReturnStage;
  reached?: Milestone;
  return?: Partial<Return>;
} & Partial<Pick<ReturnRecord, 'expiresAt' | 'outcome' | 'receiptEventId' | 'credit' | 'refund'>>;

/** Applies a change at `now`; a status move the return lifecycle does not allow is a bug, never silently written. */
export function applyChange(record: ReturnRecord, change: ReturnChange, now: number): ReturnRecord {
  const { status, stage, reached, return: fields, ...rest } = change;
  let next: Return = { ...record.return, ...fields };
  if (status !== undefined) {
    const move = returnLifecycle.checkTransition(record.return.status, status);
    if (!move.allowed) throw new PermanentError(`return ${record.return.rmaNumber}: ${move.message}`, { code: 'RETURN_STATUS_NOT_ALLOWED', field: 'status' });
    next = { ...next, status, sourceTimestamp: new Date(now).toISOString(), version: record.return.version + 1 };
  }
  return {
    ...record,
    ...rest,
    return: next,
    ...(stage !== undefined && stage !== record.stage && { stage, stageSince: now }),
    reached: reached ? { ...record.reached, [reached]: record.reached[reached] ?? now } : record.reached,
    revision: record.revision + 1,
  };
}

/** The record as first written for a request. */
export function newReturnRecord(request: Return, origin: ReturnRecord['origin'], now: number): ReturnRecord {
  return { return: request, origin, stage: ReturnStage.authorizing, stageSince: now, claimedAt: now, reached: {}, revision: 1 };
}

export function matchKeysOf(record: ReturnRecord): string[] {
  return [orderMatchKey(record.return.orderNumber), `stage:${record.stage}`];
}

export function saveReturnRecord(records: RecordStore, record: ReturnRecord, now: number): Promise<boolean> {
  return records.put({ entity: RecordEntity.return, key: record.return.rmaNumber, data: record, version: record.revision, matchKeys: matchKeysOf(record) }, now);
}

/**
 * Changes the return record as a journaled step: the time is taken inside the step and the
 * record written is the step's result, so a replay continues from exactly what was stored.
 */
export async function changeReturn(ctx: FlowContext, deps: { records: RecordStore; clock: () => number }, name: string, record: ReturnRecord, change: ReturnChange): Promise<ReturnRecord> {
  return ctx.step(`record:${name}`, async () => {
    const next = applyChange(record, change, deps.clock());
    await saveReturnRecord(deps.records, next, deps.clock());
    return next;
  });
}
