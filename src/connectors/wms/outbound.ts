import type { Order } from '../../canonical/order.ts';
import type { Return } from '../../canonical/return.ts';
import type { DeliveryItem } from '../../ports/storage.ts';
import type { DeliveryContext, ItemOutcome } from '../../runtime/delivery/target.ts';
import { PermanentError } from '../../runtime/errors.ts';
import type { Mapping } from '../mapping/mapping.ts';
import { WMS_SYSTEM, type WmsClient } from './client.ts';
import type { WmsMappings } from './mappings.ts';

/**
 * What the WMS connector accepts on its delivery queue. Both are commands (never coalesced)
 * and both are idempotent on the WMS side by their business key, so a retry after a lost
 * answer replays the first result instead of creating a second order or receipt.
 */
export const WmsOperation = {
  /** payload: canonical `Order`; key: its order number; WMS: POST /v1/fulfillment-orders. */
  releaseFulfillmentOrder: 'releaseFulfillmentOrder',
  /** payload: canonical `Return` (the RMA); key: its RMA number; WMS: POST /v1/return-receipts. */
  expectReturnReceipt: 'expectReturnReceipt',
} as const;
export type WmsOperation = (typeof WmsOperation)[keyof typeof WmsOperation];

/** The payload type of each operation, for flows that enqueue them. */
export interface WmsOperationPayloads {
  releaseFulfillmentOrder: Order;
  expectReturnReceipt: Return;
}

interface OperationRoute {
  mapping: keyof WmsMappings;
  path: string;
}

const ROUTES: Record<WmsOperation, OperationRoute> = {
  // Idempotent by externalOrderId: 201 created, 200 the same order again, 409 different content.
  releaseFulfillmentOrder: { mapping: 'fulfillmentOrder', path: '/v1/fulfillment-orders' },
  // Idempotent by rmaNumber, with the same 200 / 409 rules.
  expectReturnReceipt: { mapping: 'returnReceipt', path: '/v1/return-receipts' },
};

export interface WmsOutbound {
  client: WmsClient;
  mappings: WmsMappings;
}

/**
 * Delivers a batch (one item per request: the WMS has no bulk endpoint). A refusal of one
 * record is that item's outcome; a failure of the request itself (throttle, outage, auth)
 * is thrown for the whole batch, so the engine backs off the target.
 */
export async function deliverToWms(batch: readonly DeliveryItem[], context: DeliveryContext, outbound: WmsOutbound): Promise<ItemOutcome[]> {
  const outcomes: ItemOutcome[] = [];
  for (const item of batch) {
    try {
      outcomes.push({ ok: true, externalId: await deliverOne(item, context, outbound) });
    } catch (error) {
      if (!(error instanceof PermanentError)) throw error;
      outcomes.push({ ok: false, error });
    }
  }
  return outcomes;
}

async function deliverOne(item: DeliveryItem, context: DeliveryContext, outbound: WmsOutbound): Promise<string> {
  const route = routeOf(item.operation);
  const body = await mapPayload(outbound.mappings[route.mapping], item);
  const response = await outbound.client.post<{ id?: unknown }>(route.path, body, { signal: context.signal, reportQuota: context.reportQuota });
  if (typeof response.body?.id !== 'string') {
    throw new PermanentError(`WMS ${route.path} answered ${response.status} without an id for ${item.key}`, { code: 'missing_id', system: WMS_SYSTEM });
  }
  return response.body.id;
}

function routeOf(operation: string): OperationRoute {
  if (operation in ROUTES) return ROUTES[operation as WmsOperation];
  throw new PermanentError(`the WMS connector has no operation "${operation}" (operations: ${Object.keys(ROUTES).join(', ')})`, {
    code: 'unknown_operation',
    system: WMS_SYSTEM,
  });
}

async function mapPayload(mapping: Mapping, item: DeliveryItem): Promise<Record<string, unknown>> {
  if (typeof item.payload !== 'object' || item.payload === null) {
    throw new PermanentError(`${item.operation} for ${item.key} needs a canonical record as payload, got ${typeof item.payload}`, {
      code: 'invalid_payload',
      system: WMS_SYSTEM,
    });
  }
  return mapping.apply(item.payload);
}
