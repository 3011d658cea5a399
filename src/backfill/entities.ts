/**
 * What a backfill can load, how each record is keyed, and which target operation writes it.
 */
export const BACKFILL_ENTITIES = ['product', 'price', 'customer', 'order'] as const;
export type BackfillEntity = (typeof BACKFILL_ENTITIES)[number];

export function isBackfillEntity(value: string): value is BackfillEntity {
  return (BACKFILL_ENTITIES as readonly string[]).includes(value);
}

/**
 * The operations that upsert an entity, in order of preference; the first one the target
 * connector lists in its `operations` is used. All are idempotent upserts by external id (the
 * SKU, the customer's hub id, the order number), so writing a record twice leaves one record.
 */
export const UPSERT_OPERATIONS: Record<BackfillEntity, readonly string[]> = {
  product: ['upsertProduct'],
  price: ['upsertPrice', 'setPrice'],
  customer: ['upsertCustomer'],
  order: ['projectOrder', 'upsertOrder'],
};

/** The operation a target writes an entity with, or a message saying why there is none. */
export function upsertOperationFor(entity: BackfillEntity, target: { name: string; system: string; operations: readonly string[] }): string {
  const operation = UPSERT_OPERATIONS[entity].find((candidate) => target.operations.includes(candidate));
  if (operation) return operation;
  throw new Error(
    `the ${target.system} connector (role ${target.name}) has no operation that writes ${entity} records ` +
      `(looked for ${UPSERT_OPERATIONS[entity].join(' or ')}; it has ${target.operations.join(', ')})`,
  );
}

/** The business key of a canonical record: the delivery ordering key and the key failures are reported under. */
export function businessKeyOf(entity: BackfillEntity, record: unknown): string {
  const value = (record ?? {}) as Record<string, unknown>;
  const text = (field: string): string => (typeof value[field] === 'string' ? (value[field] as string) : '');
  switch (entity) {
    case 'product':
      return text('sku');
    case 'price':
      return `${text('priceList')}/${text('sku')}`;
    case 'customer':
      return text('hubId');
    case 'order':
      return text('orderNumber');
  }
}
