import { GraphQLFieldError } from '../graphql/errors.ts';
import type { GraphQLObject, ResolveInfo } from '../graphql/execute.ts';
import type { InventoryAdjustmentGroup } from '../store/inventory.ts';
import { ADJUSTABLE_NAMES, INVENTORY_REASONS, SETTABLE_NAMES, applyInventoryChanges, quantityOf, resolveLevel } from '../store/inventory.ts';
import type { InventoryLevel, QuantityName, UserError } from '../store/types.ts';
import type { SchemaContext } from './context.ts';
import { gid, parseGid } from './ids.ts';
import { locationObject } from './objects-common.ts';
import { inventoryItemObject } from './objects-inventory.ts';
import { CHANGE_FROM_QUANTITY_REQUIRED_SINCE, CHANGE_FROM_QUANTITY_SINCE, isVersionAtLeast } from './versions.ts';

type Args = Record<string, unknown>;
type Row = Record<string, unknown>;

function payload(typename: string, group: InventoryAdjustmentGroup | null, userErrors: UserError[], context: SchemaContext): GraphQLObject {
  return {
    __typename: typename,
    inventoryAdjustmentGroup: group ? adjustmentGroupObject(group, context) : null,
    userErrors: userErrors.map((error) => ({ __typename: `${typename.replace('Payload', '')}UserError`, code: null, ...error })),
  };
}

function adjustmentGroupObject(group: InventoryAdjustmentGroup, context: SchemaContext): GraphQLObject {
  return {
    __typename: 'InventoryAdjustmentGroup',
    id: gid('InventoryAdjustmentGroup', group.id),
    createdAt: group.createdAt,
    reason: group.reason,
    referenceDocumentUri: group.referenceDocumentUri,
    app: null,
    changes: (args: Args) => {
      const names = Array.isArray(args.quantityNames) ? (args.quantityNames as string[]) : undefined;
      return group.changes
        .filter((change) => !names || names.includes(change.name))
        .map((change) => ({
          __typename: 'InventoryChange',
          name: change.name,
          delta: change.delta,
          quantityAfterChange: change.quantityAfterChange,
          ledgerDocumentUri: null,
          item: () => {
            const item = context.store.inventoryItems.get(change.level.inventoryItemId);
            return item ? inventoryItemObject(context.store, item) : null;
          },
          location: () => {
            const location = context.store.locations.get(change.level.locationId);
            return location ? locationObject(location) : null;
          },
        }));
    },
  };
}

function checkCommon(input: Row, allowedNames: readonly QuantityName[], nameCode: string): UserError | undefined {
  if (typeof input.name !== 'string' || !allowedNames.includes(input.name as QuantityName)) {
    return { field: ['input', 'name'], message: `The quantity name must be one of: ${allowedNames.join(', ')}.`, code: nameCode };
  }
  if (typeof input.reason !== 'string' || !INVENTORY_REASONS.has(input.reason)) {
    return { field: ['input', 'reason'], message: `The specified reason is invalid. Valid values: ${[...INVENTORY_REASONS].join(', ')}.`, code: 'INVALID_REASON' };
  }
  return undefined;
}

const hasChangeFrom = (row: Row) => Object.prototype.hasOwnProperty.call(row, 'changeFromQuantity');

/**
 * Which compare-and-swap a request uses: from 2026-04 `changeFromQuantity` on every row (an
 * explicit null opts out); in 2026-01 it may replace the deprecated `compareQuantity`; before
 * that only `compareQuantity`/`ignoreCompareQuantity` exist.
 */
function usesChangeFrom(rows: Row[], apiVersion: string, inputType: string): boolean {
  if (isVersionAtLeast(apiVersion, CHANGE_FROM_QUANTITY_REQUIRED_SINCE)) {
    if (!rows.every(hasChangeFrom)) {
      throw new GraphQLFieldError(`${inputType} must include the following argument: changeFromQuantity.`, { code: 'BAD_REQUEST' });
    }
    return true;
  }
  return isVersionAtLeast(apiVersion, CHANGE_FROM_QUANTITY_SINCE) && rows.some(hasChangeFrom);
}

function inventorySetQuantities(input: Row, context: SchemaContext): GraphQLObject {
  const typename = 'InventorySetQuantitiesPayload';
  const rows = Array.isArray(input.quantities) ? (input.quantities as Row[]) : [];
  const newCas = usesChangeFrom(rows, context.apiVersion, 'InventorySetQuantityInput');
  const common = checkCommon(input, SETTABLE_NAMES, 'INVALID_NAME');
  if (common) return payload(typename, null, [common], context);
  const name = input.name as QuantityName;
  const errors: UserError[] = [];
  const changes: { level: InventoryLevel; delta: number }[] = [];
  const seen = new Set<string>();
  for (const [index, row] of rows.entries()) {
    const found = resolveLevel(
      context.store,
      { inventoryItemId: parseGid(row.inventoryItemId, 'InventoryItem'), locationId: parseGid(row.locationId, 'Location'), expected: null, index },
      'quantities',
    );
    if ('error' in found) {
      errors.push(found.error);
      continue;
    }
    const field = ['input', 'quantities', String(index)];
    const key = `${found.level.inventoryItemId}@${found.level.locationId}`;
    if (seen.has(key)) {
      errors.push({ field, message: 'The combination of inventoryItemId and locationId must be unique.', code: 'NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR' });
      continue;
    }
    seen.add(key);
    const current = quantityOf(found.level, name);
    if (newCas) {
      const expected = row.changeFromQuantity ?? null;
      if (expected !== null && expected !== current) {
        errors.push({ field: [...field, 'changeFromQuantity'], message: 'The changeFromQuantity value does not match persisted value.', code: 'CHANGE_FROM_QUANTITY_STALE' });
        continue;
      }
    } else if (input.ignoreCompareQuantity !== true) {
      if (typeof row.compareQuantity !== 'number') {
        errors.push({
          field: [...field, 'compareQuantity'],
          message: 'The compareQuantity argument must be given to each quantity or ignored using ignoreCompareQuantity.',
          code: 'COMPARE_QUANTITY_REQUIRED',
        });
        continue;
      }
      if (row.compareQuantity !== current) {
        errors.push({ field: [...field, 'compareQuantity'], message: 'The compareQuantity value does not match persisted value.', code: 'COMPARE_QUANTITY_STALE' });
        continue;
      }
    }
    if (typeof row.quantity !== 'number' || !Number.isInteger(row.quantity)) {
      errors.push({ field: [...field, 'quantity'], message: 'Quantity must be an integer.', code: 'INVALID_QUANTITY_NEGATIVE' });
      continue;
    }
    changes.push({ level: found.level, delta: row.quantity - current });
  }
  if (errors.length > 0) return payload(typename, null, errors, context);
  const group = applyInventoryChanges(context.store, { name, reason: input.reason as string, referenceDocumentUri: stringOrNull(input.referenceDocumentUri) }, changes);
  return payload(typename, group, [], context);
}

function inventoryAdjustQuantities(input: Row, context: SchemaContext): GraphQLObject {
  const typename = 'InventoryAdjustQuantitiesPayload';
  const rows = Array.isArray(input.changes) ? (input.changes as Row[]) : [];
  const newCas = usesChangeFrom(rows, context.apiVersion, 'InventoryChangeInput');
  const common = checkCommon(input, ADJUSTABLE_NAMES, 'INVALID_QUANTITY_NAME');
  if (common) return payload(typename, null, [common], context);
  const name = input.name as QuantityName;
  const errors: UserError[] = [];
  const changes: { level: InventoryLevel; delta: number }[] = [];
  for (const [index, row] of rows.entries()) {
    const found = resolveLevel(
      context.store,
      { inventoryItemId: parseGid(row.inventoryItemId, 'InventoryItem'), locationId: parseGid(row.locationId, 'Location'), expected: null, index },
      'changes',
    );
    if ('error' in found) {
      errors.push(found.error);
      continue;
    }
    const field = ['input', 'changes', String(index)];
    if (typeof row.delta !== 'number' || !Number.isInteger(row.delta)) {
      errors.push({ field: [...field, 'delta'], message: 'Delta must be an integer.', code: 'INVALID_QUANTITY_DELTA' });
      continue;
    }
    if (newCas && (row.changeFromQuantity ?? null) !== null && row.changeFromQuantity !== quantityOf(found.level, name)) {
      errors.push({ field: [...field, 'changeFromQuantity'], message: 'The changeFromQuantity value does not match persisted value.', code: 'CHANGE_FROM_QUANTITY_STALE' });
      continue;
    }
    changes.push({ level: found.level, delta: row.delta });
  }
  if (errors.length > 0) return payload(typename, null, errors, context);
  const group = applyInventoryChanges(context.store, { name, reason: input.reason as string, referenceDocumentUri: stringOrNull(input.referenceDocumentUri) }, changes);
  return payload(typename, group, [], context);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export function inventoryMutations(context: SchemaContext): Record<string, unknown> {
  const idempotent = (mutation: string, typename: string, run: (input: Row) => GraphQLObject) => (args: Args, _context: unknown, info: ResolveInfo) =>
    context.idempotency.run({
      mutation,
      args,
      info,
      apiVersion: context.apiVersion,
      mismatch: (message) => payload(typename, null, [{ field: null, message, code: 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH' }], context),
      execute: () => run((args.input ?? {}) as Row),
    });
  return {
    inventorySetQuantities: idempotent('inventorySetQuantities', 'InventorySetQuantitiesPayload', (input) => inventorySetQuantities(input, context)),
    inventoryAdjustQuantities: idempotent('inventoryAdjustQuantities', 'InventoryAdjustQuantitiesPayload', (input) =>
      inventoryAdjustQuantities(input, context),
    ),
  };
}
