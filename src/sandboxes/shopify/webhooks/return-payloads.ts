import { gid } from '../schema/ids.ts';
import type { ReturnRecord } from '../store/returns.ts';
import type { Order } from '../store/types.ts';
import { restTime } from './payloads.ts';

/**
 * The returns/request, returns/approve, returns/decline and returns/close bodies: the Return in
 * its REST-style JSON (https://shopify.dev/docs/api/webhooks?reference=toml#list-of-topics-returns/request):
 * snake_case, enums in lower case, the order by id, and each line by its fulfilment line item
 * and that item's order line item (the body has no SKUs: a receiver reads them from the order).
 */
export function returnPayload(record: ReturnRecord, order: Order): Record<string, unknown> {
  return {
    id: record.id,
    admin_graphql_api_id: gid('Return', record.id),
    name: record.name,
    status: record.status.toLowerCase(),
    order_id: order.id,
    order: { id: order.id, admin_graphql_api_id: gid('Order', order.id) },
    created_at: restTime(record.createdAt),
    updated_at: restTime(record.updatedAt),
    total_return_line_items: record.lineItems.reduce((sum, line) => sum + line.quantity, 0),
    return_line_items: record.lineItems.map((line) => ({
      id: line.id,
      admin_graphql_api_id: gid('ReturnLineItem', line.id),
      fulfillment_line_item: {
        id: line.fulfillmentLineItemId,
        admin_graphql_api_id: gid('FulfillmentLineItem', line.fulfillmentLineItemId),
        line_item: { id: line.lineItemId, admin_graphql_api_id: gid('LineItem', line.lineItemId) },
      },
      quantity: line.quantity,
      return_reason: line.returnReason.toLowerCase(),
      return_reason_note: line.returnReasonNote,
      customer_note: line.customerNote,
    })),
    decline: record.decline ? { reason: record.decline.reason.toLowerCase(), note: record.decline.note } : null,
    exchange_line_items: [],
    total_exchange_line_items: 0,
  };
}
