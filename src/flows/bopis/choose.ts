import type { Order } from '../../canonical/order.ts';
import type { FlowSettings } from '../settings.ts';

type BopisLocation = FlowSettings['bopis']['locations'][number];

/** How a rerouted pickup order is fulfilled. */
export const RerouteMode = {
  /** The customer collects the order at another store that has the stock. */
  pickup: 'pickup',
  /** A warehouse ships the order to the pickup store, where the customer collects it. */
  shipToStore: 'ship-to-store',
} as const;
export type RerouteMode = (typeof RerouteMode)[keyof typeof RerouteMode];

/** One location looked at, with why it was or was not taken (shown on the exception). */
export interface CheckedLocation {
  code: string;
  mode: RerouteMode;
  distanceKm: number | null;
  priority: number;
  /** SKUs it cannot cover: `SKU: available/wanted`. Empty when it covers the order. */
  short: string[];
  /** Why it could not be used although it may have stock. */
  unusable?: string;
}

export type LocationChoice =
  | { outcome: 'rerouted'; location: string; mode: RerouteMode; distanceKm: number | null; checked: CheckedLocation[] }
  | { outcome: 'none'; checked: CheckedLocation[] };

/** Units wanted per SKU (cancelled units left out; a SKU on two lines adds up). */
export function wantedBySku(order: Order): Map<string, number> {
  const wanted = new Map<string, number>();
  for (const line of order.lines) {
    const units = line.quantity - (line.quantityCancelled ?? 0);
    if (units > 0) wanted.set(line.sku, (wanted.get(line.sku) ?? 0) + units);
  }
  return wanted;
}

/** Distance between two locations as configured on either of them; null when unknown. */
export function distanceBetween(locations: readonly BopisLocation[], from: string, to: string): number | null {
  const there = locations.find((location) => location.code === from)?.distanceKm?.[to];
  if (there !== undefined) return there;
  return locations.find((location) => location.code === to)?.distanceKm?.[from] ?? null;
}

/**
 * The configured locations other than the pickup store, best first: nearest by configured
 * distance (either direction), then lower priority, then code. A location with a known distance
 * comes before one without.
 */
export function rankedCandidates(pickupStore: string, settings: FlowSettings): (BopisLocation & { distance: number | null })[] {
  const { locations } = settings.bopis;
  return locations
    .filter((location) => location.code !== pickupStore)
    .map((location) => ({ ...location, distance: distanceBetween(locations, pickupStore, location.code) }))
    .sort((a, b) => (a.distance ?? Infinity) - (b.distance ?? Infinity) || a.priority - b.priority || a.code.localeCompare(b.code));
}

/**
 * The nearest location that can fulfil the whole order (one pickup, one place), from the
 * owner's stock levels (`availableAt`, null when no level is known). A warehouse that ships to
 * stores needs the pickup store's address to ship to.
 */
export function chooseLocation(args: {
  order: Order;
  pickupStore: string;
  settings: FlowSettings;
  availableAt(sku: string, location: string): number | null;
}): LocationChoice {
  const { order, pickupStore, settings } = args;
  const wanted = wantedBySku(order);
  const storeAddress = settings.bopis.locations.find((location) => location.code === pickupStore)?.address;
  const checked: CheckedLocation[] = [];
  for (const candidate of rankedCandidates(pickupStore, settings)) {
    const mode = candidate.shipsToStore ? RerouteMode.shipToStore : RerouteMode.pickup;
    const short = [...wanted].flatMap(([sku, units]) => {
      const available = args.availableAt(sku, candidate.code);
      return available !== null && available >= units ? [] : [`${sku}: ${available ?? 'unknown'}/${units}`];
    });
    const entry: CheckedLocation = { code: candidate.code, mode, distanceKm: candidate.distance, priority: candidate.priority, short };
    if (short.length === 0 && mode === RerouteMode.shipToStore && !storeAddress) {
      entry.unusable = `no address configured for ${pickupStore} to ship to (flows.bopis.locations[].address)`;
    }
    checked.push(entry);
    if (short.length === 0 && !entry.unusable) {
      return { outcome: 'rerouted', location: candidate.code, mode, distanceKm: candidate.distance, checked };
    }
  }
  return { outcome: 'none', checked };
}

/** Why the order was rerouted, in one sentence for Salesforce, the event and the record. */
export function rerouteReason(args: { pickupStore: string; shortAtStore: string[]; choice: Extract<LocationChoice, { outcome: 'rerouted' }> }): string {
  const { pickupStore, choice } = args;
  const distance = choice.distanceKm === null ? '' : ` (${choice.distanceKm} km away)`;
  const what = args.shortAtStore.length > 0 ? `${pickupStore} cannot fulfil it (${args.shortAtStore.join(', ')})` : `${pickupStore} cannot fulfil it`;
  return choice.mode === RerouteMode.shipToStore
    ? `${what}; ${choice.location}${distance} ships it to ${pickupStore} for pickup there`
    : `${what}; pickup moved to ${choice.location}${distance}, the nearest location with stock`;
}

/**
 * The order as rerouted: collected at the chosen store, or shipped by the chosen warehouse to
 * the pickup store's address (booked as a shipment from the warehouse, so the ERP takes the stock
 * there and the WMS ships it).
 */
export function reroutedOrder(order: Order, args: { choice: Extract<LocationChoice, { outcome: 'rerouted' }>; pickupStore: string; settings: FlowSettings }): Order {
  const { choice, pickupStore, settings } = args;
  if (choice.mode === RerouteMode.pickup) {
    return { ...order, fulfilment: { ...order.fulfilment, method: 'pickup', locationCode: choice.location } };
  }
  const store = settings.bopis.locations.find((location) => location.code === pickupStore)?.address;
  if (!store) throw new Error(`no address configured for ${pickupStore}`); // chooseLocation never picks such a warehouse
  const { shippingAddress: _none, ...fulfilment } = order.fulfilment;
  return {
    ...order,
    fulfilment: {
      ...fulfilment,
      method: 'ship',
      locationCode: choice.location,
      shippingAddress: {
        recipient: order.customer.name ?? `Pickup ${order.orderNumber}`,
        company: `${pickupStore} (customer pickup)`,
        line1: store.line1,
        city: store.city,
        ...(store.region !== undefined && { region: store.region }),
        postalCode: store.postalCode,
        country: store.country,
      },
    },
  };
}
