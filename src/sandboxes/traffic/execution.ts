import type { OrderAction, OrderLineSpec } from './actions.ts';
import type { SystemClients, SystemReply } from './clients.ts';
import { ActionOutcome } from './counters.ts';
import type { ActionResult } from './counters.ts';
import type { DemoSeed } from './demo-data.ts';
import type { SystemLookups } from './lookups.ts';

/** An order the generator placed, and what each system called it, for later returns and shipments. */
export interface PlacedOrder {
  kind: OrderAction['kind'];
  orderRef: string;
  /** The order number sent to systems (orderRef plus the run tag). */
  orderNumber: string;
  customerNumber: string;
  locationCode: string;
  lines: OrderLineSpec[];
  /** What Shopify answered: the order's id, its number (`order_number`, 1001) and its lines. */
  shopify?: { orderGid: string; orderNumber?: number; lineItems: { gid: string; sku: string; unitPrice: string }[] };
  salesforceOrderId?: string;
  /** The WMS fulfilment order, once released. */
  fulfilmentOrderId?: string;
}

/** What performing an action needs: the clients, ids read from the systems, and the run's memory. */
export interface ExecutionContext {
  clients: SystemClients;
  lookups: SystemLookups;
  catalogue: DemoSeed;
  orders: Map<string, PlacedOrder>;
  /** Stand in for the hub: release storefront and B2B orders to the WMS as they are placed. */
  releaseOrdersToWarehouse: boolean;
  /** Appended to order numbers and external ids so two runs against one sandbox don't collide. */
  runTag: string;
  clock: () => number;
  /** Released fulfilment orders not yet delivered, by id → status, oldest first (the warehouse works FIFO). */
  warehouse: { open: Map<string, string>; refreshedAt: number };
  /** Return receipts the WMS expects, by id → lines still to arrive, oldest first (parcels are received FIFO). */
  returnDock: { expected: Map<string, ExpectedParcelLine[]>; refreshedAt: number };
  /** Storefront accounts opened by signups, by the plan's signupRef → Shopify customer gid. */
  signups: Map<string, string>;
  /** Orders (by ref) whose shopper has asked Shopify for a return: one request per order. */
  returnsRequested: Set<string>;
}

export interface ExpectedParcelLine {
  sku: string;
  quantity: number;
}

/** 2xx ok; auth, throttling, timeouts and 5xx failed (transient); other 4xx rejected by the system. */
export function outcomeOf(system: string, reply: SystemReply): ActionResult {
  if (reply.status >= 200 && reply.status < 300) return { outcome: ActionOutcome.ok, system };
  const transient = reply.status === 401 || reply.status === 403 || reply.status === 408 || reply.status === 429 || reply.status >= 500;
  return { outcome: transient ? ActionOutcome.failed : ActionOutcome.rejected, system, detail: `${reply.status} ${summarize(reply.body)}` };
}

/** A GraphQL answer: top-level errors (THROTTLED, bad query) fail, userErrors reject. */
export function graphqlOutcome(reply: SystemReply, field: string): { result: ActionResult; data?: Record<string, unknown> } {
  if (reply.status !== 200) return { result: outcomeOf('shopify', reply) };
  const body = reply.body as { data?: Record<string, unknown>; errors?: { message: string; extensions?: { code?: string } }[] } | null;
  if (body?.errors?.length) {
    const code = body.errors[0]?.extensions?.code ?? '';
    return { result: { outcome: code === 'THROTTLED' ? ActionOutcome.failed : ActionOutcome.rejected, system: 'shopify', detail: body.errors[0]?.message ?? code } };
  }
  const payload = body?.data?.[field] as { userErrors?: { message: string }[] } | undefined;
  if (payload?.userErrors?.length) return { result: { outcome: ActionOutcome.rejected, system: 'shopify', detail: payload.userErrors.map((e) => e.message).join('; ') } };
  return { result: { outcome: ActionOutcome.ok, system: 'shopify' }, ...(payload ? { data: payload as Record<string, unknown> } : {}) };
}

export function skipped(detail: string): ActionResult {
  return { outcome: ActionOutcome.skipped, detail };
}

/** The worse of two results (failed > rejected > skipped > ok), for actions touching two systems. */
export function worst(a: ActionResult, b: ActionResult): ActionResult {
  const rank = { ok: 0, skipped: 1, rejected: 2, failed: 3 } as const;
  return rank[b.outcome] > rank[a.outcome] ? b : a;
}

/** A short, personal-data-free description of an error body for counters and logs. */
function summarize(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const codes = text.match(/"(?:errorCode|o:errorCode|code|statusCode)":"([A-Za-z_]+)"/g)?.map((m) => m.split(':').pop()?.replace(/"/g, ''));
  if (codes && codes.length > 0) return [...new Set(codes)].join(',');
  return text.replace(/[\w.+-]+@[\w-]+\.[\w.]+/g, '***@***').slice(0, 160);
}
