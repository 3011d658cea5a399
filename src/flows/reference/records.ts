import type { Customer } from '../../canonical/customer.ts';

/** The read models the retail flows keep in `storage.records`, by entity name. */
export const RecordEntity = {
  /** key: sku */
  product: 'product',
  /** key: sku (the ERP's selling price in the shop currency) */
  price: 'price',
  /** key: sku@location — the owner's (ERP's) level */
  inventory: 'inventory-level',
  /** key: customer hub id — the merged golden record */
  customer: 'customer',
  /** key: order number */
  order: 'order',
  /** key: shipment number */
  shipment: 'shipment',
  /**
   * key: order number — where the order stands in the warehouse and with carriers: units shipped
   * and delivered per line, lines not shippable, its shipments (`OrderFulfilment`, kept by the
   * shipment-milestones flow, src/flows/shipments/records.ts).
   */
  orderFulfilment: 'order-fulfilment',
  /** key: invoice number */
  invoice: 'invoice',
  /** key: RMA number */
  return: 'return',
} as const;

/**
 * A record version from a canonical entity: its source timestamp in ms, with the entity's own
 * version as a tie-breaker, so two changes stamped in the same millisecond still order.
 */
export function recordVersion(entity: { sourceTimestamp: string; version?: number }): number {
  const at = Date.parse(entity.sourceTimestamp);
  return (Number.isNaN(at) ? 0 : at) + Math.min(entity.version ?? 0, 999) / 1000;
}

/** Normalised keys a customer is matched by: email, phone, loyalty id, external ids. */
export function customerMatchKeys(customer: {
  emails?: readonly { address: string }[];
  email?: string;
  phones?: readonly { number: string }[];
  phone?: string;
  loyalty?: Customer['loyalty'];
  externalIds?: Readonly<Record<string, string>>;
}): string[] {
  const keys = new Set<string>();
  for (const email of [...(customer.emails ?? []).map((entry) => entry.address), customer.email]) {
    if (email) keys.add(`email:${email.trim().toLowerCase()}`);
  }
  for (const phone of [...(customer.phones ?? []).map((entry) => entry.number), customer.phone]) {
    const digits = phone?.replace(/[^\d+]/g, '');
    if (digits) keys.add(`phone:${digits}`);
  }
  if (customer.loyalty?.memberId) keys.add(`loyalty:${customer.loyalty.memberId}`);
  for (const [system, id] of Object.entries(customer.externalIds ?? {})) keys.add(`ext:${system}:${id}`);
  return [...keys];
}
