import type { Return } from '../../canonical/return.ts';
import type { FlowContext } from '../../runtime/flows/definition.ts';
import { roleOfSystem } from '../module.ts';
import type { FlowSettings } from '../settings.ts';
import { IneligibleReason, type EligibilityProblem } from './eligibility.ts';
import { ReturnException } from './names.ts';
import { deliverConfirmed, type CommandResult, type OutcomeIo } from './outcomes.ts';

/**
 * A return the customer asked for in the storefront (Shopify: a Return in status REQUESTED,
 * reported by its returns/request webhook as `retail.return.requested.v1` from the `commerce`
 * role), which waits there for the merchant's answer: the hub approves it once it has authorized
 * the RMA, declines it with the reason when the policy refuses it, and closes it once settled.
 */
export interface StorefrontRequest {
  /** The storefront's own id of the return (Shopify: `gid://shopify/Return/…`), from the request's external ids. */
  returnId: string;
}

/**
 * The storefront return a request answers to: a request from the `commerce` role that names the
 * storefront's return in its external ids, neither through a case nor already refunded (those
 * are a service request and a storefront refund). Undefined for every other request.
 */
export function storefrontRequestOf(request: Return, systems: Readonly<Record<string, string>>): StorefrontRequest | undefined {
  if (request.caseNumber !== undefined || request.refundIds.length > 0) return undefined;
  if (roleOfSystem(systems, request.sourceSystem) !== 'commerce') return undefined;
  const returnId = request.externalIds[request.sourceSystem];
  return returnId ? { returnId } : undefined;
}

/** A storefront request as the process takes it: sent to the return location of the settings unless it names one. */
export function completeStorefrontRequest(request: Return, options: { systems: Readonly<Record<string, string>>; settings: FlowSettings['returns'] }): Return {
  if (!storefrontRequestOf(request, options.systems) || request.returnLocationCode !== undefined) return request;
  return { ...request, returnLocationCode: options.settings.returnLocationCode };
}

/** Shopify's ReturnDeclineReason (https://shopify.dev/docs/api/admin-graphql/latest/enums/ReturnDeclineReason). */
export type StorefrontDeclineReason = 'RETURN_PERIOD_ENDED' | 'FINAL_SALE' | 'OTHER';

/** ReturnDeclineRequestInput.declineNote: "Maximum length: 500 characters." */
const DECLINE_NOTE_MAX = 500;

/**
 * Why the storefront is told a request is declined: FINAL_SALE when the order was sold as final
 * sale, RETURN_PERIOD_ENDED when a line is outside its window, OTHER otherwise; the note (shown
 * to the customer) names every problem, e.g. "Return refused: TRAIL-TEE-M-BLK was delivered on
 * 2026-10-01; Apparel is taken back for 30 days (until 2026-10-31)".
 */
export function storefrontDecline(problems: readonly Pick<EligibilityProblem, 'code' | 'message'>[], fallback: string): { reason: StorefrontDeclineReason; note: string } {
  const has = (code: string) => problems.some((problem) => problem.code === code);
  const reason: StorefrontDeclineReason = has(IneligibleReason.notReturnable) ? 'FINAL_SALE' : has(IneligibleReason.outsideWindow) ? 'RETURN_PERIOD_ENDED' : 'OTHER';
  const why = problems.length > 0 ? problems.map((problem) => problem.message).join('; ') : fallback;
  return { reason, note: `Return refused: ${why}`.slice(0, DECLINE_NOTE_MAX) };
}

interface StorefrontCommandOptions {
  ctx: FlowContext;
  rma: string;
  request: StorefrontRequest;
  context: Record<string, unknown>;
}

/**
 * Approves the request in the storefront (`commerce` approveReturn), awaited: the customer is
 * told to send the goods only once the ERP holds the RMA. A refusal goes to an operator
 * (STOREFRONT_RETURN_APPROVAL_FAILED): retry, resolve (approved by hand) or discard.
 */
export function approveInStorefront(options: StorefrontCommandOptions & { io: OutcomeIo }): Promise<CommandResult<StorefrontRequest>> {
  const { rma, context } = options;
  return deliverConfirmed(options.ctx, options.io, {
    name: 'storefront-approve',
    code: ReturnException.storefrontApprovalFailed,
    what: `the approval of ${rma} in the storefront`,
    payload: options.request,
    context,
    delivery: (payload) => ({ target: 'commerce', kind: 'command', key: rma, operation: 'approveReturn', payload, context: { ...context, operation: 'approveReturn' } }),
  });
}

/**
 * Ends the storefront's return with the hub's: closed once approved (refunded, credited, expired,
 * failed inspection, given up), declined with the reason while still requested (refused, or given
 * up before the approval). Not awaited: the return is over in the hub either way, and a refusal
 * is a dead letter for an operator.
 */
export async function endInStorefront(options: StorefrontCommandOptions & { name: string; approved: boolean; problems: readonly Pick<EligibilityProblem, 'code' | 'message'>[] }): Promise<void> {
  const { ctx, rma, context } = options;
  if (options.approved) {
    await ctx.deliver(`storefront-close:${options.name}`, { target: 'commerce', kind: 'command', key: rma, operation: 'closeReturn', payload: options.request, context: { ...context, operation: 'closeReturn' } });
    return;
  }
  const decline = storefrontDecline(options.problems, `return ${rma} could not be processed; please contact customer service`);
  await ctx.deliver(`storefront-decline:${options.name}`, {
    target: 'commerce',
    kind: 'command',
    key: rma,
    operation: 'declineReturn',
    payload: { ...options.request, reason: decline.reason, note: decline.note, notifyCustomer: true },
    context: { ...context, operation: 'declineReturn', declineReason: decline.reason },
  });
}
