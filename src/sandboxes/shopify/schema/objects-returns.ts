import type { GraphQLObject } from '../graphql/execute.ts';
import type { ShopifyStore } from '../store/store.ts';
import type { ReturnRecord } from '../store/returns.ts';
import { connection } from './connection.ts';
import { gid } from './ids.ts';
import { lineItemObject, orderObject } from './objects-orders.ts';

/** The Return object (https://shopify.dev/docs/api/admin-graphql/latest/objects/Return), the fields a retail integration reads. */
export function returnObject(store: ShopifyStore, record: ReturnRecord): GraphQLObject {
  const order = store.orders.get(record.orderId);
  return {
    __typename: 'Return',
    __implements: ['Node'],
    id: gid('Return', record.id),
    name: record.name,
    status: record.status,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    requestApprovedAt: record.requestApprovedAt,
    closedAt: record.closedAt,
    totalQuantity: record.lineItems.reduce((sum, line) => sum + line.quantity, 0),
    decline: record.decline ? { __typename: 'ReturnDecline', reason: record.decline.reason, note: record.decline.note } : null,
    order: () => (order ? orderObject(store, order) : null),
    returnLineItems: (args: Record<string, unknown>) =>
      connection('ReturnLineItemType', record.lineItems, args, (line) => {
        const lineItem = order?.lineItems.find((item) => item.id === line.lineItemId);
        return {
          __typename: 'ReturnLineItem',
          __implements: ['Node', 'ReturnLineItemType'],
          id: gid('ReturnLineItem', line.id),
          quantity: line.quantity,
          returnReason: line.returnReason,
          returnReasonNote: line.returnReasonNote,
          customerNote: line.customerNote,
          fulfillmentLineItem: {
            __typename: 'FulfillmentLineItem',
            id: gid('FulfillmentLineItem', line.fulfillmentLineItemId),
            quantity: line.quantity,
            lineItem: () => (lineItem ? lineItemObject(store, lineItem) : null),
          },
        };
      }),
  };
}
