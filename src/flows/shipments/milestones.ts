import { shipmentLifecycle } from '../../canonical/lifecycles.ts';
import { ShipmentMilestone, type Shipment } from '../../canonical/shipment.ts';
import type { StoredRecord } from '../../ports/storage.ts';
import { recordVersion } from '../reference/records.ts';
import { ShipmentStage } from './records.ts';

export type MilestoneEntry = Shipment['milestones'][number];

/** Milestones that only happen once a carrier has the parcel. */
const CARRIER_MILESTONES: ReadonlySet<string> = new Set([
  ShipmentMilestone.handedToCarrier,
  ShipmentMilestone.inTransit,
  ShipmentMilestone.outForDelivery,
  ShipmentMilestone.delivered,
  ShipmentMilestone.deliveryAttemptFailed,
  ShipmentMilestone.returnedToSender,
]);

export function latestMilestone(shipment: Shipment): MilestoneEntry | undefined {
  return shipment.milestones[shipment.milestones.length - 1];
}

/** The first milestone of a kind, e.g. when the parcel was handed to the carrier. */
export function firstOf(shipment: Shipment, milestone: ShipmentMilestone): MilestoneEntry | undefined {
  return shipment.milestones.find((entry) => entry.milestone === milestone);
}

/**
 * True once the shipment has left the warehouse: a carrier milestone is in its history (a
 * "delivered" that arrives before its "shipped" still says the parcel left).
 */
export function hasLeftWarehouse(shipment: Shipment): boolean {
  return shipment.milestones.some((entry) => CARRIER_MILESTONES.has(entry.milestone));
}

/** When the shipment left the warehouse: its hand-over, or the first carrier milestone seen. */
export function leftWarehouseAt(shipment: Shipment): string | undefined {
  return (firstOf(shipment, ShipmentMilestone.handedToCarrier) ?? shipment.milestones.find((entry) => CARRIER_MILESTONES.has(entry.milestone)))?.occurredAt;
}

export function stageOf(milestone: ShipmentMilestone | undefined): ShipmentStage {
  switch (milestone) {
    case ShipmentMilestone.delivered:
      return ShipmentStage.delivered;
    case ShipmentMilestone.exception:
      return ShipmentStage.exception;
    case ShipmentMilestone.returnedToSender:
      return ShipmentStage.returned;
    case ShipmentMilestone.picked:
    case ShipmentMilestone.packed:
    case ShipmentMilestone.labelCreated:
    case undefined:
      return ShipmentStage.preparing;
    default:
      return ShipmentStage.shipped;
  }
}

/** The version a shipment state is stored and delivered with: its source time, its own revision as tie-breaker. */
export function shipmentVersion(shipment: Shipment): number {
  return recordVersion(shipment);
}

export type ShipmentApplication =
  /** Newer than what was known: stored. */
  | { outcome: 'applied'; previous: ShipmentMilestone | undefined }
  /** The same state again (a redelivery, or a replay of this step): nothing new, effects are idempotent. */
  | { outcome: 'same' }
  /** Older than what is stored (a milestone delivered late): the newer state already did the work. */
  | { outcome: 'stale'; stored: ShipmentMilestone | undefined }
  /** Newer, but a move the shipment lifecycle forbids (e.g. delivered → picked): not stored. */
  | { outcome: 'refused'; stored: ShipmentMilestone; incoming: ShipmentMilestone; message: string };

/**
 * Decides whether an incoming shipment state replaces the stored one: by version first (a late
 * or duplicate milestone never regresses the state), then by the shipment lifecycle.
 */
export function judgeShipment(stored: StoredRecord<Shipment> | undefined, incoming: Shipment): ShipmentApplication {
  const version = shipmentVersion(incoming);
  if (!stored) return { outcome: 'applied', previous: undefined };
  const storedLatest = latestMilestone(stored.data)?.milestone;
  if (stored.version === version) return { outcome: 'same' };
  if (stored.version > version) return { outcome: 'stale', stored: storedLatest };
  const incomingLatest = latestMilestone(incoming)?.milestone;
  if (storedLatest !== undefined && incomingLatest !== undefined) {
    const check = shipmentLifecycle.checkTransition(storedLatest, incomingLatest);
    if (!check.allowed) return { outcome: 'refused', stored: storedLatest, incoming: incomingLatest, message: check.message };
  }
  return { outcome: 'applied', previous: storedLatest };
}
