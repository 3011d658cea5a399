import type { OrderCancelAction } from './actions.ts';
import { ActionOutcome } from './counters.ts';
import type { ActionResult } from './counters.ts';
import { graphqlOutcome, skipped } from './execution.ts';
import type { ExecutionContext } from './execution.ts';

/**
 * The arguments of Shopify's own example for current versions (the sandbox serves 2026-10):
 * `refundMethod` replaces the deprecated `refund` flag, and `orderCancelUserErrors` the
 * deprecated `userErrors` (https://shopify.dev/docs/api/admin-graphql/latest/mutations/orderCancel).
 */
const ORDER_CANCEL = `mutation OrderCancel($orderId: ID!, $reason: OrderCancelReason!, $refundMethod: OrderCancelRefundMethodInput, $restock: Boolean!, $notifyCustomer: Boolean, $staffNote: String) {
  orderCancel(orderId: $orderId, reason: $reason, refundMethod: $refundMethod, restock: $restock, notifyCustomer: $notifyCustomer, staffNote: $staffNote) {
    job { id done }
    orderCancelUserErrors { field message code }
  }
}`;

interface OrderCancelUserError {
  message: string;
  code?: string | null;
}

/**
 * A shopper (or support on their behalf) cancels an earlier storefront order before it ships:
 * Shopify refunds the payment, puts the committed units back and fires `orders/cancelled`,
 * which the hub carries to every other system.
 */
export async function cancelStorefrontOrder(context: ExecutionContext, action: OrderCancelAction): Promise<ActionResult> {
  const order = context.orders.get(action.orderRef);
  if (!order?.shopify) return skipped(`order ${action.orderRef} was not placed in Shopify`);
  const reply = await context.clients.shopifyGraphql(ORDER_CANCEL, {
    orderId: order.shopify.orderGid,
    reason: 'CUSTOMER',
    refundMethod: { originalPaymentMethodsRefund: true },
    restock: true,
    notifyCustomer: true,
    staffNote: `Cancelled at the customer's request before shipping (${order.orderNumber})`,
  });
  const { result, data } = graphqlOutcome(reply, 'orderCancel');
  if (result.outcome !== ActionOutcome.ok) return result;
  const refusal = (data?.orderCancelUserErrors as OrderCancelUserError[] | undefined)?.[0];
  return refusal ? refusalOutcome(refusal) : result;
}

/**
 * INVALID is Shopify refusing the order as it stands (already fulfilled or already cancelled):
 * in real traffic the parcel simply left first, so it is a skip, not an error. Anything else
 * (NOT_FOUND, a missing refund permission, INTERNAL_ERROR) means the generator or the system is wrong.
 */
function refusalOutcome(refusal: OrderCancelUserError): ActionResult {
  const detail = `Shopify refused the cancellation: ${refusal.message}`;
  if (refusal.code === 'INVALID') return { outcome: ActionOutcome.skipped, system: 'shopify', detail };
  const outcome = refusal.code === 'INTERNAL_ERROR' ? ActionOutcome.failed : ActionOutcome.rejected;
  return { outcome, system: 'shopify', detail: `${refusal.code ?? 'no code'}: ${detail}` };
}
