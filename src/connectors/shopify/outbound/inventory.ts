import { createHash } from 'node:crypto';
import type { DeliveryItem } from '../../../ports/storage.ts';
import { TransientError } from '../../../runtime/errors.ts';
import type { ItemOutcome } from '../../../runtime/delivery/target.ts';
import { SHOPIFY_SYSTEM } from '../client.ts';
import type { ShopifyGraphQLClient } from '../client.ts';
import { refusedLocally, userErrorFailure } from '../failures.ts';
import type { ShopifyUserError } from '../failures.ts';
import type { CallOptions, ShopifyReferences } from '../references.ts';

/**
 * The payload of `setInventoryLevel`: the absolute available quantity of a SKU at a location.
 * `expectedAvailable` asks for compare-and-swap: Shopify applies the row only if it still holds
 * that value (`changeFromQuantity`). Leave it out when the hub owns inventory (the usual case):
 * the newest level wins by construction and there is nothing to compare with.
 */
export interface InventoryLevelUpdate {
  sku: string;
  locationCode: string;
  available: number;
  expectedAvailable?: number | null;
  /** Shopify ids when the flow knows them from the cross-references (saves the lookup). */
  inventoryItemId?: string;
  locationId?: string;
}

export interface InventoryOptions {
  /** InventorySetQuantitiesInput.reason; `correction` is what a sync from the ERP is. */
  reason: string;
}

interface Row {
  item: DeliveryItem;
  input: { inventoryItemId: string; locationId: string; quantity: number; changeFromQuantity: number | null };
}

interface SetQuantitiesData {
  inventorySetQuantities: { userErrors: ShopifyUserError[] } | null;
}

const SET_QUANTITIES = `mutation SetInventoryLevels($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) { userErrors { field message code } }
}`;

/**
 * Sets up to 250 levels with one `inventorySetQuantities` call
 * (https://shopify.dev/docs/api/admin-graphql/latest/mutations/inventorySetQuantities).
 * The mutation is all-or-nothing: a refused row (stale compare-and-swap, unknown item) means
 * no row was applied. The refused rows become permanent per-item failures and the others are
 * sent once more without them, in the same delivery, so good rows land without waiting.
 */
export async function setInventoryLevels(options: {
  batch: readonly DeliveryItem[];
  client: ShopifyGraphQLClient;
  references: ShopifyReferences;
  settings: InventoryOptions;
  call: CallOptions;
}): Promise<ItemOutcome[]> {
  const { batch, client, references, settings, call } = options;
  const outcomes = new Map<DeliveryItem, ItemOutcome>();
  const updates = new Map<DeliveryItem, InventoryLevelUpdate>();
  for (const item of batch) {
    const problem = checkUpdate(item.payload);
    if (problem) outcomes.set(item, { ok: false, error: problem });
    else updates.set(item, item.payload as InventoryLevelUpdate);
  }
  for (const update of updates.values()) if (update.inventoryItemId) references.remember(update.sku, update.inventoryItemId);
  const itemIds = await references.inventoryItemIds([...updates.values()].map((update) => update.sku), call);
  let rows: Row[] = [];
  for (const [item, update] of updates) {
    const inventoryItemId = itemIds.get(update.sku);
    const locationId = update.locationId ?? (await references.locationId(update.locationCode, call));
    if (!inventoryItemId) {
      outcomes.set(item, { ok: false, error: refusedLocally({ code: 'UNKNOWN_SKU', field: 'sku', message: `Shopify has no inventory item with SKU ${update.sku}` }) });
    } else if (!locationId) {
      outcomes.set(item, {
        ok: false,
        error: refusedLocally({ code: 'UNKNOWN_LOCATION', field: 'locationCode', message: `No Shopify location for code ${update.locationCode}: add it to the connector's locations map` }),
      });
    } else {
      rows.push({ item, input: { inventoryItemId, locationId, quantity: update.available, changeFromQuantity: update.expectedAvailable ?? null } });
    }
  }
  // At most two passes: the second only carries rows the first left unapplied through no fault of theirs.
  for (let pass = 0; pass < 2 && rows.length > 0; pass++) {
    const refused = await sendRows(rows, client, settings, call);
    if (refused.size === 0) {
      for (const row of rows) outcomes.set(row.item, { ok: true, externalId: levelExternalId(row.input) });
      rows = [];
      break;
    }
    for (const [row, error] of refused) outcomes.set(row.item, { ok: false, error });
    rows = rows.filter((row) => !refused.has(row));
  }
  for (const row of rows) {
    outcomes.set(row.item, {
      ok: false,
      error: new TransientError('not applied: Shopify refused other rows of the same inventorySetQuantities call twice', { system: SHOPIFY_SYSTEM, code: 'BATCH_NOT_APPLIED' }),
    });
  }
  return batch.map((item) => outcomes.get(item)!);
}

async function sendRows(rows: Row[], client: ShopifyGraphQLClient, settings: InventoryOptions, call: CallOptions): Promise<Map<Row, Error>> {
  const input = { name: 'available', reason: settings.reason, quantities: rows.map((row) => row.input) };
  const data = await client.request<SetQuantitiesData>(SET_QUANTITIES, { ...call, variables: { input, key: batchIdempotencyKey(rows) } });
  const refused = new Map<Row, Error>();
  for (const userError of data.inventorySetQuantities?.userErrors ?? []) {
    const index = rowIndexOf(userError);
    const targets = index === undefined ? rows : rows.slice(index, index + 1);
    for (const row of targets) {
      if (!refused.has(row)) refused.set(row, userErrorFailure(userError, { operation: 'inventorySetQuantities', businessKey: row.item.key }));
    }
  }
  return refused;
}

/** `["input", "quantities", "3", "changeFromQuantity"]` → 3. */
function rowIndexOf(error: ShopifyUserError): number | undefined {
  const field = error.field ?? [];
  const at = field.indexOf('quantities');
  const index = at >= 0 ? Number(field[at + 1]) : Number.NaN;
  return Number.isInteger(index) ? index : undefined;
}

/**
 * One key per distinct request: the items' own idempotency keys and the rows sent. A retry of
 * the same request after a lost answer reuses it (Shopify answers the first result); a later
 * request that happens to set the same values carries other items' keys and is applied.
 */
function batchIdempotencyKey(rows: Row[]): string {
  const hash = createHash('sha256');
  for (const row of rows) hash.update(`${row.item.idempotencyKey ?? row.item.id}\n${JSON.stringify(row.input)}\n`);
  return `crossdock-inventory-${hash.digest('hex').slice(0, 40)}`;
}

function levelExternalId(input: Row['input']): string {
  return `${input.inventoryItemId.split('/').pop()}@${input.locationId.split('/').pop()}`;
}

function checkUpdate(payload: unknown): Error | undefined {
  const update = payload as Partial<InventoryLevelUpdate> | null;
  if (!update || typeof update.sku !== 'string' || update.sku === '') return refusedLocally({ code: 'INVALID_PAYLOAD', field: 'sku', message: 'an inventory level needs a sku' });
  if (typeof update.locationCode !== 'string' && typeof update.locationId !== 'string') {
    return refusedLocally({ code: 'INVALID_PAYLOAD', field: 'locationCode', message: `inventory level ${update.sku} needs a locationCode` });
  }
  if (!Number.isInteger(update.available)) {
    return refusedLocally({ code: 'INVALID_PAYLOAD', field: 'available', message: `inventory level ${update.sku}: available must be an integer` });
  }
  if (update.expectedAvailable !== undefined && update.expectedAvailable !== null && !Number.isInteger(update.expectedAvailable)) {
    return refusedLocally({ code: 'INVALID_PAYLOAD', field: 'expectedAvailable', message: `inventory level ${update.sku}: expectedAvailable must be an integer` });
  }
  return undefined;
}

export interface InventoryAdjustment {
  sku: string;
  locationCode: string;
  /** Units to add (positive) or remove (negative). */
  delta: number;
  /** Which quantity: `available` (default), `damaged`, `quality_control`, `reserved`, `safety_stock`, `incoming`. */
  quantityName?: string;
  reason?: string;
  /** Where the change comes from, e.g. `logistics://wms/receipts/R-123`. */
  referenceDocumentUri?: string;
  inventoryItemId?: string;
  locationId?: string;
}

const ADJUST_QUANTITIES = `mutation AdjustInventory($input: InventoryAdjustQuantitiesInput!, $key: String!) {
  inventoryAdjustQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id }
    userErrors { field message code }
  }
}`;

/**
 * One adjustment (a command: never coalesced) with `inventoryAdjustQuantities`, keyed with
 * the delivery item's idempotency key so a redelivery after a lost answer adjusts once
 * (https://shopify.dev/docs/api/usage/idempotent-requests).
 */
export async function adjustInventory(options: {
  item: DeliveryItem;
  client: ShopifyGraphQLClient;
  references: ShopifyReferences;
  settings: InventoryOptions;
  call: CallOptions;
}): Promise<ItemOutcome> {
  const { item, client, references, call } = options;
  const adjustment = item.payload as Partial<InventoryAdjustment> | null;
  if (!adjustment || typeof adjustment.sku !== 'string' || !Number.isInteger(adjustment.delta) || typeof adjustment.locationCode !== 'string') {
    return { ok: false, error: refusedLocally({ code: 'INVALID_PAYLOAD', message: `adjustInventory ${item.key}: needs sku, locationCode and an integer delta` }) };
  }
  if (adjustment.inventoryItemId) references.remember(adjustment.sku, adjustment.inventoryItemId);
  const inventoryItemId = (await references.inventoryItemIds([adjustment.sku], call)).get(adjustment.sku);
  const locationId = adjustment.locationId ?? (await references.locationId(adjustment.locationCode, call));
  if (!inventoryItemId) return { ok: false, error: refusedLocally({ code: 'UNKNOWN_SKU', field: 'sku', message: `Shopify has no inventory item with SKU ${adjustment.sku}` }) };
  if (!locationId) return { ok: false, error: refusedLocally({ code: 'UNKNOWN_LOCATION', field: 'locationCode', message: `No Shopify location for code ${adjustment.locationCode}` }) };
  const input = {
    name: adjustment.quantityName ?? 'available',
    reason: adjustment.reason ?? options.settings.reason,
    ...(adjustment.referenceDocumentUri !== undefined && { referenceDocumentUri: adjustment.referenceDocumentUri }),
    changes: [{ inventoryItemId, locationId, delta: adjustment.delta, changeFromQuantity: null }],
  };
  const data = await client.request<{ inventoryAdjustQuantities: { inventoryAdjustmentGroup: { id: string } | null; userErrors: ShopifyUserError[] } }>(
    ADJUST_QUANTITIES,
    { ...call, variables: { input, key: commandKey(item) } },
  );
  const [userError] = data.inventoryAdjustQuantities.userErrors;
  if (userError) return { ok: false, error: userErrorFailure(userError, { operation: 'inventoryAdjustQuantities', businessKey: item.key }) };
  const group = data.inventoryAdjustQuantities.inventoryAdjustmentGroup;
  return group ? { ok: true, externalId: group.id } : { ok: true };
}

/** The delivery item's own idempotency key; commands always have one, else its queue id. */
export function commandKey(item: DeliveryItem): string {
  return item.idempotencyKey ?? `crossdock-delivery-${item.id}`;
}
