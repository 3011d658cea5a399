import type { InvariantCheck } from './invariants.ts';
import type { RetailFlowDependencies, RetailFlowModule } from './module.ts';
import { createBopisReroute } from './bopis/index.ts';
import { createCustomerSync } from './customers/index.ts';
import { customerInvariants } from './customers/invariants.ts';
import { createInventorySync } from './inventory-sync/index.ts';
import { inventoryInvariants } from './inventory-sync/invariants.ts';
import { createReferenceData } from './reference/projection.ts';
import { createReturns } from './returns/index.ts';
import { returnsInvariants } from './returns/invariants.ts';
import { createOrderCapture, orderCaptureInvariants } from './order-capture/index.ts';
import { createShipments } from './shipments/index.ts';
import { checkShipmentInvariants } from './shipments/invariants.ts';

export type { RetailFlowDependencies, RetailFlowModule } from './module.ts';
export { flowSettings, FlowSettingsSchema, type FlowSettings } from './settings.ts';
export { createOwnership, DEFAULT_OWNERSHIP, type Ownership } from './ownership.ts';
export { checkInvariants, type InvariantCheck, type InvariantContext, type InvariantResult } from './invariants.ts';

/** Every retail flow module, in the order their flows are registered. */
export function retailModules(deps: RetailFlowDependencies): RetailFlowModule[] {
  return [
    createReferenceData(deps),
    createInventorySync(deps),
    createCustomerSync(deps),
    createOrderCapture(deps),
    createBopisReroute(deps),
    createShipments(deps),
    createReturns(deps),
  ];
}

/** The invariants the demo report checks once the hub is quiet, by module. */
export const retailInvariants: Readonly<Record<string, InvariantCheck>> = {
  orders: orderCaptureInvariants,
  inventory: inventoryInvariants,
  customers: customerInvariants,
  shipments: checkShipmentInvariants,
  returns: returnsInvariants,
};
