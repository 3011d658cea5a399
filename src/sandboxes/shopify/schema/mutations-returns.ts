import type { GraphQLObject } from '../graphql/execute.ts';
import { approveReturn, closeReturn, declineReturn, requestReturn } from '../store/returns.ts';
import type { ReturnRecord } from '../store/returns.ts';
import type { Outcome } from '../store/orders.ts';
import type { SchemaContext } from './context.ts';
import { parseGid } from './ids.ts';
import { returnObject } from './objects-returns.ts';

type Args = Record<string, unknown>;
type Row = Record<string, unknown>;

const rowsOf = (value: unknown): Row[] => (Array.isArray(value) ? (value as Row[]) : []);
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** A `Return…Payload`: the return, or `ReturnUserError`s with their `ReturnErrorCode`. */
function payload(context: SchemaContext, typename: string, outcome: Outcome<ReturnRecord>): GraphQLObject {
  return {
    __typename: typename,
    return: outcome.ok ? returnObject(context.store, outcome.value) : null,
    userErrors: outcome.ok ? [] : outcome.userErrors.map((error) => ({ __typename: 'ReturnUserError', code: null, ...error })),
  };
}

/**
 * The Returns API (https://shopify.dev/docs/apps/build/orders-fulfillment/returns-apps):
 * `returnRequest` (a customer's request; real Shopify also takes it from the Customer Account
 * API's `orderRequestReturn`), then the merchant's `returnApproveRequest` or
 * `returnDeclineRequest`, and `returnClose`. Each fires its returns/* webhook.
 */
export function returnMutations(context: SchemaContext): Record<string, unknown> {
  const store = context.store;
  return {
    returnRequest: (args: Args) => {
      const input = (args.input ?? {}) as Row;
      const outcome = requestReturn(store, {
        orderId: parseGid(input.orderId, 'Order'),
        returnLineItems: rowsOf(input.returnLineItems).map((row) => ({
          fulfillmentLineItemId: parseGid(row.fulfillmentLineItemId, 'FulfillmentLineItem'),
          quantity: Number(row.quantity),
          returnReason: text(row.returnReason),
          returnReasonNote: text(row.returnReasonNote),
          customerNote: text(row.customerNote),
        })),
      });
      return payload(context, 'ReturnRequestPayload', outcome);
    },
    returnApproveRequest: (args: Args) => payload(context, 'ReturnApproveRequestPayload', approveReturn(store, parseGid(((args.input ?? {}) as Row).id, 'Return'))),
    returnDeclineRequest: (args: Args) => {
      const input = (args.input ?? {}) as Row;
      const outcome = declineReturn(store, {
        id: parseGid(input.id, 'Return'),
        declineReason: text(input.declineReason),
        declineNote: text(input.declineNote),
        notifyCustomer: input.notifyCustomer === true,
      });
      return payload(context, 'ReturnDeclineRequestPayload', outcome);
    },
    returnClose: (args: Args) => payload(context, 'ReturnClosePayload', closeReturn(store, parseGid(args.id, 'Return'))),
  };
}
