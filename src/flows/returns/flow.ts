import { schemaUri } from '../../canonical/entity.ts';
import type { Refund } from '../../canonical/payment.ts';
import type { Return } from '../../canonical/return.ts';
import type { RecordStore } from '../../ports/storage.ts';
import { PermanentError } from '../../runtime/errors.ts';
import { defineFlow, type FlowContext, type FlowDefinition } from '../../runtime/flows/definition.ts';
import { raiseAndAwaitOperator } from '../../runtime/flows/operator.ts';
import type { FlowSettings } from '../settings.ts';
import { showInCrm } from './crm.ts';
import { creditTotal, decideEligibility, type EligibilityDecision } from './eligibility.ts';
import { orderOf, readEligibilityFacts, type EligibilityFacts } from './facts.ts';
import { ReturnEvent, ReturnException, ReturnFlow, ReturnsRecord } from './names.ts';
import { lookAtOrder, orderLookPausesMs } from './order-looks.ts';
import { deliverConfirmed, type CommandResult, type OutcomeIo } from './outcomes.ts';
import { changeReturn, newReturnRecord, ReturnStage, saveReturnRecord, type ReturnChange, type ReturnRecord } from './record.ts';
import { payBack } from './refund.ts';
import { receivedLines, creditableLines } from './receipt.ts';
import { approveInStorefront, completeStorefrontRequest, endInStorefront, storefrontRequestOf, type StorefrontRequest } from './storefront-request.ts';

const DAY_MS = 86_400_000;

export interface ReturnsFlowDeps {
  records: RecordStore;
  settings: FlowSettings['returns'];
  /** Role → system name, to tell where an order was placed (and paid). */
  systems: Readonly<Record<string, string>>;
  io: OutcomeIo;
  clock: () => number;
}

/**
 * One durable instance per RMA, from `retail.return.requested.v1` to the refund:
 * wait until the ERP has booked the order → check eligibility → authorize in the ERP → expect the goods in the WMS → wait for the receipt
 * (or expire) → inspect the conditions → receive and credit in the ERP → pay back → close the case.
 * Every milestone is written to the return read model and shown in the CRM; every command the
 * next step depends on is awaited, and its failure goes to an operator (see outcomes.ts).
 */
export function returnsFlow(deps: ReturnsFlowDeps): FlowDefinition {
  return defineFlow({
    name: ReturnFlow.returns,
    startsOn: [ReturnEvent.requested],
    instanceId: (event) => `${ReturnFlow.returns}:${event.subject ?? event.id}`,
    async run(ctx, event) {
      await new ReturnProcess(ctx, deps, completeStorefrontRequest(event.data as Return, deps)).run();
    },
  });
}

/** The steps of one return; `record` is always the last state written (journaled, so replays agree). */
class ReturnProcess {
  private record!: ReturnRecord;
  /** The lines the ERP authorized (the record's lines become what was received later). */
  private authorizedLines: Return['lines'] | undefined;
  private readonly rma: string;
  /** The storefront's return a customer's request answers to (see storefront-request.ts). */
  private readonly storefront: StorefrontRequest | undefined;
  /** Whether the storefront was told the request is approved: then it is closed at the end, else declined. */
  private approvedInStorefront = false;

  constructor(
    private readonly ctx: FlowContext,
    private readonly deps: ReturnsFlowDeps,
    private readonly request: Return,
  ) {
    this.rma = request.rmaNumber;
    this.storefront = storefrontRequestOf(request, deps.systems);
  }

  private get io(): OutcomeIo {
    return this.deps.io;
  }

  private get context() {
    return { entity: 'return', businessKey: this.rma, orderNumber: this.request.orderNumber, ...(this.request.caseNumber !== undefined && { caseNumber: this.request.caseNumber }) };
  }

  async run(): Promise<void> {
    const origin = this.request.refundIds.length > 0 ? 'storefront' : this.storefront ? 'storefront-request' : 'service';
    this.record = await this.ctx.step('record:requested', async () => {
      const record = newReturnRecord(this.request, origin, this.deps.clock());
      await saveReturnRecord(this.deps.records, record, this.deps.clock());
      return record;
    });
    const checked = await this.checkAgainstBookedOrder(origin);
    if (!checked) return;
    const { facts, decision } = checked;
    if (!decision.eligible && origin !== 'storefront') {
      // Only after an operator's override of ORDER_NOT_BOOKED for an order the hub still does not know: nothing to authorize against.
      await this.reject('ineligible-overridden', decision);
      return;
    }
    if (!decision.eligible) {
      // The storefront has refunded already: the books must show it; someone should look at why.
      await this.ctx.raise('outside-policy', {
        code: ReturnException.storefrontOutsidePolicy,
        message: `the storefront refunded ${this.rma} although ${decision.problems.map((problem) => problem.message).join('; ')}`,
        context: { ...this.context, reasons: decision.problems.map((problem) => problem.code) },
      });
    }
    const currency = decision.currency ?? (await this.storefrontCurrency());
    if (!(await this.authorize(decision))) return;
    if (this.storefront && !(await this.approveRequest(this.storefront))) return;
    const received = origin === 'storefront' ? { lines: this.record.return.lines } : await this.awaitGoods();
    if (!received) return;
    const creditable = await this.inspect(received);
    if (!creditable) return;
    const amount = creditTotal(creditable, currency);
    if (!(await this.credit(amount, currency))) return;
    await this.refund(facts, decision, amount, currency);
  }

  /**
   * The facts and the decision the return goes on with, once the ERP has booked the order. An RMA
   * against an order the ERP does not hold is refused there for good (NetSuite: "Invalid Field
   * Value … for the following field: createdFrom"), and the order's events may still be on their
   * way (a storefront redelivers the webhooks a stopped hub did not answer, in any order; the
   * booking is reported by a poller). So the order is looked at again after each of
   * `orderLookPausesSeconds` until it is booked, and eligibility is decided on the facts as they
   * are then. A service request that is not eligible is refused without the ERP (an unknown order
   * as ORDER_NOT_FOUND); an order still not booked is raised as ORDER_NOT_BOOKED: retry looks
   * again, resolve sends the RMA anyway (the operator says the ERP holds the order), discard
   * cancels the return. Undefined when the return ends here.
   */
  private async checkAgainstBookedOrder(origin: ReturnRecord['origin']): Promise<{ facts: EligibilityFacts; decision: EligibilityDecision } | undefined> {
    const pausesMs = orderLookPausesMs(this.deps.settings);
    for (let round = 1; ; round++) {
      // Round 1's facts and refusal keep their step names from before the wait existed, so returns
      // under way then replay to the decision they made.
      const suffix = round === 1 ? '' : `-${round}`;
      const order = await lookAtOrder(this.ctx, {
        records: this.deps.records,
        orderNumber: this.request.orderNumber,
        pausesMs,
        name: `booking${suffix}`,
        wakeOn: 'retail.order.booked.v1',
        enough: (seen) => seen?.booked !== undefined,
      });
      const facts = await this.ctx.step(`facts${suffix}`, () => readEligibilityFacts(this.deps.records, this.request));
      const decision = decideEligibility({ request: this.request, facts, settings: this.deps.settings, claimedAt: this.record.claimedAt });
      // A storefront request for an order the hub does not know yet waits like a storefront refund (ORDER_NOT_BOOKED):
      // the storefront holds the order, so the hub missed its webhook rather than the customer named a wrong one.
      const refusable = origin === 'service' || (origin === 'storefront-request' && orderOf(facts.order) !== undefined);
      if (!decision.eligible && refusable) {
        await this.reject(`ineligible${suffix}`, decision);
        return undefined;
      }
      // The booking event itself is proof enough: the facts may record it a moment later.
      if (order.facts?.booked || order.eventSeen) return { facts, decision };
      const resolution = await raiseAndAwaitOperator(this.ctx, `order-not-booked-${round}`, {
        code: ReturnException.orderNotBooked,
        message: this.notBookedMessage(facts, pausesMs),
        context: { ...this.context, round, orderKnown: orderOf(facts.order) !== undefined },
      });
      if (resolution.decision === 'discard') {
        await this.giveUp('order-not-booked', 'cancelled', { outcome: 'discarded', payload: undefined, reason: resolution.reason });
        return undefined;
      }
      if (resolution.decision === 'override') return { facts, decision };
    }
  }

  /** What ORDER_NOT_BOOKED tells the operator: which order, what was waited for, what each decision does. */
  private notBookedMessage(facts: EligibilityFacts, pausesMs: readonly number[]): string {
    const waited = `${Math.round(pausesMs.reduce((sum, ms) => sum + ms, 0) / 1_000)} s`;
    const order = this.request.orderNumber;
    const why = orderOf(facts.order)
      ? `order ${order} is not booked in the ERP (no booking reported within ${waited}; order capture may hold it, e.g. for a price mismatch or an unknown SKU)`
      : `order ${order} is not known to the hub (not seen within ${waited})`;
    const refunded = this.request.refundIds.length > 0 ? ' The storefront has already refunded it: the ERP must still book the return.' : '';
    return `${why}, so no RMA is sent for ${this.rma}: the ERP would refuse it.${refunded} Retry once the order is booked; resolve if the ERP holds the order anyway (the RMA is sent); discard cancels the return.`;
  }

  private async change(name: string, change: ReturnChange): Promise<ReturnRecord> {
    this.record = await changeReturn(this.ctx, this.deps, name, this.record, change);
    return this.record;
  }

  private async show(name: string): Promise<void> {
    await showInCrm(this.ctx, this.deps.records, name, this.record);
  }

  private async emit(name: string, type: string, data: Return): Promise<void> {
    await this.ctx.emit(name, { type, subject: this.rma, data, dataschema: schemaUri('return', 1) });
  }

  /** Refused: recorded with the reasons, shown on the case (closed), announced. */
  private async reject(name: string, decision: Pick<EligibilityDecision, 'problems'>): Promise<void> {
    const [first] = decision.problems;
    const message = decision.problems.map((problem) => problem.message).join('; ').slice(0, 1000);
    await this.change(name, { status: 'rejected', stage: ReturnStage.done, reached: 'rejected', outcome: { code: first?.code ?? 'REJECTED', message }, return: { statusReason: message } });
    await this.emit(`${name}:event`, ReturnEvent.rejected, this.record.return);
    await this.show(name);
    await this.endInStorefront(name, decision.problems);
  }

  /** The storefront's return ends with the hub's: closed once approved, declined (with the problems) before. */
  private async endInStorefront(name: string, problems: Pick<EligibilityDecision, 'problems'>['problems'] = []): Promise<void> {
    if (!this.storefront) return;
    await endInStorefront({ ctx: this.ctx, rma: this.rma, request: this.storefront, context: this.context, name, approved: this.approvedInStorefront, problems });
  }

  /** The customer's request approved in the storefront, once the ERP holds the RMA; false when an operator discarded it (the RMA is closed). */
  private async approveRequest(storefront: StorefrontRequest): Promise<boolean> {
    const result = await approveInStorefront({ ctx: this.ctx, io: this.io, rma: this.rma, request: storefront, context: this.context });
    if (result.outcome === 'discarded') {
      await this.closeRmaInErp('storefront-approval');
      await this.giveUp('storefront-approve', 'cancelled', result);
      return false;
    }
    this.approvedInStorefront = true;
    return true;
  }

  /** The storefront's refund currency, for a storefront return of an order the hub does not know. */
  private async storefrontCurrency(): Promise<string> {
    const refundId = this.request.refundIds[0];
    const currency = await this.ctx.step('storefront-currency', async () => (refundId ? ((await this.deps.records.get<Refund>(ReturnsRecord.refund, refundId))?.data.currency ?? null) : null));
    if (!currency) throw new PermanentError(`return ${this.rma}: the currency is unknown (order ${this.request.orderNumber} is not known to the hub)`, { code: 'CURRENCY_UNKNOWN', field: 'orderNumber' });
    return currency;
  }

  /** The RMA in the ERP (approved) and the CRM; false when an operator discarded it. */
  private async authorize(decision: EligibilityDecision): Promise<boolean> {
    await this.change('checked', {
      return: {
        lines: decision.lines,
        ...(decision.customerId !== undefined && this.request.customerId === undefined && { customerId: decision.customerId }),
      },
    });
    const result = await deliverConfirmed(this.ctx, this.io, {
      name: 'authorize',
      code: ReturnException.authorizationFailed,
      what: `the return authorization of ${this.rma} in the ERP`,
      payload: { ...this.record.return, status: 'authorized' } as Return,
      context: this.context,
      delivery: (rma) => ({ target: 'erp', kind: 'command', key: this.rma, operation: 'authorizeReturn', payload: rma, context: { ...this.context, operation: 'authorizeReturn' } }),
    });
    if (result.outcome === 'discarded') {
      await this.giveUp('authorize', 'cancelled', result);
      return false;
    }
    // A corrected RMA (fix) is what the ERP now holds: keep its lines.
    await this.change('authorized', { status: 'authorized', reached: 'authorized', return: { lines: result.payload.lines } });
    this.authorizedLines = result.payload.lines;
    await this.emit('authorized:event', ReturnEvent.authorized, this.record.return);
    await this.show('authorized');
    return true;
  }

  /** Announces the goods to the warehouse and waits for them; undefined when the RMA expired or was given up. */
  private async awaitGoods(): Promise<{ lines: Return['lines']; eventId: string } | undefined> {
    const expected = await deliverConfirmed(this.ctx, this.io, {
      name: 'expect-receipt',
      code: ReturnException.expectedReceiptFailed,
      what: `the expected receipt of ${this.rma} in the WMS`,
      payload: this.record.return,
      context: this.context,
      delivery: (rma) => ({ target: 'wms', kind: 'command', key: this.rma, operation: 'expectReturnReceipt', payload: rma, context: { ...this.context, operation: 'expectReturnReceipt' } }),
    });
    if (expected.outcome === 'discarded') {
      await this.closeRmaInErp('discarded');
      await this.giveUp('expect-receipt', 'cancelled', expected);
      return undefined;
    }
    const validityMs = Math.round(this.deps.settings.rmaExpiryDays * DAY_MS);
    const since = await this.ctx.step('awaiting-receipt-since', () => this.deps.clock());
    await this.change('awaiting-receipt', { stage: ReturnStage.awaitingReceipt, expiresAt: since + validityMs });
    await this.show('awaiting-receipt');
    const receipt = await this.ctx.waitForEvent('received', { type: ReturnEvent.received, timeoutMs: validityMs });
    if (!receipt) {
      await this.expire();
      return undefined;
    }
    return { lines: receivedLines(this.record.return.lines, receipt.data as Return), eventId: receipt.id };
  }

  /** No goods within the RMA's validity: closed in the ERP, the case told, announced. */
  private async expire(): Promise<void> {
    const days = this.deps.settings.rmaExpiryDays;
    const message = `RMA expired: nothing was received within ${days} day${days === 1 ? '' : 's'}; the RMA is closed`;
    await this.change('expired', { status: 'cancelled', stage: ReturnStage.done, reached: 'expired', outcome: { code: 'RMA_EXPIRED', message }, return: { statusReason: message } });
    await this.closeRmaInErp('expired');
    await this.emit('expired:event', ReturnEvent.expired, this.record.return);
    await this.show('expired');
    await this.endInStorefront('expired');
  }

  /**
   * The RMA cancelled in the ERP, with the lines it was authorized with (the WMS has no
   * cancellation: a late parcel is flagged on arrival).
   */
  private async closeRmaInErp(name: string): Promise<void> {
    await this.ctx.deliver(`close-rma:${name}`, {
      target: 'erp',
      kind: 'command',
      key: this.rma,
      operation: 'authorizeReturn',
      payload: { ...this.record.return, lines: this.authorizedLines ?? this.record.return.lines, status: 'cancelled' },
      context: { ...this.context, operation: 'authorizeReturn', purpose: 'close' },
    });
  }

  /** Checks what arrived: lines in a condition the retailer takes back are credited; none at all rejects the return. */
  private async inspect(received: { lines: Return['lines']; eventId?: string }): Promise<Return['lines'] | undefined> {
    await this.change('received', {
      status: 'received',
      stage: ReturnStage.crediting,
      reached: 'received',
      return: { lines: received.lines },
      ...(received.eventId !== undefined && { receiptEventId: received.eventId }),
    });
    await this.show('received');
    const creditable = creditableLines(received.lines, this.deps.settings.allowedConditions);
    if (creditable.length === 0) {
      const conditions = [...new Set(received.lines.map((line) => line.condition ?? 'unknown'))].join(', ');
      await this.change('inspected', { status: 'inspected' });
      await this.reject('inspection-failed', { problems: [{ code: 'CONDITION_NOT_ALLOWED', message: `the items arrived ${conditions}, which is not taken back (accepted: ${this.deps.settings.allowedConditions.join(', ')})` }] });
      await this.closeRmaInErp('inspection-failed');
      return undefined;
    }
    await this.change('inspected', { status: 'inspected', return: { lines: creditable } });
    return creditable;
  }

  /** Receipt and credit memo in the ERP, each awaited; false when an operator gave up. */
  private async credit(amount: string, currency: string): Promise<boolean> {
    for (const step of [
      { name: 'receive', operation: 'receiveReturn', code: ReturnException.receiptFailed, what: `the item receipt of ${this.rma} in the ERP` },
      { name: 'credit-memo', operation: 'issueCreditMemo', code: ReturnException.creditMemoFailed, what: `the credit memo of ${this.rma}` },
    ]) {
      const result = await deliverConfirmed(this.ctx, this.io, {
        ...step,
        payload: this.record.return,
        context: { ...this.context, amount, currency },
        delivery: (rma) => ({ target: 'erp', kind: 'command', key: this.rma, operation: step.operation, payload: rma, context: { ...this.context, operation: step.operation, amount, currency } }),
      });
      if (result.outcome === 'discarded') {
        await this.giveUp(step.name, 'rejected', result);
        return false;
      }
      if (step.name === 'credit-memo') {
        const creditMemoId = result.outcome === 'done' && result.externalId !== null ? result.externalId : undefined;
        await this.change('credited', {
          status: 'credited',
          stage: ReturnStage.refunding,
          reached: 'credited',
          credit: { amount, currency },
          ...(creditMemoId !== undefined && { return: { creditMemoId } }),
        });
        await this.emit('credited:event', ReturnEvent.credited, { ...this.record.return, creditMemoId: this.record.return.creditMemoId ?? `${this.rma}.CM` });
        await this.show('credited');
      }
    }
    return true;
  }

  private async refund(facts: EligibilityFacts, decision: EligibilityDecision, amount: string, currency: string): Promise<void> {
    const outcome = await payBack(this.ctx, this.deps, { record: this.record, facts, amount, currency, ...(decision.paidBy !== undefined && { paidBy: decision.paidBy }) });
    if (!outcome.refunded) {
      await this.change('settled-on-account', { stage: ReturnStage.done, refund: { route: outcome.route, amount, currency }, outcome: { code: 'CREDITED_ON_ACCOUNT', message: outcome.reason } });
      await this.show('settled-on-account');
      await this.endInStorefront('settled-on-account');
      return;
    }
    const refundId = outcome.refund.hubId;
    await this.change('refunded', {
      status: 'refunded',
      stage: ReturnStage.done,
      reached: 'refunded',
      refund: { route: outcome.route, amount, currency, refundId, ...(outcome.processorRefundId !== undefined && { processorRefundId: outcome.processorRefundId }) },
      return: { refundIds: [...new Set([...this.record.return.refundIds, refundId])] },
    });
    await this.show('refunded');
    await this.endInStorefront('refunded');
  }

  /** An operator discarded a step: the return ends there, with the reason. */
  private async giveUp(step: string, status: 'cancelled' | 'rejected', result: Extract<CommandResult<unknown>, { outcome: 'discarded' }>): Promise<void> {
    const message = `given up by an operator at ${step}: ${result.reason}`.slice(0, 1000);
    await this.change(`discarded:${step}`, { status, stage: ReturnStage.done, outcome: { code: 'DISCARDED', message }, return: { statusReason: message } });
    await this.show(`discarded:${step}`);
    await this.endInStorefront(`discarded:${step}`);
  }
}
