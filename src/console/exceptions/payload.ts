import { isEntityName, type EntityName } from '../../canonical/entities.ts';
import { validate } from '../../canonical/validation.ts';
import type { ValidationIssue } from '../../canonical/validation-messages.ts';
import type { DeadLetter, DeliveryItem } from '../../ports/storage.ts';
import { awaitsOperator } from '../../runtime/flows/operator.ts';

/**
 * What an operator may correct on an exception before resuming it ("fix and resume"):
 * - a delivery exception: the payload of its delivery item, while the item is dead-lettered;
 * - a flow exception whose flow waits for an operator (`raiseAndAwaitOperator`): the payload
 *   the flow offered in the exception's context.
 * Anything else (a failed flow, an item delivered or back in its queue) has nothing to edit.
 */
export interface EditablePayload {
  payload: unknown;
  /** The canonical entity the corrected payload is checked against, or null when none applies. */
  entity: EntityName | null;
}

export type Editability = { editable: true; value: EditablePayload } | { editable: false; why: string };

/** The entity a dead letter's context names, in canonical spelling (`inventoryLevel` → `inventory-level`). */
export function canonicalEntityOf(entry: Pick<DeadLetter, 'context'>): EntityName | null {
  const named = entry.context.entity;
  if (typeof named !== 'string') return null;
  const kebab = named.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/_/g, '-').toLowerCase();
  return isEntityName(kebab) ? kebab : null;
}

/**
 * A canonical entity carries its envelope (hub id and schema version). Connector payloads that
 * merely concern an entity (a refund request `{ refund, payment }`, an inventory level reduced to
 * `{ sku, available }`) do not, and are not checked against the entity's schema: they would
 * never pass, and the target's own rules are what the operator is fixing.
 */
function looksLikeEntity(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'hubId' in value && 'schemaVersion' in value;
}

export function editabilityOf(entry: DeadLetter, item: DeliveryItem | undefined): Editability {
  if (entry.status !== 'open') return { editable: false, why: `#${entry.id} is not open any more (it is ${entry.status})` };
  const entity = canonicalEntityOf(entry);
  if (entry.kind === 'delivery') {
    if (!item) return { editable: false, why: `the delivery item of #${entry.id} is no longer stored` };
    if (item.status !== 'dead') return { editable: false, why: `the delivery item of #${entry.id} is ${item.status}, not waiting for an operator` };
    return { editable: true, value: { payload: item.payload, entity: entity && looksLikeEntity(item.payload) ? entity : null } };
  }
  if (!awaitsOperator(entry)) {
    return { editable: false, why: `flow ${entry.target} is not waiting for an operator's decision on #${entry.id}, so there is no payload to correct: retry, resolve or discard it` };
  }
  const payload = entry.context.payload ?? null;
  return { editable: true, value: { payload, entity: entity && looksLikeEntity(payload) ? entity : null } };
}

export interface PayloadProblem {
  /** `Order is invalid` */
  message: string;
  /** The first offending field, dotted: `lines[0].quantity`. */
  field: string;
  issues: ValidationIssue[];
}

/**
 * Checks a corrected payload against the canonical schema the original was checked against.
 * An edit that turns a canonical entity into something else is checked too (removing the
 * envelope does not switch the check off).
 */
export function checkCorrectedPayload(editable: EditablePayload, entry: Pick<DeadLetter, 'context'>, corrected: unknown): PayloadProblem | null {
  const entity = editable.entity ?? (looksLikeEntity(corrected) ? canonicalEntityOf(entry) : null);
  if (entity === null) return null;
  const result = validate(entity, corrected);
  if (result.ok) return null;
  const shown = result.errors.slice(0, 3).map((issue) => `${issue.field} ${issue.reason}`);
  const more = result.errors.length > 3 ? ` (and ${result.errors.length - 3} more)` : '';
  return { message: `${result.title} is invalid: ${shown.join('; ')}${more}`, field: result.errors[0]?.field ?? '(root)', issues: result.errors };
}
