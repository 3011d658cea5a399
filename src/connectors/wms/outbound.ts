import type { Order } from '../../canonical/order.ts';
import type { Return } from '../../canonical/return.ts';
import type { DeliveryItem } from '../../ports/storage.ts';
import type { DeliveryContext, ItemOutcome } from '../../runtime/delivery/target.ts';
import { PermanentError } from '../../runtime/errors.ts';
import type { Mapping } from '../mapping/mapping.ts';
import { WMS_SYSTEM, type WmsClient, type WmsRequestOptions } from './client.ts';
import type { WmsMappings } from './mappings.ts';

/**
 * What the WMS connector accepts on its delivery queue. All are commands (never coalesced)
 * and all are idempotent on the WMS side by their business key, so a retry after a lost
 * answer replays the first result instead of creating a second order or receipt, or failing
 * on an order it already cancelled.
 */
export const WmsOperation = {
  /** payload: canonical `Order`; key: its order number; WMS: POST /v1/fulfillment-orders. */
  releaseFulfillmentOrder: 'releaseFulfillmentOrder',
  /** payload: canonical `Return` (the RMA); key: its RMA number; WMS: POST /v1/return-receipts. */
  expectReturnReceipt: 'expectReturnReceipt',
  /**
   * payload: `{ orderNumber, reason? }`; key: the order number (the same key as its release, so
   * the engine delivers the cancel after a release enqueued before it); WMS: find the order by
   * `externalOrderId`, then POST /v1/fulfillment-orders/:id/cancel.
   */
  cancelFulfillmentOrder: 'cancelFulfillmentOrder',
} as const;
export type WmsOperation = (typeof WmsOperation)[keyof typeof WmsOperation];

/** The payload type of each operation, for flows that enqueue them. */
export interface WmsOperationPayloads {
  releaseFulfillmentOrder: Order;
  expectReturnReceipt: Return;
  cancelFulfillmentOrder: FulfillmentOrderCancellation;
}

/** A shopper's cancellation of an order that may have been released to the warehouse. */
export interface FulfillmentOrderCancellation {
  /** The hub's order number: the WMS's `externalOrderId` (mappings/fulfillment-order.from-canonical.yaml). */
  orderNumber: string;
  /** Shown to the warehouse staff; cut to the WMS's 500 characters. */
  reason?: string;
}

export interface WmsOutbound {
  client: WmsClient;
  mappings: WmsMappings;
}

type Delivered = Extract<ItemOutcome, { ok: true }>;
type OperationHandler = (item: DeliveryItem, context: DeliveryContext, outbound: WmsOutbound) => Promise<Delivered>;

const HANDLERS: Record<WmsOperation, OperationHandler> = {
  // Idempotent by externalOrderId: 201 created, 200 the same order again, 409 different content.
  releaseFulfillmentOrder: createFromMapping({ mapping: 'fulfillmentOrder', path: '/v1/fulfillment-orders' }),
  // Idempotent by rmaNumber, with the same 200 / 409 rules.
  expectReturnReceipt: createFromMapping({ mapping: 'returnReceipt', path: '/v1/return-receipts' }),
  // Idempotent by the WMS: cancelling a cancelled order answers 200 with it unchanged.
  cancelFulfillmentOrder: cancelReleasedOrder,
};

/**
 * Delivers a batch (one item per request: the WMS has no bulk endpoint). A refusal of one
 * record is that item's outcome; a failure of the request itself (throttle, outage, auth)
 * is thrown for the whole batch, so the engine backs off the target.
 */
export async function deliverToWms(batch: readonly DeliveryItem[], context: DeliveryContext, outbound: WmsOutbound): Promise<ItemOutcome[]> {
  const outcomes: ItemOutcome[] = [];
  for (const item of batch) {
    try {
      outcomes.push(await handlerOf(item.operation)(item, context, outbound));
    } catch (error) {
      if (!(error instanceof PermanentError)) throw error;
      outcomes.push({ ok: false, error });
    }
  }
  return outcomes;
}

/** A create: the canonical payload through a mapping, POSTed; the WMS id is the externalId. */
function createFromMapping(route: { mapping: keyof WmsMappings; path: string }): OperationHandler {
  return async (item, context, outbound) => {
    const body = await mapPayload(outbound.mappings[route.mapping], item);
    const response = await outbound.client.post<{ id?: unknown }>(route.path, body, requestOptions(context));
    if (typeof response.body?.id !== 'string') {
      throw new PermanentError(`WMS ${route.path} answered ${response.status} without an id for ${item.key}`, { code: 'missing_id', system: WMS_SYSTEM });
    }
    return { ok: true, externalId: response.body.id };
  };
}

function handlerOf(operation: string): OperationHandler {
  // Own keys only: `in` would also find Object.prototype's (an operation named `toString`).
  if (Object.hasOwn(HANDLERS, operation)) return HANDLERS[operation as WmsOperation];
  throw new PermanentError(`the WMS connector has no operation "${operation}" (operations: ${Object.keys(HANDLERS).join(', ')})`, {
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

function requestOptions(context: DeliveryContext): WmsRequestOptions {
  return { signal: context.signal, reportQuota: context.reportQuota };
}

/** The WMS's limit on a cancellation reason (`POST /v1/fulfillment-orders/:id/cancel`). */
const MAX_CANCEL_REASON_LENGTH = 500;

interface ReleasedOrder {
  id: string;
  status: string;
}

/**
 * Stops the warehouse from shipping an order the shopper cancelled. The order is found by its
 * order number (the WMS's `externalOrderId`), then cancelled. The WMS refuses (409
 * `already_shipped`) once anything has shipped: that is a PermanentError `ALREADY_SHIPPED`
 * naming the order and the WMS status, for an operator to stop the parcel or expect a return.
 */
async function cancelReleasedOrder(item: DeliveryItem, context: DeliveryContext, outbound: WmsOutbound): Promise<Delivered> {
  const cancellation = cancellationOf(item);
  const options = requestOptions(context);
  const released = await findReleasedOrder(cancellation.orderNumber, outbound.client, options);
  // Nothing was released for this order, so the warehouse has nothing to ship and nothing to
  // stop: the cancellation has done its job. No externalId, since no WMS record corresponds to
  // it (ItemOutcome allows none; an empty string would read as an id). A release enqueued
  // before the cancel has the same key, so the engine has delivered or dead-lettered it by now.
  if (!released) return { ok: true };
  const path = `/v1/fulfillment-orders/${encodeURIComponent(released.id)}/cancel`;
  const reason = reasonForWms(cancellation.reason);
  try {
    await outbound.client.post(path, reason ? { reason } : {}, options);
  } catch (error) {
    if (error instanceof PermanentError && error.code === 'already_shipped') {
      throw await alreadyShipped({ orderNumber: cancellation.orderNumber, released, refusal: error, client: outbound.client, options });
    }
    throw error;
  }
  return { ok: true, externalId: released.id };
}

function cancellationOf(item: DeliveryItem): FulfillmentOrderCancellation {
  const payload = item.payload as Partial<Record<keyof FulfillmentOrderCancellation, unknown>> | null;
  if (typeof payload !== 'object' || payload === null || typeof payload.orderNumber !== 'string' || payload.orderNumber === '') {
    throw new PermanentError(`cancelFulfillmentOrder for ${item.key} needs a payload { orderNumber, reason? } with the order number`, {
      code: 'invalid_payload',
      field: 'orderNumber',
      system: WMS_SYSTEM,
    });
  }
  if (payload.reason !== undefined && typeof payload.reason !== 'string') {
    throw new PermanentError(`cancelFulfillmentOrder for ${item.key}: reason must be text, got ${typeof payload.reason}`, {
      code: 'invalid_payload',
      field: 'reason',
      system: WMS_SYSTEM,
    });
  }
  return { orderNumber: payload.orderNumber, ...(payload.reason !== undefined && { reason: payload.reason }) };
}

/**
 * The reason as the WMS accepts it: none when empty, cut to its 500 characters when longer. A
 * refused reason would dead-letter the cancel and let the warehouse ship the order; the reason
 * is only a note for the warehouse staff, so shortening it is the lesser harm.
 */
function reasonForWms(reason: string | undefined): string | undefined {
  const trimmed = reason?.trim();
  if (!trimmed) return undefined;
  // Counted in code points, as the WMS's JSON Schema maxLength does.
  const characters = [...trimmed];
  return characters.length <= MAX_CANCEL_REASON_LENGTH ? trimmed : `${characters.slice(0, MAX_CANCEL_REASON_LENGTH - 1).join('')}…`;
}

/** The fulfilment order released for an order number, if any (at most one: creation is idempotent by it). */
async function findReleasedOrder(orderNumber: string, client: WmsClient, options: WmsRequestOptions): Promise<ReleasedOrder | undefined> {
  const path = `/v1/fulfillment-orders?externalOrderId=${encodeURIComponent(orderNumber)}`;
  const response = await client.get<{ data?: unknown }>(path, options);
  if (!Array.isArray(response.body?.data)) {
    throw new PermanentError(`WMS GET ${path} answered ${response.status} without a data list`, { code: 'unexpected_response', system: WMS_SYSTEM });
  }
  // Matched again here rather than trusting the filter: a WMS that ignored the parameter would
  // otherwise have the hub cancel someone else's order.
  const rows = response.body.data as { id?: unknown; externalOrderId?: unknown; status?: unknown }[];
  const row = rows.find((candidate) => candidate.externalOrderId === orderNumber && typeof candidate.id === 'string');
  return row ? { id: row.id as string, status: typeof row.status === 'string' ? row.status : 'unknown' } : undefined;
}

/**
 * The refusal an operator sees in the console. The order is read again for its status: it
 * shipped after it was found, so the status found first may be out of date.
 */
async function alreadyShipped(refused: {
  orderNumber: string;
  released: ReleasedOrder;
  refusal: PermanentError;
  client: WmsClient;
  options: WmsRequestOptions;
}): Promise<PermanentError> {
  const { orderNumber, released, refusal } = refused;
  const current = await refused.client.get<{ status?: unknown }>(`/v1/fulfillment-orders/${encodeURIComponent(released.id)}`, refused.options);
  const status = typeof current.body?.status === 'string' ? current.body.status : released.status;
  return new PermanentError(
    `Order ${orderNumber} could not be cancelled in the WMS: fulfilment order ${released.id} is ${status}, so the parcel left the warehouse before the cancellation reached it. Ask the carrier to intercept it, or expect it back as a return.`,
    { code: 'ALREADY_SHIPPED', system: WMS_SYSTEM, details: { status: 409, wmsCode: 'already_shipped', wmsStatus: status, fulfillmentOrderId: released.id } },
    { cause: refusal },
  );
}
