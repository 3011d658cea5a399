import type { GraphQLObject, ResolveInfo } from '../graphql/execute.ts';
import { cancelOrder, createFulfillment, createRefund } from '../store/orders.ts';
import type { RefundInput } from '../store/orders.ts';
import type { RefundLineItem, UserError } from '../store/types.ts';
import type { SchemaContext } from './context.ts';
import { gid, parseGid } from './ids.ts';
import { fulfillmentObject, orderObject, refundObject } from './objects-orders.ts';

type Args = Record<string, unknown>;
type Row = Record<string, unknown>;

const userErrors = (errors: UserError[]) => errors.map((error) => ({ __typename: 'UserError', ...error }));
const rowsOf = (value: unknown): Row[] => (Array.isArray(value) ? (value as Row[]) : []);

function refundPayload(context: SchemaContext, input: Row): GraphQLObject {
  const orderId = parseGid(input.orderId, 'Order');
  const shipping = (input.shipping ?? {}) as Row;
  const refundInput: RefundInput = {
    orderId,
    note: typeof input.note === 'string' ? input.note : null,
    refundLineItems: rowsOf(input.refundLineItems).map((row) => ({
      lineItemId: parseGid(row.lineItemId, 'LineItem'),
      quantity: Number(row.quantity),
      restockType: (typeof row.restockType === 'string' ? row.restockType : 'NO_RESTOCK') as RefundLineItem['restockType'],
      locationId: parseGid(row.locationId, 'Location'),
    })),
    transactionAmounts: rowsOf(input.transactions).map((row) => String(row.amount)),
    shippingAmount: typeof shipping.amount === 'string' ? shipping.amount : null,
    fullShippingRefund: shipping.fullRefund === true,
  };
  const outcome = createRefund(context.store, refundInput);
  const order = orderId === null ? undefined : context.store.orders.get(orderId);
  return {
    __typename: 'RefundCreatePayload',
    refund: outcome.ok ? refundObject(context.store, outcome.value) : null,
    order: order ? orderObject(context.store, order) : null,
    userErrors: outcome.ok ? [] : userErrors(outcome.userErrors),
  };
}

function fulfillmentPayload(context: SchemaContext, fulfillment: Row): GraphQLObject {
  const tracking = (fulfillment.trackingInfo ?? null) as Row | null;
  const outcome = createFulfillment(context.store, {
    lineItemsByFulfillmentOrder: rowsOf(fulfillment.lineItemsByFulfillmentOrder).map((group) => ({
      fulfillmentOrderId: parseGid(group.fulfillmentOrderId, 'FulfillmentOrder'),
      ...(Array.isArray(group.fulfillmentOrderLineItems)
        ? {
            fulfillmentOrderLineItems: rowsOf(group.fulfillmentOrderLineItems).map((line) => ({
              id: parseGid(line.id, 'FulfillmentOrderLineItem'),
              quantity: Number(line.quantity),
            })),
          }
        : {}),
    })),
    trackingInfo: tracking
      ? {
          company: typeof tracking.company === 'string' ? tracking.company : null,
          number: typeof tracking.number === 'string' ? tracking.number : Array.isArray(tracking.numbers) ? String(tracking.numbers[0]) : null,
          url: typeof tracking.url === 'string' ? tracking.url : Array.isArray(tracking.urls) ? String(tracking.urls[0]) : null,
        }
      : null,
  });
  return {
    __typename: 'FulfillmentCreatePayload',
    fulfillment: outcome.ok ? fulfillmentObject(context.store, outcome.value) : null,
    userErrors: outcome.ok ? [] : userErrors(outcome.userErrors),
  };
}

export function orderMutations(context: SchemaContext): Record<string, unknown> {
  return {
    refundCreate: (args: Args, _context: unknown, info: ResolveInfo) =>
      context.idempotency.run({
        mutation: 'refundCreate',
        args,
        info,
        apiVersion: context.apiVersion,
        mismatch: (message) => ({ __typename: 'RefundCreatePayload', refund: null, order: null, userErrors: userErrors([{ field: null, message }]) }),
        execute: () => refundPayload(context, (args.input ?? {}) as Row),
      }),
    fulfillmentCreate: (args: Args) => fulfillmentPayload(context, (args.fulfillment ?? {}) as Row),
    orderCancel: (args: Args) => {
      const outcome = cancelOrder(context.store, parseGid(args.orderId, 'Order') ?? -1, typeof args.reason === 'string' ? args.reason : 'OTHER');
      const errors = outcome.ok ? [] : outcome.userErrors.map((error) => ({ __typename: 'OrderCancelUserError', code: 'INVALID', ...error }));
      return {
        __typename: 'OrderCancelPayload',
        job: outcome.ok ? { __typename: 'Job', id: gid('Job', context.store.newId()), done: true } : null,
        orderCancelUserErrors: errors,
        userErrors: errors,
      };
    },
  };
}
