import type { SandboxDirectory } from '../run-all.ts';
import { ActionKind } from './actions.ts';
import type { TrafficAction } from './actions.ts';
import { SystemClients, SystemUnreachableError } from './clients.ts';
import type { HubEndpoint } from './clients.ts';
import { ActionOutcome, TrafficCounters } from './counters.ts';
import type { ActionResult, TrafficCountersSnapshot } from './counters.ts';
import type { ExecutionContext, PlacedOrder } from './execution.ts';
import { SystemLookups } from './lookups.ts';
import { cancelStorefrontOrder } from './perform-order-cancel.ts';
import { editCustomer, moveStock, openReturnCase, receiveStock, returnToStorefront, reportMilestone, startErpOutage } from './perform-operations.ts';
import { shipWhatIsOnHand } from './perform-backorder-shipment.ts';
import { signUpAgain } from './perform-customer-signup.ts';
import { capturePayment, placeB2bOrder, placeStorefrontOrder, postStoreOrder } from './perform-orders.ts';
import { receiveReturnParcel } from './perform-return-parcel.ts';
import { countStoreSoldOut } from './perform-store-stock-out.ts';

export interface TrafficExecutorOptions {
  directory: SandboxDirectory;
  /** Where POS events go (`POST <url>/events`); without it store orders are skipped. */
  hub?: HubEndpoint;
  /** Stand in for the hub: release storefront and B2B orders to the WMS. Default false. */
  releaseOrdersToWarehouse?: boolean;
  /** Suffix of order numbers and external ids, so repeated runs on one sandbox don't collide. */
  runTag?: string;
  clock?: () => number;
  /** Called after every action, e.g. to log it. */
  onResult?: (action: TrafficAction, result: ActionResult) => void;
}

/**
 * Performs traffic actions against the sandboxes through their real APIs and admin routes, and
 * keeps live counters. One executor remembers the orders it placed, so a later return or
 * shipment of the same order finds it.
 *
 * @example
 * const executor = new TrafficExecutor({ directory: sandboxes.directory, releaseOrdersToWarehouse: true });
 * await playTraffic({ actions: planRetailDay({ seed: 42, durationMs: 10_000, rate: 5 }), executor });
 * console.log(executor.counters.snapshot());
 */
export class TrafficExecutor {
  readonly counters = new TrafficCounters();
  private readonly context: ExecutionContext;

  constructor(private readonly options: TrafficExecutorOptions) {
    const clients = new SystemClients(options.directory, options.hub);
    this.context = {
      clients,
      lookups: new SystemLookups(clients),
      catalogue: options.directory.catalogue,
      orders: new Map(),
      releaseOrdersToWarehouse: options.releaseOrdersToWarehouse ?? false,
      runTag: options.runTag ? `-${options.runTag}` : '',
      clock: options.clock ?? Date.now,
      warehouse: { open: new Map(), refreshedAt: Number.NEGATIVE_INFINITY },
      returnDock: { expected: new Map(), refreshedAt: Number.NEGATIVE_INFINITY },
      signups: new Map(),
      returnsRequested: new Set(),
    };
  }

  /** An order this generator placed, as the systems answered it (by the plan's order ref). */
  placedOrder(orderRef: string): Readonly<PlacedOrder> | undefined {
    return this.context.orders.get(orderRef);
  }

  /** Performs one action; never throws: an unreachable system or a bug is a `failed` result. */
  async perform(action: TrafficAction): Promise<ActionResult> {
    let result: ActionResult;
    try {
      result = await this.dispatch(action);
    } catch (error) {
      const system = error instanceof SystemUnreachableError ? error.system : undefined;
      result = { outcome: ActionOutcome.failed, ...(system ? { system } : {}), detail: error instanceof Error ? error.message : String(error) };
    }
    this.counters.record(action, result);
    this.options.onResult?.(action, result);
    return result;
  }

  private dispatch(action: TrafficAction): Promise<ActionResult> {
    const context = this.context;
    switch (action.kind) {
      case ActionKind.storefrontOrder:
        return placeStorefrontOrder(context, action);
      case ActionKind.storeOrder:
        return postStoreOrder(context, action);
      case ActionKind.b2bOrder:
        return placeB2bOrder(context, action);
      case ActionKind.paymentCapture:
        return capturePayment(context, action);
      case ActionKind.stockReceipt:
        return receiveStock(context, action);
      case ActionKind.stockMovement:
        return moveStock(context, action);
      case ActionKind.shipmentMilestone:
        return reportMilestone(context, action);
      case ActionKind.backorderShipment:
        return shipWhatIsOnHand(context, action);
      case ActionKind.storeStockOut:
        return countStoreSoldOut(context, action);
      case ActionKind.orderCancel:
        return cancelStorefrontOrder(context, action);
      case ActionKind.storefrontReturn:
        return returnToStorefront(context, action);
      case ActionKind.serviceReturnCase:
        return openReturnCase(context, action);
      case ActionKind.returnParcel:
        return receiveReturnParcel(context, action);
      case ActionKind.customerEdit:
        return editCustomer(context, action);
      case ActionKind.customerSignup:
        return signUpAgain(context, action);
      case ActionKind.erpOutage:
        return startErpOutage(context, action);
    }
  }
}

export interface PlayTrafficOptions {
  actions: readonly TrafficAction[];
  executor: TrafficExecutor;
  /** Stops dispatching new actions (those in flight finish). */
  signal?: AbortSignal;
  /** Actions running at once; when reached, the player waits (and falls behind the clock). Default 16. */
  maxInFlight?: number;
}

export interface TrafficRunSummary extends TrafficCountersSnapshot {
  /** Actions not dispatched because the run was stopped. */
  notDispatched: number;
}

/**
 * Plays timed actions in real time: each is dispatched at its `atMs` after the start. Actions
 * of the same order (same `orderRef`) run one after the other, in plan order, so a return never
 * overtakes the order it returns; so do the steps of one signup (same `signupRef`). Resolves
 * when all dispatched actions have finished.
 */
export async function playTraffic(options: PlayTrafficOptions): Promise<TrafficRunSummary> {
  const maxInFlight = Math.max(1, options.maxInFlight ?? 16);
  const started = Date.now();
  const inFlight = new Set<Promise<void>>();
  const tailByOrder = new Map<string, Promise<void>>();
  let dispatched = 0;
  for (const action of options.actions) {
    if (options.signal?.aborted) break;
    await sleepUntil(started + action.atMs, options.signal);
    if (options.signal?.aborted) break;
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    const chain = chainOf(action);
    const previous = chain ? tailByOrder.get(chain) : undefined;
    const run = (previous ?? Promise.resolve()).then(async () => {
      await options.executor.perform(action);
    });
    if (chain) tailByOrder.set(chain, run);
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run));
    dispatched += 1;
  }
  await Promise.all(inFlight);
  return { ...options.executor.counters.snapshot(), notDispatched: options.actions.length - dispatched };
}

/** Actions that must not overtake each other: those of one order, or the steps of one signup. */
function chainOf(action: TrafficAction): string | undefined {
  if ('orderRef' in action && action.orderRef) return action.orderRef;
  if (action.kind === ActionKind.customerSignup) return action.signupRef;
  return undefined;
}

function sleepUntil(deadline: number, signal: AbortSignal | undefined): Promise<void> {
  const wait = deadline - Date.now();
  if (wait <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, wait);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
